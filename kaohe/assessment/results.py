"""Computing a campaign's results from its ledger: scores, ranks and grades per group.

The ledger is aggregated in the database (one GROUP BY), the rules run in the pure core, and the
outcome is stored as ``Result`` rows — a cache that ``recompute`` can always rebuild identically,
until publication freezes it.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, connections, transaction

from kaohe.core import grading, ranking
from kaohe.core.collation import stroke_key
from kaohe.core.rules import Cell, RuleKind
from kaohe.core.scoring import UnitScore, combine, score_group

from .models import (
    Campaign,
    Downgrade,
    Enrollment,
    GradeAdjustment,
    Indicator,
    LedgerEntry,
    RankingGroup,
    Result,
    Scorecard,
)
from .tree import build_tree, load_indicators


class Member(NamedTuple):
    """An enrolled unit as the computation needs it (plain tuples: 15,000 model objects
    would cost more than the scoring)."""

    unit_id: int
    display_name: str
    category_id: int
    sort_order: int
    unit_name: str


def _enrollments(card: Scorecard | None, campaign: Campaign | None = None) -> list[Member]:
    """Members of one scorecard, or (card None) every unit enrolled anywhere in the campaign."""
    rows = (
        Enrollment.objects.filter(scorecard=card)
        if card
        else Enrollment.objects.filter(scorecard__campaign=campaign)
    )
    fields = (
        "unit_id",
        "display_name",
        "unit__category_id",
        "unit__sort_order",
        "unit__short_name",
        "unit__name",
    )
    members = {}
    for unit_id, display, category_id, order, short, name in rows.values_list(*fields):
        members.setdefault(unit_id, Member(unit_id, display, category_id, order, short or name))
    return list(members.values())


class FrozenError(Exception):
    """The campaign is published; its results may no longer change."""


@dataclass
class GroupOutcome:
    """Everything computed for one ranking group, kept for explain and statistics."""

    group: RankingGroup
    scores: dict[int, UnitScore]  # by unit id
    ranked: list[ranking.Ranked]
    grades: dict[int, grading.GradeResult]
    names: dict[int, str]  # unit id -> name as this table prints it
    trees: dict[int, tuple]  # unit id -> indicator tree used for that unit


def ledger_cells(
    campaign: Campaign,
    unit_ids: Iterable[int] | None = None,
    scorecard: Scorecard | None = None,
) -> dict[int, dict[int, Cell]]:
    """The ledger summed per indicator, then unit; reversals carry negative amount and weight.

    Raw SQL because this is the hot path of a province-scale recompute: one GROUP BY over the
    whole ledger. The database also packs each indicator's sums into one string of integers
    (unit, cents, count, …), so that 600,000 sums cross into Python as 180 strings and are
    unpacked by C-level ``split``/``map`` instead of a Python loop over rows.
    With ``scorecard``, only that scorecard's indicators are summed.
    """
    table = LedgerEntry._meta.db_table
    where, params = "campaign_id = %s", [campaign.id]
    if scorecard is not None:
        where += f" AND indicator_id IN (SELECT id FROM {Indicator._meta.db_table}"
        where += " WHERE scorecard_id = %s)"
        params.append(scorecard.id)
    if unit_ids is not None:
        ids = list(unit_ids)
        where += f" AND unit_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    sums = (
        f"SELECT indicator_id, unit_id, SUM(amount) AS total, SUM(weight) AS n FROM {table}"
        f" WHERE {where} GROUP BY indicator_id, unit_id"
    )
    shared = _CellCache()  # cells are immutable: equal sums share one object
    cells: dict[int, dict[int, Cell]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_PACKED[connection.vendor].format(sums=sums), params)
        for indicator_id, packed in cursor.fetchall():
            numbers = list(map(int, packed.split(",")))
            keys = zip(numbers[1::3], numbers[2::3], strict=True)
            cells[indicator_id] = dict(
                zip(numbers[0::3], map(shared.__getitem__, keys), strict=True)
            )
        cards = Scorecard.objects.filter(pk=scorecard.pk) if scorecard else campaign.scorecards
        if cards.filter(indicators__rule_kind=RuleKind.CHECKLIST).exists():
            cursor.execute(
                f"SELECT unit_id, indicator_id, item FROM {table} WHERE {where} AND item <> ''"
                " GROUP BY unit_id, indicator_id, item HAVING SUM(weight) > 0",
                params,
            )
            for unit_id, indicator_id, item in cursor:
                cell = cells[indicator_id][unit_id]
                cells[indicator_id][unit_id] = Cell(cell.total, cell.count, cell.items | {item})
    return cells


# Per indicator: "unit,cents,count,unit,cents,count,…". Amounts have two decimals, so cents are
# exact integers; SQLite sums them as floats, which ROUND brings back to the exact cent.
_PACKED = {
    "postgresql": (
        "SELECT indicator_id, string_agg(concat_ws(',', unit_id, ROUND(total * 100)::bigint, n),"
        " ',') FROM ({sums}) AS s GROUP BY indicator_id"
    ),
    "sqlite": (
        "SELECT indicator_id, group_concat(unit_id || ',' || CAST(ROUND(total * 100) AS INTEGER)"
        " || ',' || n, ',') FROM ({sums}) AS s GROUP BY indicator_id"
    ),
}


class _CellCache(dict):
    """(cents, count) -> Cell, creating each distinct Cell once."""

    def __missing__(self, key: tuple[int, int]) -> Cell:
        cents, count = key
        cell = self[key] = Cell(Decimal(cents).scaleb(-2), count, frozenset())
        return cell


def compute(
    campaign: Campaign, unit_ids: Iterable[int] | None = None, *, batch: bool = False
) -> dict[int, GroupOutcome]:
    """Scores, ranks and grades of every group of the campaign (by group id).

    ``batch`` (a full recompute) lets worker connections sum scorecards in parallel; a page
    view does not open extra connections for that.
    """
    decisions = _Decisions(campaign)
    outcomes: dict[int, GroupOutcome] = {}
    by_card: dict[int, dict[int, GroupOutcome]] = {}
    cards = list(campaign.scorecards.all())
    prefetch = batch and len(cards) > 1 and _second_connection_sees_the_same()
    for card, cells in _cells_by_card(campaign, cards, unit_ids, prefetch):
        indicators = load_indicators(card)
        enrollments = _enrollments(card)
        for group in card.groups.prefetch_related("categories", "bands"):
            outcome = _score_card_group(card, group, indicators, enrollments, cells, decisions)
            outcomes[group.id] = outcome
            by_card.setdefault(card.id, {}).update(dict.fromkeys(outcome.scores, outcome))
    overall = list(campaign.groups.filter(scorecard=None).prefetch_related("categories", "bands"))
    everyone = _enrollments(None, campaign) if overall else []  # read once for all of them
    for group in overall:
        outcomes[group.id] = _overall_group(campaign, group, cards, everyone, by_card, decisions)
    return outcomes


def _cells_by_card(
    campaign: Campaign, cards: list[Scorecard], unit_ids: Iterable[int] | None, prefetch: bool
) -> Iterator[tuple[Scorecard, dict[int, dict[int, Cell]]]]:
    """Each scorecard with its ledger cells.

    With ``prefetch``, worker threads on connections of their own have the database sum
    scorecards, two at a time, while this thread scores the ones already summed: at province
    scale summing and scoring take about as long as each other, and waiting for one big
    aggregate would leave Python idle. Without it, one query serves all scorecards.
    """
    unit_ids = None if unit_ids is None else list(unit_ids)
    if not prefetch:
        cells = ledger_cells(campaign, unit_ids)
        for card in cards:
            yield card, cells
        return
    with ThreadPoolExecutor(_SUMMING_CONNECTIONS, thread_name_prefix="kaohe-ledger") as pool:
        futures = [pool.submit(_sum_apart, campaign, unit_ids, card) for card in cards]
        try:
            for card, future in zip(cards, futures, strict=True):
                yield card, future.result()
        finally:
            for future in futures:
                future.cancel()


_SUMMING_CONNECTIONS = 2


def _sum_apart(campaign: Campaign, unit_ids: list[int] | None, card: Scorecard) -> dict:
    """``ledger_cells`` of one scorecard in a worker thread, whose connection is its own
    and is closed again rather than left open for the thread's lifetime."""
    try:
        return ledger_cells(campaign, unit_ids, card)
    finally:
        connections.close_all()


def _second_connection_sees_the_same() -> bool:
    """Not inside a transaction (its uncommitted entries are invisible to other connections),
    nor on an in-memory database (which another connection does not share)."""
    if connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def recompute(campaign: Campaign) -> int:
    """Rebuild the stored results from the ledger; returns the number of result rows."""
    if campaign.is_frozen:
        raise FrozenError(f"考核“{campaign.code}”已发布，结果已冻结。")
    outcomes = compute(campaign, batch=True)
    rows = [row for outcome in outcomes.values() for row in _result_rows(campaign, outcome)]
    with transaction.atomic():
        Result.objects.filter(campaign=campaign).delete()
        _insert_results(rows)
    return len(rows)


RESULT_COLUMNS = (
    "campaign_id", "group_id", "unit_id", "display_name", "total", "rank", "position",
    "rule_grade", "grade", "adjusted", "notes",
)  # fmt: skip


def _insert_results(rows: list[tuple]) -> None:
    """COPY on PostgreSQL, executemany elsewhere: at province scale the ORM's per-object
    preparation (bulk_create) costs more than the whole scoring, and on PostgreSQL so do
    per-row round trips."""
    table, columns = Result._meta.db_table, ", ".join(RESULT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(RESULT_COLUMNS))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


class _Decisions:
    """Adjustments and downgrades of the campaign, by scorecard (None = overall)."""

    def __init__(self, campaign: Campaign) -> None:
        self.adjustments: dict[int | None, list[grading.Adjustment]] = defaultdict(list)
        self.downgrades: dict[int | None, list[grading.Downgrade]] = defaultdict(list)
        for adj in GradeAdjustment.objects.filter(campaign=campaign):
            self.adjustments[adj.scorecard_id].append(
                grading.Adjustment(adj.unit_id, adj.grade or None, adj.reason)
            )
        for down in Downgrade.objects.filter(campaign=campaign):
            self.downgrades[down.scorecard_id].append(
                grading.Downgrade(down.unit_id, down.steps, down.reason)
            )

    def for_units(self, scorecard_id: int | None, units) -> tuple[list, list]:
        """Downgrades and adjustments of one scorecard that concern the given units."""
        return (
            [d for d in self.downgrades[scorecard_id] if d.unit in units],
            [a for a in self.adjustments[scorecard_id] if a.unit in units],
        )


def _scheme(group: RankingGroup) -> grading.GradeScheme:
    bands = tuple(grading.GradeBand(b.grade, b.min_score, b.quota) for b in group.bands.all())
    return grading.GradeScheme(bands, group.fallback_grade or None)


def _score_card_group(card, group, indicators, enrollments, cells, decisions) -> GroupOutcome:
    categories = {c.id for c in group.categories.all()}
    members = [e for e in enrollments if e.category_id in categories]
    scores: dict[int, UnitScore] = {}
    trees: dict[int, tuple] = {}
    # Per-category points make one tree per category; most scorecards have a single tree.
    for category_id in sorted({e.category_id for e in members}):
        tree = build_tree(indicators, category_id)
        unit_ids = [e.unit_id for e in members if e.category_id == category_id]
        scores.update(score_group(tree, card.full_marks, unit_ids, cells))
        trees.update(dict.fromkeys(unit_ids, tree))
    names = {e.unit_id: e.display_name for e in members}
    units = {e.unit_id: e for e in members}
    ranked = ranking.rank(
        {unit_id: s.total for unit_id, s in scores.items()},
        ranking.TiePolicy(card.tie_policy),
        _tie_break(card, names, units, scores, indicators),
    )
    veto_caps = {u: s.veto_grade for u, s in scores.items() if s.veto_grade}
    grades = grading.grade(ranked, _scheme(group), veto_caps, *decisions.for_units(card.id, scores))
    return GroupOutcome(group, scores, ranked, grades, names, trees)


def _tie_break(card: Scorecard, names, units, scores, indicators):
    if card.tie_break == Scorecard.TieBreak.STROKES:
        return lambda unit_id: stroke_key(names[unit_id])
    if card.tie_break == Scorecard.TieBreak.INDICATOR:
        key = next((i.id for i in indicators if i.code == card.tie_break_indicator), None)
        return lambda unit_id: (
            -scores[unit_id].by_indicator.get(key, Decimal(0)),
            units[unit_id].sort_order,
        )
    return lambda unit_id: units[unit_id].sort_order


def _overall_group(campaign, group, cards, everyone, by_card, decisions) -> GroupOutcome:
    """Combine each unit's scorecard results into the campaign's overall (综合) result."""
    categories = {c.id for c in group.categories.all()}
    weights = {card.code: card.weight for card in cards}
    units = {e.unit_id: e for e in everyone if e.category_id in categories}
    totals, firsts = {}, {}
    for unit_id in units:
        per_card = {}
        for card in cards:
            outcome = by_card.get(card.id, {}).get(unit_id)
            per_card[card.code] = outcome.scores[unit_id].total if outcome else None
            if outcome and unit_id not in firsts:
                firsts[unit_id] = outcome
        totals[unit_id] = combine(per_card, weights, campaign.overall_method)
    totals = {u: t for u, t in totals.items() if t is not None}
    ranked = ranking.rank(totals, ranking.TiePolicy.COMPETITION, lambda u: units[u].sort_order)
    if campaign.overall_method == Campaign.OverallMethod.FIRST:
        grades = _carried_grades(ranked, firsts, decisions.for_units(None, totals)[1])
    else:
        grades = grading.grade(ranked, _scheme(group), {}, *decisions.for_units(None, totals))
    names = {u: units[u].unit_name for u in totals}
    return GroupOutcome(group, {}, ranked, grades, names, {})


def _carried_grades(ranked, firsts, adjustments) -> dict[int, grading.GradeResult]:
    """Under “first”, a unit's overall grade is its grade on the first scorecard that assesses it."""
    overrides = {a.unit: a for a in adjustments}
    grades = {}
    for entry in ranked:
        carried = firsts[entry.unit].grades[entry.unit]
        if adj := overrides.get(entry.unit):
            carried = grading.GradeResult(
                entry.unit,
                carried.rule_grade,
                adj.grade,
                True,
                (*carried.notes, f"调整：{adj.reason}"),
            )
        grades[entry.unit] = carried
    return grades


def _result_rows(campaign: Campaign, outcome: GroupOutcome) -> list[tuple]:
    """Rows in the order of RESULT_COLUMNS."""
    rows = []
    for entry in outcome.ranked:
        graded = outcome.grades[entry.unit]
        rows.append((
            campaign.id, outcome.group.id, entry.unit, outcome.names[entry.unit], entry.score,
            entry.rank, entry.position, graded.rule_grade or "", graded.grade or "",
            graded.adjusted, "；".join(graded.notes),
        ))  # fmt: skip
    return rows
