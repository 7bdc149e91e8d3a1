from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "kaohe.assessment"
    verbose_name = "考核"
