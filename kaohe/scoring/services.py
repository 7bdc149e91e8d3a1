"""The scoring workspace's reads and writes, kept out of the views so tests can call them alone.

Reads: the matrix of units × leaf indicators a user may score, built from one ``compute`` of the
campaign plus one aggregate over the ledger — a constant number of queries however many units
are enrolled. Writes: adding and reversing ledger entries, one at a time or pasted in bulk.

Every write follows the same path: lock the campaign row, check it is still open for scoring,
check the cell has not changed since the scorer loaded it (optimistic concurrency: the form
carries the id of the cell's newest entry as ``version``), write, audit, recompute — all in one
transaction, so a refused write leaves no trace and two scorers never overwrite each other.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum

from kaohe.accounts.access import require_open_for_scoring, scorable_indicators
from kaohe.assessment.models import (
    Campaign,
    Enrollment,
    Indicator,
    LedgerEntry,
    RankingGroup,
    Scorecard,
    bare_evidence,
    evidence_in_use,
)
from kaohe.assessment.results import compute, recompute
from kaohe.assessment.tree import build_rule, points_for
from kaohe.audit.trail import record, snapshot
from kaohe.core.numbers import format_score
from kaohe.core.rules import RuleKind
from kaohe.imports.errors import Collector, RowError
from kaohe.imports.scores import UNBOUNDED, RowChecker, ScoreRow, against_ledger
from kaohe.registry.models import Unit

# What the audit trail keeps of an entry: everything that decides the score, and who/why.
ENTRY_FIELDS = (
    "id", "campaign", "unit", "indicator", "amount", "weight", "item", "reason", "evidence",
    "evidence_file", "source", "author", "author_name", "created_at", "reverses",
)  # fmt: skip
MAX_AMOUNT = Decimal("1000000")  # far above any points or measured value; stops typos like 1e9
BULK_COLUMNS = ("单位", "指标编码", "分值", "原因", "证据")
BULK_OPTIONAL = {"考核表", "证据", "事项"}
BULK_MAX_ROWS = 2000


class Conflict(Exception):
    """The cell changed after the scorer loaded it; nothing was written."""

    def __init__(self, current: int) -> None:
        super().__init__("其他人刚刚修改了这个单元格，您的提交没有保存。")
        self.current = current


# ---------------------------------------------------------------- the workspace matrix


@dataclass
class CellView:
    unit_id: int
    indicator_id: int
    score: Decimal
    points: Decimal
    entries: int  # every ledger entry of the cell, reversals included
    state: str  # "deducted" / "awarded" / "vetoed" / "" — drives the highlight
    url: str
    label: str  # unit and indicator, for screen readers and the tooltip


@dataclass
class RowView:
    unit_id: int
    name: str
    total: Decimal
    cells: list[CellView]


@dataclass
class GroupView:
    group: RankingGroup
    rows: list[RowView]
    done: int = 0
    cells: int = 0


@dataclass
class CardView:
    card: Scorecard
    leaves: list[Indicator]
    groups: list[GroupView]

    @property
    def done(self) -> int:
        return sum(g.done for g in self.groups)

    @property
    def cells(self) -> int:
        return sum(g.cells for g in self.groups)


@dataclass
class Workspace:
    cards: list[CardView]
    # (unit id, indicator id) -> where the cell sits, for re-rendering one cell after a write
    index: dict[tuple[int, int], tuple[CardView, GroupView, RowView, CellView]] = field(
        default_factory=dict
    )

    @property
    def done(self) -> int:
        return sum(c.done for c in self.cards)

    @property
    def cells(self) -> int:
        return sum(c.cells for c in self.cards)

    def find(self, unit_id: int, indicator_id: int):
        return self.index.get((unit_id, indicator_id))


def entry_counts(campaign: Campaign, leaf_ids: list[int]) -> dict[tuple[int, int], int]:
    """Entries per (unit, indicator) for the given leaves: one GROUP BY."""
    rows = (
        LedgerEntry.objects.filter(campaign=campaign, indicator_id__in=leaf_ids)
        .values_list("unit_id", "indicator_id")
        .annotate(n=Count("id"))
    )
    return {(unit_id, indicator_id): n for unit_id, indicator_id, n in rows}


def build_workspace(campaign: Campaign, user, cell_base: str) -> Workspace:
    """The matrix of every scorecard holding a leaf this user may score.

    Queries: the leaves (+ their per-category points), one ``compute`` of the campaign, one
    ledger aggregate and one enrollment list — none of them per unit or per cell.
    """
    leaves = list(
        scorable_indicators(user, campaign)
        .select_related("scorecard")
        .prefetch_related("category_points")
        .order_by("scorecard__sort_order", "scorecard_id", "sort_order", "id")
    )
    if not leaves:
        return Workspace([])
    by_card: dict[int, list[Indicator]] = defaultdict(list)
    for leaf in leaves:
        by_card[leaf.scorecard_id].append(leaf)
    outcomes = compute(campaign)
    counts = entry_counts(campaign, [leaf.id for leaf in leaves])
    order = {
        unit_id: (category_order, unit_order, unit_id, category_id)
        for unit_id, category_order, unit_order, category_id in Enrollment.objects.filter(
            scorecard_id__in=list(by_card)
        ).values_list(
            "unit_id", "unit__category__sort_order", "unit__sort_order", "unit__category_id"
        )
    }
    workspace = Workspace([])
    for card_leaves in by_card.values():
        card = card_leaves[0].scorecard
        view = CardView(card, card_leaves, [])
        outs = sorted(
            (o for o in outcomes.values() if o.group.scorecard_id == card.id),
            key=lambda o: (o.group.sort_order, o.group.id),
        )
        for outcome in outs:
            group = GroupView(outcome.group, [])
            for unit_id in sorted(outcome.scores, key=lambda u: order.get(u, (0, 0, u, 0))):
                score = outcome.scores[unit_id]
                category_id = order.get(unit_id, (0, 0, 0, None))[3]
                row = RowView(unit_id, outcome.names[unit_id], score.total, [])
                for leaf in card_leaves:
                    n = counts.get((unit_id, leaf.id), 0)
                    value = score.by_indicator[leaf.id]
                    points = points_for(leaf, category_id)
                    cell = CellView(
                        unit_id,
                        leaf.id,
                        value,
                        points,
                        n,
                        _state(leaf, value, points, n, leaf.id in score.vetoed_by),
                        f"{cell_base}{unit_id}/{leaf.id}/",
                        f"{row.name} · {leaf.code} {leaf.name}",
                    )
                    row.cells.append(cell)
                    group.done += n > 0
                    workspace.index[unit_id, leaf.id] = (view, group, row, cell)
                group.cells += len(card_leaves)
                group.rows.append(row)
            view.groups.append(group)
        workspace.cards.append(view)
    return workspace


def _state(leaf: Indicator, score: Decimal, points: Decimal, entries: int, vetoed: bool) -> str:
    if leaf.rule_kind == RuleKind.VETO:
        return "vetoed" if vetoed else ""
    if leaf.rule_kind == RuleKind.BONUS:
        return "awarded" if score > 0 else ""
    return "deducted" if entries and score < points else ""


# ---------------------------------------------------------------- one cell


def cell_entries(campaign: Campaign, unit_id: int, indicator_id: int) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(campaign=campaign, unit_id=unit_id, indicator_id=indicator_id)
        .select_related("author", "reversed_by")
        .order_by("id")
    )


def newest_id(campaign: Campaign, unit_id: int, indicator_id: int) -> int:
    """The cell's version: the id of its newest entry, 0 for an empty cell."""
    newest = (
        LedgerEntry.objects.filter(campaign=campaign, unit_id=unit_id, indicator_id=indicator_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return newest or 0


def enrollment(indicator: Indicator, unit_id: int) -> Enrollment | None:
    return (
        Enrollment.objects.filter(scorecard_id=indicator.scorecard_id, unit_id=unit_id)
        .select_related("unit__category")
        .first()
    )


def check_amount(indicator: Indicator, category_id: int | None, value: Decimal) -> None:
    """The checks a score import makes (kaohe.imports.scores), for a single typed amount."""
    rule = build_rule(indicator.rule_kind, indicator.rule_params)
    points = points_for(indicator, category_id)
    if value < 0:
        raise ValidationError(
            "不能为负数：扣分请填写扣去的分数（正数）；要撤销已有记录请用“撤销/更正”。"
        )
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError("分值最多保留两位小数。")
    limit = rule.cap if rule.kind == RuleKind.BONUS and rule.cap is not None else points
    if rule.kind not in UNBOUNDED and value > limit:
        raise ValidationError(
            f"分值 {format_score(value)} 超过指标“{indicator.code}”的分值 {format_score(limit)}。"
        )
    if value >= MAX_AMOUNT:
        raise ValidationError(f"数值 {format_score(value)} 过大，请检查是否多输了位数。")


def check_evidence_unused(campaign: Campaign, unit_id: int, indicator_id: int, url: str) -> None:
    """Refuse a second deduction for the same evidence while the first one stands."""
    if entry := evidence_in_use(campaign.id, unit_id, indicator_id, url):
        raise ValidationError(
            f"该证据已在第 {entry.id} 号记录中用于本指标，不得重复扣分；"
            "如需改分值，请对该记录使用“撤销/更正”。"
        )


def _summary(campaign: Campaign, unit_id: int, indicator_id: int, version: int) -> dict:
    """The cell as the audit trail's “before”: sum, active count and (checked) version."""
    found = LedgerEntry.objects.filter(
        campaign=campaign, unit_id=unit_id, indicator_id=indicator_id
    ).aggregate(total=Sum("amount"), count=Sum("weight"))
    return {
        "total": found["total"] or Decimal(0),
        "count": found["count"] or 0,
        "version": version,
    }


def _lock_open(campaign: Campaign) -> Campaign:
    """Lock the campaign row for the rest of the transaction and check it is still open.

    The lock serialises writers of one campaign: each write ends with a recompute that replaces
    the campaign's result rows, and two of those interleaved would collide on PostgreSQL. It is
    taken before reading the status, so a write can never slip in after publication.
    """
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_open_for_scoring(locked)
    return locked


def _check_version(campaign: Campaign, unit_id: int, indicator_id: int, version: int) -> None:
    current = newest_id(campaign, unit_id, indicator_id)
    if current != version:
        raise Conflict(current)


def _author(user) -> str:
    return user.get_full_name() or user.get_username()


def add_entry(
    *,
    campaign: Campaign,
    unit,
    indicator: Indicator,
    user,
    amount: Decimal,
    reason: str,
    version: int,
    evidence: str = "",
    evidence_file=None,
    item: str = "",
) -> LedgerEntry:
    """Add one deduction/award to a cell; raises Conflict, PermissionDenied or ValidationError."""
    with transaction.atomic():
        locked = _lock_open(campaign)
        _check_version(campaign, unit.id, indicator.id, version)
        check_evidence_unused(campaign, unit.id, indicator.id, evidence)
        before = _summary(campaign, unit.id, indicator.id, version)
        entry = LedgerEntry(
            campaign=locked,
            unit=unit,
            indicator=indicator,
            amount=amount,
            item=item,
            reason=reason,
            evidence=evidence,
            source=LedgerEntry.Source.MANUAL,
            author=user,
            author_name=_author(user),
        )
        if evidence_file:
            entry.evidence_file = evidence_file
        entry.save()
        record(
            actor=user, action="ledger.add", reason=reason, campaign=locked, unit=unit,
            indicator=indicator, obj=entry, before=before, after=snapshot(entry, ENTRY_FIELDS),
        )  # fmt: skip
        recompute(locked)
    return entry


def reverse_entry(
    *,
    campaign: Campaign,
    entry: LedgerEntry,
    user,
    reason: str,
    version: int,
    amount: Decimal | None = None,
) -> tuple[LedgerEntry, LedgerEntry | None]:
    """Reverse an entry and, for an edit, record the corrected amount in the same transaction.

    The corrected entry keeps the original's reason, evidence address and file: once the
    original is reversed, its evidence is free for the correction (one active claim per defect).
    """
    with transaction.atomic():
        locked = _lock_open(campaign)
        _check_version(campaign, entry.unit_id, entry.indicator_id, version)
        entry = LedgerEntry.objects.select_related("unit", "indicator").get(pk=entry.pk)
        if entry.reverses_id is not None:
            raise ValidationError("这是一条撤销记录，不能再撤销；如需恢复，请重新录入。")
        if LedgerEntry.objects.filter(reverses=entry).exists():
            raise ValidationError(f"第 {entry.id} 号记录已被撤销。")
        reversal = LedgerEntry.objects.create(
            campaign=locked, unit=entry.unit, indicator=entry.indicator, amount=-entry.amount,
            weight=-1, item=entry.item, reason=reason, source=LedgerEntry.Source.MANUAL,
            author=user, author_name=_author(user), reverses=entry,
        )  # fmt: skip
        record(
            actor=user, action="ledger.reverse", reason=reason, campaign=locked, unit=entry.unit,
            indicator=entry.indicator, obj=reversal, before=snapshot(entry, ENTRY_FIELDS),
            after=snapshot(reversal, ENTRY_FIELDS),
        )  # fmt: skip
        replacement = None
        if amount is not None:
            note = f"更正第 {entry.id} 号记录：{reason}"
            replacement = LedgerEntry.objects.create(
                campaign=locked, unit=entry.unit, indicator=entry.indicator, amount=amount,
                item=entry.item, reason=f"{entry.reason}（{note}）", evidence=entry.evidence,
                evidence_file=entry.evidence_file.name, source=LedgerEntry.Source.MANUAL,
                author=user, author_name=_author(user),
            )  # fmt: skip
            record(
                actor=user, action="ledger.add", reason=reason, campaign=locked, unit=entry.unit,
                indicator=entry.indicator, obj=replacement,
                before=snapshot(reversal, ENTRY_FIELDS), after=snapshot(replacement, ENTRY_FIELDS),
            )  # fmt: skip
        recompute(locked)
    return reversal, replacement


# ---------------------------------------------------------------- bulk paste


@dataclass
class BulkLine:
    """One accepted row, as the preview shows it."""

    number: int
    unit: str
    card: str
    code: str
    name: str
    amount: Decimal
    reason: str
    evidence: str


@dataclass
class BulkPlan:
    lines: list[BulkLine] = field(default_factory=list)
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[ScoreRow] = field(default_factory=list)
    written: int = 0


def parse_pasted(text: str, errors: Collector) -> list[tuple[int, dict[str, str]]]:
    """Rows copied from Excel/WPS: tab-separated, cells with line breaks quoted (as Excel does).

    A first row starting with “单位” (or “考核表”) is a header, and then columns go by name and
    may include 考核表 and 事项; without one the columns are 单位, 指标编码, 分值, 原因, 证据.
    Row numbers are the lines of the pasted block, so “第3行” is the third line pasted.
    """
    grid = list(csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter="\t"))
    numbered = [(n, [c.strip() for c in cells]) for n, cells in enumerate(grid, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(cells)]
    if not numbered:
        errors.add(None, "", "没有粘贴任何数据。")
        return []
    header = list(BULK_COLUMNS)
    first_number, first = numbered[0]
    if first and first[0].lstrip("\ufeff") in ("单位", "考核表"):
        header = [c.lstrip("\ufeff") for c in first]
        numbered = numbered[1:]
        for name in BULK_COLUMNS:
            if name not in header and name not in BULK_OPTIONAL:
                errors.add(first_number, name, "表头缺少这一列。")
        for name in header:
            if name and name not in BULK_COLUMNS and name not in BULK_OPTIONAL:
                errors.add(
                    first_number,
                    name,
                    "不认识的列：可用的列为考核表、单位、指标编码、分值、原因、证据、事项。",
                )
    if len(numbered) > BULK_MAX_ROWS:
        errors.add(
            None, "", f"一次最多粘贴 {BULK_MAX_ROWS} 行，本次有 {len(numbered)} 行，请分批粘贴。"
        )
    if errors.errors:
        return []
    rows = []
    for number, cells in numbered:
        while len(cells) > len(header) and not cells[-1]:
            cells.pop()
        if len(cells) > len(header):
            errors.add(
                number, "", f"有 {len(cells)} 列，多于 {len(header)} 列（{'、'.join(header)}）。"
            )
            continue
        rows.append(
            (number, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)})
        )
    return rows


def plan_bulk(campaign: Campaign, user, text: str, card: Scorecard | None) -> BulkPlan:
    """Check every pasted row; the plan has errors or rows to write, never both.

    Row checks are the score import's (kaohe.imports.scores): unit names and aliases, enrollment,
    leaf indicator, reason, number, the indicator's points, duplicates in the paste and in the
    ledger. On top: the indicator must be one this user scores, and positive amounts need evidence.
    """
    errors = Collector()
    plan = BulkPlan()
    rows = parse_pasted(text, errors)  # a row with too many columns is reported and left out
    if not rows:
        plan.errors = errors.errors
        return plan
    mine = list(scorable_indicators(user, campaign).select_related("scorecard"))
    by_code: dict[str, list[Indicator]] = defaultdict(list)
    for leaf in mine:
        by_code[leaf.code].append(leaf)
    context = RowChecker(campaign)
    checked: list[ScoreRow] = []
    seen: dict[tuple, int] = {}
    for number, values in rows:
        leaf = _resolve_leaf(number, values, by_code, card, errors)
        if leaf is None:
            continue
        values = values | {"考核表": leaf.scorecard.code, "来源": LedgerEntry.Source.MANUAL}
        row = context.check(number, values, "分值", errors)
        if row is None:
            continue
        if row.amount > 0 and not row.evidence:
            errors.add(number, "证据", "扣分/赋分须附证据：请填写证据链接或材料名称。")
            continue
        if row.key() in seen:
            errors.add(
                number, "", f"与第{seen[row.key()]}行重复（同一单位、指标、分值、原因和证据）。"
            )
            continue
        evidence_key = ("evidence", row.unit_id, row.indicator_id, bare_evidence(row.evidence))
        if row.evidence and evidence_key in seen:
            errors.add(number, "证据", f"与第{seen[evidence_key]}行就同一证据重复扣分。")
            continue
        seen[row.key()] = number
        if row.evidence:
            seen[evidence_key] = number
        checked.append(row)
    fresh, plan.skipped = against_ledger(campaign, checked, errors)
    for row in fresh:
        try:
            check_evidence_unused(campaign, row.unit_id, row.indicator_id, row.evidence)
        except ValidationError as exc:
            errors.add(row.number, "证据", exc.messages[0])
    if errors.errors:
        plan.errors = sorted(errors.errors, key=lambda e: e.row or 0)
        return plan
    leaves = {leaf.id: leaf for leaf in mine}
    names = Unit.objects.in_bulk({r.unit_id for r in fresh})
    plan.rows = fresh
    plan.lines = [
        BulkLine(
            r.number,
            str(names[r.unit_id]),
            leaves[r.indicator_id].scorecard.name,
            leaves[r.indicator_id].code,
            leaves[r.indicator_id].name,
            r.amount,
            r.reason,
            r.evidence,
        )  # fmt: skip
        for r in fresh
    ]
    return plan


def _resolve_leaf(number, values, by_code, card, errors) -> Indicator | None:
    code = values.get("指标编码", "")
    candidates = by_code.get(code, [])
    if card is not None:
        candidates = [c for c in candidates if c.scorecard_id == card.id]
    if written := values.get("考核表", ""):
        candidates = [c for c in candidates if written in (c.scorecard.code, c.scorecard.name)]
    if not code:
        errors.add(number, "指标编码", "没有填写指标编码。")
    elif not candidates:
        errors.add(number, "指标编码", f"“{code}”不是您可以评分的末级指标（或不存在）。")
    elif len(candidates) > 1:
        cards = "、".join(c.scorecard.name for c in candidates)
        errors.add(
            number, "指标编码",
            f"“{code}”在多张考核表中都有（{cards}），请在上方选择考核表，或粘贴带“考核表”列的表头。",
        )  # fmt: skip
    else:
        return candidates[0]
    return None


def submit_bulk(campaign: Campaign, user, text: str, card: Scorecard | None) -> BulkPlan:
    """Plan again under the campaign lock and write only if every row passes."""
    with transaction.atomic():
        locked = _lock_open(campaign)
        plan = plan_bulk(locked, user, text, card)
        if plan.errors:
            return plan
        for row in plan.rows:
            entry = LedgerEntry.objects.create(
                campaign=locked, unit_id=row.unit_id, indicator_id=row.indicator_id,
                amount=row.amount, item=row.item, reason=row.reason, evidence=row.evidence,
                source=LedgerEntry.Source.MANUAL, author=user, author_name=_author(user),
            )  # fmt: skip
            record(
                actor=user, action="ledger.add", reason=row.reason, campaign=locked,
                unit=entry.unit, indicator=entry.indicator, obj=entry,
                after=snapshot(entry, ENTRY_FIELDS),
            )  # fmt: skip
        plan.written = len(plan.rows)
        if plan.rows:
            recompute(locked)
    return plan
