from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "kaohe.registry"
    verbose_name = "单位名录"
