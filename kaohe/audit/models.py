"""The audit record: one row per change that matters, append-only and hash-chained.

Each row stores the SHA-256 of its own content together with the previous row's hash, so changing,
inserting or deleting a row anywhere in the chain shows up in ``kaohe audit verify`` even when it
was done behind the application's back (raw SQL, a database console, a restored backup).

The model refuses updates and deletes, but that only stops honest code. In production the
database role the application connects as must also lack the privileges, e.g. on PostgreSQL::

    REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditrecord FROM kaohe_app;

(run migrations as the owning role; the application role keeps SELECT and INSERT only).
"""

import hashlib
import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile

GENESIS_HASH = "0" * 64  # the prev_hash of the first record


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit record through Django."""

    def __init__(self) -> None:
        super().__init__("审计记录只能追加，不能修改或删除。")


def jsonable(value: Any) -> Any:
    """A JSON-native copy of ``value`` whose canonical text survives a database round trip.

    Decimals and floats become strings: PostgreSQL's jsonb rewrites numbers (1e20 comes back as
    an integer), which would change the canonical text and break the hash. Dates become ISO text,
    aware datetimes in UTC so the same instant always reads the same.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=canonical_json) if isinstance(value, set | frozenset) else items
    raise TypeError(f"审计记录无法保存 {type(value).__name__} 类型的值：{value!r}")


def canonical_json(value: Any) -> str:
    """The one text a value is hashed as: sorted keys, no spacing, Chinese kept as is."""
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class AuditRecordQuerySet(models.QuerySet):
    """Bulk writes would skip the chain (and ``save``/``delete``), so they are refused too."""

    def update(self, **kwargs):
        raise AppendOnlyError

    def delete(self):
        raise AppendOnlyError

    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError


class AuditRecord(models.Model):
    """Who did what, to which unit/indicator of which campaign, from what to what, and why.

    Write only through ``kaohe.audit.trail.record``, which assigns ``seq`` and the hashes.
    """

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    # DO_NOTHING without a database constraint: the row keeps the id it was hashed with after the
    # user is deleted (SET_NULL would rewrite the row and break its hash); actor_name keeps who.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="操作人",
    )
    actor_name = models.CharField("操作人（名）", max_length=150, blank=True)
    action = models.CharField("动作", max_length=50)
    # The same for campaign, unit and indicator: the trail outlives what it speaks of (a demo
    # campaign rebuilt, a unit merged), and a dangling id is better evidence than a rewritten row.
    campaign = models.ForeignKey(
        "assessment.Campaign",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="考核",
    )
    unit = models.ForeignKey(
        "registry.Unit",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="单位",
    )
    indicator = models.ForeignKey(
        "assessment.Indicator",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="指标",
    )
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=100, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    reason = models.TextField("原因", blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        default_permissions = ("view",)
        verbose_name = verbose_name_plural = "审计记录"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.actor_name}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError

    def content(self) -> dict[str, Any]:
        """Everything the hash covers, including the link to the previous record."""
        return {
            "seq": self.seq,
            "at": jsonable(self.at),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "campaign_id": self.campaign_id,
            "unit_id": self.unit_id,
            "indicator_id": self.indicator_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.content()).encode("utf-8")).hexdigest()
