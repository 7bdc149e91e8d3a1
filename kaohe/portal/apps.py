from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kaohe.portal"
    verbose_name = "单位门户"
