"""Importing grade adjustments: decisions that override a rule's grade, each with its reason."""

from kaohe.assessment.models import Campaign, GradeAdjustment
from kaohe.registry.names import UnitNames, normalize_name

from .errors import Collector
from .plan import Plan, require_columns

COLUMNS = ("考核表", "单位", "调整后等次", "原因")
OVERALL = ("", "综合")


def plan_adjustments(campaign: Campaign, table, author_name: str = "") -> Plan:
    errors = Collector()
    require_columns(table.header, COLUMNS, errors)
    errors.raise_if_any()
    cards = {c.code: c for c in campaign.scorecards.all()}
    cards |= {c.name: c for c in cards.values()}
    grades_by_card = _grades(campaign)
    names = UnitNames()
    rows = []
    for number, row in table.rows:
        card = None
        if row["考核表"] not in OVERALL:
            card = cards.get(row["考核表"])
            if card is None:
                errors.add(
                    number, "考核表", f"本考核没有考核表“{row['考核表']}”（综合结果请填“综合”）。"
                )
                continue
        unit = names.resolve(normalize_name(row["单位"]))
        if unit is None:
            errors.add(number, "单位", f"未知单位“{row['单位']}”。")
        grade = row["调整后等次"]
        allowed = grades_by_card.get(card.id if card else None, set())
        if grade and grade not in allowed:
            errors.add(
                number,
                "调整后等次",
                f"“{grade}”不是该结果的等次（可选：{'、'.join(sorted(allowed)) or '无'}）。",
            )
        if not row["原因"].strip():
            errors.add(number, "原因", "等次调整必须写明原因。")
        rows.append((card, unit, grade, row["原因"].strip()))
    errors.raise_if_any()
    if campaign.is_frozen:
        errors.add(None, "", "考核已发布，结果已冻结，不能调整等次。")
        errors.raise_if_any()

    plan = Plan("等次调整")
    for card, unit, grade, reason in rows:
        plan.note(
            f"{card.name if card else '综合'}：{unit} 调整为“{grade or '无等次'}”，原因：{reason}"
        )

    def apply() -> list[GradeAdjustment]:
        return [
            GradeAdjustment.objects.update_or_create(
                campaign=campaign,
                scorecard=card,
                unit=unit,
                defaults={"grade": grade, "reason": reason, "author_name": author_name},
            )[0]
            for card, unit, grade, reason in rows
        ]

    plan.apply = apply
    return plan


def _grades(campaign: Campaign) -> dict[int | None, set[str]]:
    grades: dict[int | None, set[str]] = {}
    for group in campaign.groups.prefetch_related("bands"):
        found = grades.setdefault(group.scorecard_id, set())
        found.update(b.grade for b in group.bands.all())
        if group.fallback_grade:
            found.add(group.fallback_grade)
    return grades
