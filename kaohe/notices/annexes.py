"""Annex tables and addressees of a notice, straight from the stored results."""

from collections import defaultdict

from kaohe.assessment.models import Campaign, Result
from kaohe.core.numbers import format_score
from kaohe.documents.model import Annex, RankedTable
from kaohe.registry.models import Category, Unit


def annexes(campaign: Campaign, grades: bool = False) -> tuple[Annex, ...]:
    """One annex per scorecard, one ranked table per ranking group (caption only when several)."""
    rows = Result.objects.filter(campaign=campaign, group__scorecard__isnull=False).select_related(
        "group__scorecard"
    )
    tables: dict = defaultdict(lambda: defaultdict(list))
    for row in rows.order_by("group__scorecard__sort_order", "group__sort_order", "position"):
        tables[row.group.scorecard][row.group].append(row)
    result = []
    for number, (card, groups) in enumerate(tables.items(), start=1):
        captioned = len(groups) > 1
        result.append(Annex(number, card.name, tuple(
            RankedTable.standard(
                [_cells(r, grades) for r in members],
                caption=group.name if captioned else None,
                name_label=card.annex_name_label, score_label=card.annex_score_label, grade=grades,
            )
            for group, members in groups.items()
        )))  # fmt: skip
    return tuple(result)


def _cells(row: Result, grades: bool) -> tuple[str, ...]:
    cells = (str(row.position), row.display_name, format_score(row.total))
    return (*cells, row.grade) if grades else cells


def addressees(campaign: Campaign) -> str:
    """主送机关 from the categories in scope: a category's collective wording, or its units'
    full names where it has none (精河工业园区管委会)."""
    enrolled = Unit.objects.filter(enrollments__scorecard__campaign=campaign).distinct()
    category_ids = set(enrolled.values_list("category_id", flat=True))
    parts = []
    for category in Category.objects.filter(id__in=category_ids).order_by("sort_order"):
        if category.addressee:
            parts.append(category.addressee)
        else:
            parts += [u.name for u in enrolled.filter(category=category).order_by("sort_order")]
    return "，".join(parts) + "："
