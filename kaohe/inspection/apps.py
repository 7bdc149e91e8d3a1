from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "kaohe.inspection"
    verbose_name = "网上核验"
