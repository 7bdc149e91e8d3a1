"""User and role changes go to the audit trail, whoever makes them (admin, shell, a view)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kaohe.audit.context import current_actor
from kaohe.audit.trail import record

from .models import Membership

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
)


def _actor():
    user = current_actor.get()
    return user if user is not None and getattr(user, "is_authenticated", False) else "系统"


@receiver(post_save, sender=get_user_model())
def user_saved(sender, instance, created, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # a sign-in, not a change to the account
    after = {field: getattr(instance, field) for field in USER_FIELDS}
    record(actor=_actor(), action="user.change", obj=instance, after=after,
           reason="新建用户" if created else "修改用户")  # fmt: skip


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance, created, **kwargs):
    record(actor=_actor(), action="user.change", unit=instance.unit, obj=instance,
           after={"user": instance.user.get_username(), "role": instance.role, "unit": instance.unit_id},
           reason="分配角色" if created else "修改角色")  # fmt: skip


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance, **kwargs):
    record(actor=_actor(), action="user.change", obj=instance,
           before={"user": instance.user.get_username(), "role": instance.role, "unit": instance.unit_id},
           reason="撤销角色")  # fmt: skip
