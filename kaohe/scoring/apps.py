from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "kaohe.scoring"
    verbose_name = "评分工作台"
