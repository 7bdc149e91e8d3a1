"""Appending to the audit trail and checking it.

``record`` is the only way a row gets written: it takes the chain's lock, reads the last record
and links the new one to it, so two concurrent writers can never both claim the same place.
``verify`` recomputes every hash; ``snapshot`` turns a model instance into the JSON that
``before``/``after`` store.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, models, transaction
from django.utils import timezone

from .models import GENESIS_HASH, AuditRecord, jsonable

# Serialises appends on PostgreSQL (the value is "kaohe" in ASCII). An advisory lock works on an
# empty table too, where SELECT … FOR UPDATE on "the last row" would have nothing to lock.
LOCK_KEY = 0x6B616F6865


@dataclass(frozen=True)
class Problem:
    """One break in the chain, named so an auditor can find the row."""

    kind: str  # "content" (row changed), "gap" (rows deleted), "link" (previous row replaced)
    seq: int
    id: int
    action: str
    at: datetime
    detail: str

    def __str__(self) -> str:
        when = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M:%S")
        return f"第 {self.seq} 条记录（id {self.id}，动作 {self.action}，时间 {when}）{self.detail}"


def _lock() -> None:
    """Hold the chain's write lock until the surrounding transaction ends.

    On SQLite the project opens every atomic block with BEGIN IMMEDIATE, which already takes the
    database's single write lock, so being inside ``transaction.atomic()`` is enough. Elsewhere
    the unique ``seq`` still refuses a forked chain; the lock only turns that error into waiting.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _actor(actor: AbstractBaseUser | str | None) -> tuple[int | None, str]:
    """A user is kept by id and username; a string names a system actor (e.g. "导入")."""
    if actor is None or isinstance(actor, str):
        return None, actor or ""
    if not actor.is_authenticated:  # AnonymousUser
        return None, ""
    return actor.pk, actor.get_username()


def record(
    *,
    actor: AbstractBaseUser | str | None,
    action: str,
    reason: str = "",
    campaign: models.Model | None = None,
    unit: models.Model | None = None,
    indicator: models.Model | None = None,
    obj: models.Model | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditRecord:
    """Append one record to the chain and return it.

    Call it inside the transaction that makes the change, so the change and its record commit or
    roll back together; it opens its own atomic block (a savepoint if one is already open).
    """
    if not action:
        raise ValueError("审计记录必须有动作代码。")
    actor_id, actor_name = _actor(actor)
    with transaction.atomic():
        _lock()
        last = AuditRecord.objects.order_by("-seq").only("seq", "hash").first()
        entry = AuditRecord(
            seq=last.seq + 1 if last else 1,
            at=timezone.now(),
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            campaign=campaign,
            unit=unit,
            indicator=indicator,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            before=jsonable(before),
            after=jsonable(after),
            reason=reason,
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
    return entry


def _problem(entry: AuditRecord, kind: str, detail: str) -> Problem:
    return Problem(kind, entry.seq, entry.pk, entry.action, entry.at, detail)


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def verify() -> list[Problem]:
    """Walk the chain in ``seq`` order and report every break.

    Each record is checked against its own stored hash and linked to the previous record's stored
    hash, so one tampered row is reported once rather than cascading through the rest. Deleting
    the newest records leaves no gap: compare the last seq and hash with a copy kept elsewhere.
    """
    problems: list[Problem] = []
    expected_seq, prev_hash = 1, GENESIS_HASH
    for entry in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq > expected_seq:
            missing = _span(expected_seq, entry.seq - 1)
            problems.append(_problem(entry, "gap", f"之前缺少第 {missing} 条记录：记录已被删除"))
        elif entry.prev_hash != prev_hash:
            detail = "与前一条记录的哈希不衔接：前一条记录已被改动或替换"
            problems.append(_problem(entry, "link", detail))
        if entry.compute_hash() != entry.hash:
            problems.append(_problem(entry, "content", "内容与哈希不符：记录已被改动"))
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    return problems


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The named fields (default: all concrete ones) as JSON for ``before``/``after``.

    Relations are kept as ids (many-to-many as a sorted id list): names change, ids do not.
    Decimals carry the field's decimal places (-0.50, not -0.5) whether or not ``instance`` was
    read back after saving.
    """
    opts = instance._meta
    names = list(fields) if fields is not None else [f.name for f in opts.concrete_fields]
    data: dict[str, Any] = {}
    for name in names:
        field = opts.get_field(name)
        if field.many_to_many and isinstance(field, models.Field):
            value = sorted(getattr(instance, name).values_list("pk", flat=True))
        elif isinstance(field, models.Field) and field.concrete:
            value = getattr(instance, field.attname)
            if isinstance(field, models.DecimalField) and value is not None:
                # As the database will hold it, so a fresh object and a re-read one agree.
                value = Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places))
        else:
            raise ValueError(f"{opts.label}.{name} 不是可记录的字段。")
        data[name] = jsonable(value)
    return data
