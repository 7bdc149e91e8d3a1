"""Per-unit deduction reports (扣分明细) for 对号入座: every deduction a unit must answer."""

from collections import defaultdict

from django.utils import timezone

from kaohe.assessment.models import Campaign, LedgerEntry, Result
from kaohe.core.rules import RuleKind
from kaohe.documents.unit_report import Deduction, ScorecardDeductions, UnitReport


def unit_reports(campaign: Campaign, unit_ids: list[int] | None = None) -> list[UnitReport]:
    """One report per enrolled unit, from the active ledger (reversed entries left out).

    Two queries whatever the number of units: the deductions, and the results for totals.
    """
    entries = (
        LedgerEntry.objects.filter(campaign=campaign, weight=1, reversed_by__isnull=True,
                                   indicator__rule_kind=RuleKind.DEDUCT)
        .select_related("indicator__scorecard", "author")
        .order_by("indicator__scorecard__sort_order", "indicator__sort_order", "id")
    )  # fmt: skip
    results = Result.objects.filter(
        campaign=campaign, group__scorecard__isnull=False
    ).select_related("group__scorecard", "unit")
    if unit_ids is not None:
        entries, results = (
            entries.filter(unit_id__in=unit_ids),
            results.filter(unit_id__in=unit_ids),
        )
    by_card: dict[tuple[int, int], list[Deduction]] = defaultdict(list)
    for e in entries:
        by_card[(e.unit_id, e.indicator.scorecard_id)].append(Deduction(
            indicator=f"{e.indicator.code} {e.indicator.name}", points=e.amount, reason=e.reason,
            evidence=tuple(x for x in (e.evidence, e.evidence_file.name) if x),
            author=e.author.get_full_name() if e.author else e.author_name,
            time=timezone.localtime(e.created_at),
        ))  # fmt: skip
    cards: dict[int, list[ScorecardDeductions]] = defaultdict(list)
    names: dict[int, str] = {}
    for r in results.order_by(
        "unit__category__sort_order", "unit__sort_order", "group__scorecard__sort_order"
    ):
        card = r.group.scorecard
        names.setdefault(r.unit_id, r.unit.short_name or r.unit.name)
        cards[r.unit_id].append(ScorecardDeductions(
            name=card.name, deductions=tuple(by_card[(r.unit_id, card.id)]),
            full_marks=card.full_marks, score=r.total,
        ))  # fmt: skip
    return [
        UnitReport(unit_name=names[u], scorecards=tuple(c), period=f"{campaign.year}年度",
                   issuer=campaign.issuer, date=timezone.localdate())
        for u, c in cards.items()
    ]  # fmt: skip
