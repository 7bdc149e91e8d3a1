"""The chain: records link up, survive the database round trip, and any tampering is named."""

import hashlib
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from kaohe.assessment.models import RankingGroup
from kaohe.audit.models import GENESIS_HASH, AppendOnlyError, AuditRecord, canonical_json
from kaohe.audit.trail import record, snapshot, verify
from kaohe.registry.models import Category, Unit

pytestmark = pytest.mark.django_db


def test_a_normal_history_links_up_and_verifies(history):
    rows = list(AuditRecord.objects.all())
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS_HASH
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert all(r.at <= s.at for r, s in zip(rows, rows[1:], strict=False))
    assert verify() == []


def test_the_hash_is_sha256_of_the_canonical_content(history):
    stored = AuditRecord.objects.get(seq=1)  # read back: what the database returns must re-hash
    text = canonical_json(stored.content())
    assert stored.hash == hashlib.sha256(text.encode()).hexdigest()
    assert '"actor_name":"scorer-a"' in text and "政策解读不及时" in text  # ensure_ascii=False
    assert stored.after["amount"] == "-0.50"  # decimals as text, as the ledger holds them
    assert stored.after["unit"] == history[0].unit_id  # relations by id
    assert stored.after["created_at"].endswith("+00:00")


def test_actor_kinds(history, users):
    first, fifth = AuditRecord.objects.get(seq=1), AuditRecord.objects.get(seq=5)
    assert (first.actor, first.actor_name) == (users["scorer-a"], "scorer-a")
    assert (fifth.actor, fifth.actor_name) == (None, "系统")
    assert (fifth.object_type, fifth.object_id) == ("registry.unit", str(fifth.unit_id))


def test_a_deleted_user_keeps_name_and_chain(history, users):
    user = users["office-b"]
    user_id = user.pk
    user.delete()
    kept = AuditRecord.objects.get(seq=3)
    assert (kept.actor_id, kept.actor_name) == (user_id, "office-b")
    assert verify() == []


def test_a_raw_update_is_named(history, raw_sql):
    target = AuditRecord.objects.get(seq=3)
    raw_sql("UPDATE {table} SET reason = %s WHERE id = %s", ["无", target.pk])
    problems = verify()
    assert len(problems) == 1
    p = problems[0]
    assert (p.kind, p.seq, p.id, p.action) == ("content", 3, target.pk, "grade.adjust")
    assert str(p).startswith(f"第 3 条记录（id {target.pk}，动作 grade.adjust，时间 ")
    assert str(p).endswith("）内容与哈希不符：记录已被改动")


def test_a_raw_update_of_the_json_is_named(history, raw_sql):
    target = AuditRecord.objects.get(seq=2)
    raw_sql('UPDATE {table} SET after = \'{"amount": "-0.25"}\' WHERE id = %s', [target.pk])
    assert [(p.kind, p.seq) for p in verify()] == [("content", 2)]


def test_a_row_rewritten_with_a_fresh_hash_breaks_the_next_link(history, raw_sql):
    """Recomputing the changed row's own hash does not help: the next row still points at the old."""
    target = AuditRecord.objects.get(seq=2)
    target.reason = "无"
    raw_sql(
        "UPDATE {table} SET reason = %s, hash = %s WHERE id = %s",
        ["无", target.compute_hash(), target.pk],
    )
    problems = verify()
    assert [(p.kind, p.seq) for p in problems] == [("link", 3)]
    assert "与前一条记录的哈希不衔接" in str(problems[0])


def test_a_raw_delete_is_named_as_a_gap(history, raw_sql):
    raw_sql("DELETE FROM {table} WHERE seq = 2")
    after_gap = AuditRecord.objects.get(seq=3)
    problems = verify()
    assert [(p.kind, p.seq, p.id) for p in problems] == [("gap", 3, after_gap.pk)]
    assert "之前缺少第 2 条记录：记录已被删除" in str(problems[0])


def test_deleting_several_rows_names_the_range(history, raw_sql):
    raw_sql("DELETE FROM {table} WHERE seq IN (1, 2, 3)")
    assert [str(p).split("）")[1] for p in verify()] == ["之前缺少第 1–3 条记录：记录已被删除"]


def test_the_model_refuses_to_change_or_delete(history):
    row = AuditRecord.objects.get(seq=1)
    row.reason = "改过"
    with pytest.raises(AppendOnlyError, match="只能追加"):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(seq=1).update(reason="改过")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.bulk_create([AuditRecord(seq=99)])
    assert AuditRecord.objects.get(seq=1).reason == "政策解读不及时"
    assert verify() == []


def test_the_trail_outlives_what_it_speaks_of(db):
    category = Category.objects.create(code="audit-test", name="审计测试类别")
    unit = Unit.objects.create(name="审计测试单位", category=category)
    entry = record(actor="系统", action="registry.change", unit=unit, after={"name": unit.name})
    unit_id = unit.id
    unit.delete()
    kept = AuditRecord.objects.get(pk=entry.pk)
    assert kept.unit_id == unit_id and kept.after == {"name": "审计测试单位"}
    assert verify() == []


def test_record_needs_an_action_and_json_values(db):
    with pytest.raises(ValueError):
        record(actor=None, action="")
    with pytest.raises(TypeError):
        record(actor=None, action="x", after={"bad": object()})
    assert not AuditRecord.objects.exists()


def test_record_joins_the_callers_transaction(db):
    """The change and its record commit or roll back together."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=None, action="user.change")
        raise RuntimeError
    assert not AuditRecord.objects.exists()
    assert record(actor=None, action="user.change").seq == 1


def test_snapshot(campaign, history):
    group = RankingGroup.objects.filter(campaign=campaign).exclude(categories=None).first()
    data = snapshot(group, ["name", "campaign", "categories"])
    assert data["campaign"] == campaign.pk
    assert data["categories"] == sorted(group.categories.values_list("pk", flat=True))
    assert set(snapshot(campaign)) >= {"id", "code", "status", "period_start", "previous"}
    assert snapshot(campaign, ["period_start"]) == {"period_start": "2020-01-01"}
    with pytest.raises(ValueError):
        snapshot(campaign, ["scorecards"])  # a reverse relation is not the campaign's to record


def test_canonical_json_is_stable():
    a = canonical_json({"b": Decimal("1.10"), "a": [1.5, "县"], "c": {2, 1}})
    assert a == '{"a":["1.5","县"],"b":"1.10","c":[1,2]}'


@pytest.mark.postgresql_only
def test_concurrent_appends_never_fork_the_chain(db):
    """Eight writers at once, each on its own connection: one gapless chain.

    The writers commit for real (their connections are outside the test's transaction), so the
    rows are removed afterwards, again on a connection of their own.
    """
    writers, each = 8, 5
    start, errors = threading.Barrier(writers), []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                record(actor="并发测试", action="test.concurrent", reason=f"{n}-{i}")
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    def clean_up() -> None:
        try:
            with connection.cursor() as cursor:
                table = AuditRecord._meta.db_table
                cursor.execute(f"DELETE FROM {table} WHERE action = 'test.concurrent'")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    first = (AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        written = AuditRecord.objects.filter(action="test.concurrent").values_list("seq", flat=True)
        assert list(written.order_by("seq")) == list(range(first, first + writers * each))
        assert verify() == []
    finally:
        cleaner = threading.Thread(target=clean_up)
        cleaner.start()
        cleaner.join()
