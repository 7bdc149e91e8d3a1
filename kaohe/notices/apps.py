from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "kaohe.notices"
    verbose_name = "通报"
