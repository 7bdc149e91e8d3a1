"""What the notice may say, gathered from the campaign's records for the pure drafting and
checking core (kaohe.core.notice)."""

from collections import defaultdict
from decimal import Decimal

from kaohe.assessment.models import Campaign, LedgerEntry, Result
from kaohe.assessment.statistics import campaign_statistics
from kaohe.core.notice.facts import GroupFact, IndicatorFact, NoticeFacts, ProblemFact, UnitFact
from kaohe.registry.models import Unit

# Problem kinds the notice names units for, and the ledger reasons that evidence them.
PROBLEMS = (
    ("key_area_late", "重点领域信息更新发布滞后", ("更新发布滞后", "滞后"), "更新发布滞后"),
    (
        "review_mismatch",
        "“三审三校”档案发布文章与审批表不一致",
        ("审批表不一致", "三审三校"),
        "审批表不一致",
    ),
    ("summary_missing", "未按期报送年度工作总结", ("未上报", "未报送"), "工作总结"),
)


def notice_facts(campaign: Campaign) -> NoticeFacts:
    overall = list(
        Result.objects.filter(campaign=campaign, group__scorecard__isnull=True)
        .select_related("group", "unit__category")
        .order_by("group__sort_order", "position")
    )
    units = _units(campaign, overall)
    return NoticeFacts(
        issuer=campaign.issuer,
        year=campaign.year,
        window=(campaign.window_start, campaign.window_end),
        method=campaign.method,
        basis=tuple((d.title, d.number) for d in campaign.basis_documents.all()),
        lead_agencies=_lead_agencies(campaign),
        units=units,
        groups=_groups(campaign, overall),
        indicators=_indicators(campaign, {row.group.name for row in overall}),
        problems=_problems(campaign, overall),
        reports=(),
    )


def _units(campaign: Campaign, overall: list[Result]) -> dict[str, UnitFact]:
    adjustments = {a.unit_id: a.reason for a in campaign.adjustments.all()}
    found = {}
    aliases = defaultdict(set)
    for unit in Unit.objects.filter(results__in=overall).prefetch_related("aliases").distinct():
        aliases[unit.id] = {unit.name, *(a.alias for a in unit.aliases.all())}
    for row in overall:
        name = row.display_name
        found[name] = UnitFact(
            name=name,
            aliases=frozenset(aliases[row.unit_id] - {name}),
            category=row.unit.category.name,
            score=row.total,
            rule_grade=row.rule_grade or None,
            grade=row.grade or None,
            adjusted=row.adjusted,
            adjustment_reason=adjustments.get(row.unit_id, ""),
        )
    return found


def _groups(campaign: Campaign, overall: list[Result]) -> tuple[GroupFact, ...]:
    members = defaultdict(list)
    for row in overall:
        members[row.group].append(row.display_name)
    facts = []
    for group, names in members.items():
        bands = list(group.bands.all())
        # Under "first", grades come from each unit's first scorecard: take that card's bands.
        if not bands:
            first = campaign.groups.filter(scorecard__isnull=False, name=group.name).first()
            bands = list(first.bands.all()) if first else []
        facts.append(GroupFact(
            name=group.name, units=tuple(names),
            grade_order=tuple(b.grade for b in bands) + ((group.fallback_grade,) if group.fallback_grade else ()),
            thresholds={b.grade: b.min_score for b in bands},
        ))  # fmt: skip
    return tuple(facts)


def _indicators(campaign: Campaign, group_names: set[str]) -> tuple[IndicatorFact, ...]:
    """Top-level indicators with their full-mark ratio per group the notice speaks of."""
    ratios: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    points = {}
    for row in campaign_statistics(campaign):
        if "." in row.code or row.group not in group_names:
            continue
        ratios[(row.scorecard, row.name)][row.group] = row.stats.full_mark_ratio
        points[(row.scorecard, row.name)] = row.points
    return tuple(
        IndicatorFact(name=name, points=points[(card, name)], full_mark_ratio=r)
        for (card, name), r in ratios.items()
    )


def _lead_agencies(campaign: Campaign) -> tuple[str, ...]:
    owners = (
        Unit.objects.filter(owned_indicators__scorecard__campaign=campaign)
        .distinct()
        .order_by("sort_order")
    )
    return tuple(u.short_name or u.name for u in owners)


def _problems(campaign: Campaign, overall: list[Result]) -> tuple[ProblemFact, ...]:
    by_unit_id = {row.unit_id: row.display_name for row in overall}
    facts = []
    for kind, label, keywords, reason_part in PROBLEMS:
        hits = LedgerEntry.objects.filter(
            campaign=campaign, weight=1, reversed_by__isnull=True, reason__contains=reason_part
        )
        names = frozenset(
            by_unit_id[u]
            for u in hits.values_list("unit_id", flat=True).distinct()
            if u in by_unit_id
        )
        facts.append(
            ProblemFact(kind=kind, label=label, keywords=keywords, units=names, deadline=None)
        )
    return tuple(facts)
