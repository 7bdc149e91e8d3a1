"""Who a user is in an assessment: a role, and the unit they act for."""

from django.conf import settings
from django.db import models

from kaohe.registry.models import Unit


class Role(models.TextChoices):
    OFFICE = "office", "考核办"
    SCORER = "scorer", "牵头单位赋分人"
    UNIT = "unit", "被考核单位"
    LEADER = "leader", "领导"
    ADMIN = "admin", "系统管理员"


class Membership(models.Model):
    """A user's role; scorers act for their lead agency, unit users for their own unit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField("角色", max_length=20, choices=Role)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属单位"
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
