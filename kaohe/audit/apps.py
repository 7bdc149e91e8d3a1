from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kaohe.audit"
    verbose_name = "审计记录"
