"""How results read the ledger: the packed per-indicator sums, sums per scorecard, and the
worker threads that sum the next scorecards while the current one is scored."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from kaohe.assessment import results
from kaohe.assessment.models import LedgerEntry
from kaohe.core.rules import Cell

pytestmark = pytest.mark.django_db


def orm_cells(campaign, indicator_ids=None) -> dict[int, dict[int, Cell]]:
    """The same sums through the ORM, the slow and obvious way."""
    rows = LedgerEntry.objects.filter(campaign=campaign)
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=indicator_ids)
    cells: dict[int, dict[int, Cell]] = defaultdict(dict)
    sums = rows.values("indicator_id", "unit_id").annotate(total=Sum("amount"), n=Sum("weight"))
    for row in sums:
        total = Decimal(row["total"]).quantize(Decimal("0.01"))
        cells[row["indicator_id"]][row["unit_id"]] = Cell(total, row["n"], frozenset())
    return dict(cells)


@pytest.fixture
def corrected(campaign):
    """The demo ledger plus a correction: a reversed entry and an odd-cent amount."""
    entry = LedgerEntry.objects.filter(campaign=campaign).order_by("id").first()
    LedgerEntry.objects.create(
        campaign=campaign,
        unit=entry.unit,
        indicator=entry.indicator,
        amount=-entry.amount,
        weight=-1,
        reason="更正",
        reverses=entry,
    )
    LedgerEntry.objects.create(
        campaign=campaign,
        unit=entry.unit,
        indicator=entry.indicator,
        amount=Decimal("0.37"),
        reason="更正后扣分",
    )
    return campaign, entry


def test_packed_sums_equal_the_ledger_summed_by_the_orm(corrected):
    campaign, entry = corrected
    cells = results.ledger_cells(campaign)
    assert cells == orm_cells(campaign)
    assert cells[entry.indicator_id][entry.unit_id] == Cell(Decimal("0.37"), 1, frozenset())
    assert all(
        cell.total == cell.total.quantize(Decimal("0.01"))
        for column in cells.values()
        for cell in column.values()
    )


def test_sums_of_one_scorecard_are_that_scorecards_part_of_the_whole(corrected):
    campaign, _ = corrected
    whole = results.ledger_cells(campaign)
    for card in campaign.scorecards.all():
        own = set(card.indicators.values_list("id", flat=True))
        part = results.ledger_cells(campaign, scorecard=card)
        assert part and set(part) <= own
        assert part == {key: column for key, column in whole.items() if key in own}


def test_sums_for_some_units_only(campaign):
    some = list(LedgerEntry.objects.filter(campaign=campaign).values_list("unit_id", flat=True))[:3]
    cells = results.ledger_cells(campaign, unit_ids=some)
    assert {unit for column in cells.values() for unit in column} == set(some)


def test_inside_a_transaction_one_query_sums_every_scorecard(campaign):
    """Another connection could not see this transaction's entries: no worker may sum."""
    assert connection.in_atomic_block and campaign.scorecards.count() == 2
    assert not results._second_connection_sees_the_same()
    with CaptureQueriesContext(connection) as queries:
        results.compute(campaign, batch=True)
    assert sum("SUM(amount)" in q["sql"] for q in queries.captured_queries) == 1


@pytest.mark.postgresql_only
def test_worker_threads_sum_what_one_query_sums(campaign):
    """The demo was committed before the test began, so connections of their own see it."""
    cards = list(campaign.scorecards.all())
    alone = dict(results._cells_by_card(campaign, cards, None, prefetch=False))
    before = _backends()
    apart = dict(results._cells_by_card(campaign, cards, None, prefetch=True))
    assert _backends() == before  # the workers closed their connections
    for card in cards:
        own = set(card.indicators.values_list("id", flat=True))
        assert apart[card] == {k: v for k, v in alone[card].items() if k in own}
    # and scored through the workers, the published tables come out the same
    expected = _tables(results.compute(campaign))
    original = results._second_connection_sees_the_same
    try:
        results._second_connection_sees_the_same = lambda: True
        assert _tables(results.compute(campaign, batch=True)) == expected
    finally:
        results._second_connection_sees_the_same = original


def _tables(outcomes) -> dict:
    return {
        group_id: [(r.unit, r.position, outcome.scores[r.unit].total) for r in outcome.ranked]
        for group_id, outcome in outcomes.items()
        if outcome.group.scorecard_id
    }


def _backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_worker_connections_are_closed_after_use(monkeypatch, campaign):
    """On any database: the worker's function closes its thread's connections."""
    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    card = campaign.scorecards.first()
    assert results._sum_apart(campaign, None, card) == results.ledger_cells(campaign, None, card)
    assert closed == [True]


def test_a_page_view_sums_in_one_query_even_outside_a_transaction(monkeypatch, campaign):
    """Worker connections are for the batch recompute, not for every page that scores."""
    monkeypatch.setattr(results, "_second_connection_sees_the_same", lambda: True)
    monkeypatch.setattr(results, "_sum_apart", None)  # would fail if called
    with CaptureQueriesContext(connection) as queries:
        results.compute(campaign)
    assert sum("SUM(amount)" in q["sql"] for q in queries.captured_queries) == 1
