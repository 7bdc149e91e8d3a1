"""Importing scores as ledger entries: one row is one deduction, award or measured value.

A row gives either ``分值`` (the amount the indicator's rule reads: points deducted for 扣分
indicators, points awarded, a measured quantity for 比例/排名) or ``得分`` (the score itself,
turned into the deduction or award that produces it). Identical rows already in the ledger are
skipped, so importing the same file twice changes nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from kaohe.assessment.models import Campaign, Enrollment, Indicator, LedgerEntry, bare_evidence
from kaohe.assessment.tree import build_rule, points_for
from kaohe.core.numbers import format_score, parse_score
from kaohe.core.rules import RuleKind
from kaohe.registry.names import UnitNames, normalize_name

from .errors import Collector
from .plan import Plan, require_columns

COLUMNS = ("考核表", "单位", "指标编码", "原因")
SOURCES = {label: value for value, label in LedgerEntry.Source.choices} | {
    v: v for v in LedgerEntry.Source.values
}
UNBOUNDED = {RuleKind.PROPORTIONAL, RuleKind.RANK_TABLE, RuleKind.VETO}


@dataclass(frozen=True)
class ScoreRow:
    number: int
    unit_id: int
    indicator_id: int
    amount: Decimal
    item: str
    reason: str
    evidence: str
    source: str
    illustrative: bool

    def key(self) -> tuple:
        return (self.unit_id, self.indicator_id, self.item, self.amount, self.reason, self.evidence)


def plan_scores(campaign: Campaign, table, author_name: str = "") -> Plan:
    errors = Collector()
    require_columns(table.header, COLUMNS, errors)
    value_column = "分值" if "分值" in table.header else "得分" if "得分" in table.header else None
    if value_column is None:
        errors.add(1, "分值", "缺少必需的列（或以“得分”列代替）。")
    errors.raise_if_any()
    if campaign.is_frozen:
        errors.add(None, "", f"考核“{campaign.code}”已发布，结果已冻结，不能再录入评分。")
        errors.raise_if_any()

    context = RowChecker(campaign)
    rows: list[ScoreRow] = []
    seen: dict[tuple, int] = {}
    for number, values in table.rows:
        row = context.check(number, values, value_column, errors)
        if row is None:
            continue
        if row.key() in seen:
            errors.add(
                number, "", f"与第{seen[row.key()]}行重复（同一单位、指标、分值、原因和证据）。"
            )
        elif row.evidence and (
            clash := seen.get(
                ("evidence", row.unit_id, row.indicator_id, bare_evidence(row.evidence))
            )
        ):
            errors.add(number, "证据", f"与第{clash}行就同一证据重复扣分。")
        seen[row.key()] = number
        if row.evidence:
            seen[("evidence", row.unit_id, row.indicator_id, bare_evidence(row.evidence))] = number
        rows.append(row)
    new_rows, skipped = against_ledger(campaign, rows, errors)
    errors.raise_if_any()

    plan = Plan("评分记录")
    plan.note(f"新增评分记录 {len(new_rows)} 条；已存在而跳过 {skipped} 条。")
    plan.apply = lambda: LedgerEntry.objects.bulk_create(
        LedgerEntry(
            campaign=campaign,
            unit_id=r.unit_id,
            indicator_id=r.indicator_id,
            amount=r.amount,
            item=r.item,
            reason=r.reason,
            evidence=r.evidence,
            source=r.source,
            author_name=author_name,
            illustrative=r.illustrative,
        )
        for r in new_rows
    )
    return plan


class RowChecker:
    """Everything a row is checked against, loaded once per file."""

    def __init__(self, campaign: Campaign) -> None:
        self.names = UnitNames()
        cards = list(campaign.scorecards.all())
        self.cards = {c.code: c for c in cards} | {c.name: c for c in cards}
        self.enrolled = set(
            Enrollment.objects.filter(scorecard__campaign=campaign).values_list(
                "scorecard_id", "unit_id"
            )
        )
        indicators = Indicator.objects.filter(scorecard__campaign=campaign).prefetch_related(
            "category_points"
        )
        self.indicators = {(i.scorecard_id, i.code): i for i in indicators}
        self.parents = {i.parent_id for i in self.indicators.values()}

    def check(
        self, number: int, values: dict, value_column: str, errors: Collector
    ) -> ScoreRow | None:
        before = len(errors.errors)
        card = self.cards.get(values["考核表"])
        if card is None:
            errors.add(number, "考核表", f"本考核没有考核表“{values['考核表']}”。")
        written = normalize_name(values["单位"])
        unit = self.names.resolve(written)
        if unit is None:
            errors.add(number, "单位", f"未知单位“{written}”。")
        elif card is not None and (card.id, unit.id) not in self.enrolled:
            errors.add(number, "单位", f"“{written}”未参加考核表“{card.name}”。")
        indicator = self.indicators.get((card.id, values["指标编码"])) if card else None
        if card is not None and indicator is None:
            errors.add(number, "指标编码", f"考核表“{card.name}”没有指标“{values['指标编码']}”。")
        elif indicator is not None and indicator.id in self.parents:
            errors.add(number, "指标编码", f"“{indicator.code}”有下级指标，请记到末级指标上。")
        if not values["原因"]:
            errors.add(number, "原因", "每条评分记录都必须写明原因。")
        source = SOURCES.get(values.get("来源", "") or "导入")
        if source is None:
            errors.add(number, "来源", f"未知来源“{values['来源']}”。")
        try:
            number_value = parse_score(values[value_column])
        except ValueError as exc:
            errors.add(number, value_column, str(exc))
            return None
        if len(errors.errors) > before:
            return None
        amount = self._amount(indicator, unit, number_value, value_column, number, errors)
        if amount is None:
            return None
        return ScoreRow(
            number,
            unit.id,
            indicator.id,
            amount,
            values.get("事项", ""),
            values["原因"],
            values.get("证据", ""),
            source,
            values.get("示例", "") in ("是", "1", "true"),
        )

    def _amount(self, indicator, unit, value, column, number, errors) -> Decimal | None:
        rule = build_rule(indicator.rule_kind, indicator.rule_params)
        points = points_for(indicator, unit.category_id)
        if value < 0:
            errors.add(number, column, "不能为负数；扣分请写扣去的分数。")
            return None
        if column == "得分":
            if rule.kind not in (RuleKind.DEDUCT, RuleKind.AWARD):
                errors.add(
                    number, column, f"指标“{indicator.code}”的规则不能按得分导入，请用“分值”列。"
                )
                return None
            if value > points:
                errors.add(
                    number,
                    column,
                    f"得分 {format_score(value)} 超过指标“{indicator.code}”的分值 {format_score(points)}。",
                )
                return None
            return points - value if rule.kind == RuleKind.DEDUCT else value
        limit = rule.cap if rule.kind == RuleKind.BONUS and rule.cap is not None else points
        if rule.kind not in UNBOUNDED and value > limit:
            errors.add(
                number,
                column,
                f"分值 {format_score(value)} 超过指标“{indicator.code}”的分值 {format_score(limit)}。",
            )
            return None
        return value


def against_ledger(
    campaign: Campaign, rows: list[ScoreRow], errors: Collector
) -> tuple[list[ScoreRow], int]:
    """Skip rows already in the ledger; refuse a second deduction for evidence already used."""
    units = {r.unit_id for r in rows}
    active = LedgerEntry.objects.filter(
        campaign=campaign, unit_id__in=units, weight=1, reversed_by__isnull=True
    ).values_list("unit_id", "indicator_id", "item", "amount", "reason", "evidence")
    existing = {tuple(values) for values in active}
    evidence = {(u, i, bare_evidence(e)) for u, i, _item, _a, _r, e in existing if e}
    fresh, skipped = [], 0
    for row in rows:
        if row.key() in existing:
            skipped += 1
        elif (
            row.evidence
            and (row.unit_id, row.indicator_id, bare_evidence(row.evidence)) in evidence
        ):
            errors.add(row.number, "证据", "该证据已在本指标下记录过扣分，不得重复扣分。")
        else:
            fresh.append(row)
    return fresh, skipped
