from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kaohe.accounts"
    verbose_name = "账户与角色"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the audit receivers)
