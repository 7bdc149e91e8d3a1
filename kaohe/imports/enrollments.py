"""Importing which units a scorecard assesses, and the name that scorecard's table prints."""

from kaohe.assessment.models import Campaign, Enrollment
from kaohe.registry.names import UnitNames, normalize_name

from .errors import Collector
from .plan import Plan, require_columns

COLUMNS = ("考核表", "参评单位")


def plan_enrollments(campaign: Campaign, table) -> Plan:
    errors = Collector()
    require_columns(table.header, COLUMNS, errors)
    errors.raise_if_any()
    cards = {c.code: c for c in campaign.scorecards.prefetch_related("groups__categories")}
    cards |= {c.name: c for c in cards.values()}
    names = UnitNames()
    seen: dict[tuple[int, int], int] = {}
    rows = []
    for number, row in table.rows:
        card = cards.get(row["考核表"])
        if card is None:
            errors.add(number, "考核表", f"本考核没有考核表“{row['考核表']}”。")
            continue
        written = normalize_name(row["参评单位"])
        unit = names.resolve(written)
        if unit is None:
            errors.add(
                number, "参评单位", f"未知单位“{written}”：请先在单位名录中登记该单位或其别名。"
            )
            continue
        allowed = {c.id for g in card.groups.all() for c in g.categories.all()}
        if unit.category_id not in allowed:
            errors.add(
                number, "参评单位", f"“{written}”属于“{unit.category}”，不在该考核表的排名组中。"
            )
        if (card.id, unit.id) in seen:
            errors.add(
                number, "参评单位", f"“{written}”与第{seen[(card.id, unit.id)]}行是同一单位。"
            )
        seen[(card.id, unit.id)] = number
        rows.append((card, unit, written))
    errors.raise_if_any()

    plan = Plan("参评单位")
    for card in {r[0] for r in rows}:
        plan.note(f"考核表“{card.name}”：{sum(r[0] == card for r in rows)} 个参评单位")

    def apply() -> None:
        for card, unit, written in rows:
            Enrollment.objects.update_or_create(
                scorecard=card, unit=unit, defaults={"display_name": written}
            )

    plan.apply = apply
    return plan
