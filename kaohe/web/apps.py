from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kaohe.web"
    verbose_name = "界面"
