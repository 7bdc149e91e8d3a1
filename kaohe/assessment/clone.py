"""Next year's campaign, cloned from this year's (“全力做好2021年工作”).

What carries over is the set-up an office would otherwise type again: basis documents (as a
starting point, edited later), scorecards with their settings and annex labels, ranking groups
with their categories and grade bands, the indicator tree with per-category points, lead
agencies and rule parameters, and the enrollments of units that still exist in the new year.
What happened in the old year stays there: no ledger entry, result, adjustment, downgrade or
workflow transition is copied. The clone is a draft linked to its source as ``previous``.
"""

import datetime as dt
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction

from kaohe.audit.trail import record, snapshot
from kaohe.registry.models import Unit

from .models import (
    BasisDocument,
    Campaign,
    Enrollment,
    GradeBand,
    Indicator,
    IndicatorPoints,
    RankingGroup,
    Scorecard,
)

ACTION = "campaign.clone"
SCORECARD_FIELDS = (
    "code", "name", "full_marks", "tie_policy", "tie_break", "tie_break_indicator", "weight",
    "annex_name_label", "annex_score_label", "sort_order",
)  # fmt: skip
DATE_FIELDS = ("period_start", "period_end", "window_start", "window_end")


class CloneError(ValueError):
    """The clone was refused; the message says why in words the office understands."""


def shift_year(day: dt.date | None, years: int) -> dt.date | None:
    """The same day ``years`` later; 2月29日 becomes 2月28日 in a common year."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def renamed(text: str, source_year: int, year: int) -> str:
    """“2020年度…” → “2021年度…”: only a year written as ``2020年`` is replaced."""
    return re.sub(rf"(?<!\d){source_year}年", f"{year}年", text)


def default_name(source: Campaign, year: int) -> str:
    name = renamed(source.name, source.year, year)
    return name if name != source.name else f"{year}年度{source.name}"


def retired_units(source: Campaign, year: int) -> list[Unit]:
    """Units enrolled in ``source`` that no longer exist in ``year`` (they are not enrolled)."""
    units = Unit.objects.filter(enrollments__scorecard__campaign=source).distinct()
    return [u for u in units if not u.is_active_in(year)]


def _check(source: Campaign, code: str, year: int, name: str) -> tuple[str, str]:
    code, name = (code or "").strip(), (name or "").strip()
    try:
        validate_slug(code)
        if len(code) > Campaign._meta.get_field("code").max_length:
            raise ValidationError("too long")
    except ValidationError:
        raise CloneError(
            f"考核代码“{code}”无效：只能使用字母、数字、连字符和下划线（不超过 50 个字符），如 jinghe-2021。"
        ) from None
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise CloneError(f"年度“{year}”无效，应为 2000–2100 之间的整数。")
    if not name:
        raise CloneError("请填写新考核的名称。")
    if len(name) > Campaign._meta.get_field("name").max_length:
        raise CloneError("考核名称过长（不超过 200 字）。")
    if code == source.code or Campaign.objects.filter(code=code).exists():
        raise CloneError(f"考核代码“{code}”已存在，请换一个代码。")
    return code, name


def clone_campaign(source: Campaign, code: str, year: int, name: str, user) -> Campaign:
    """Create campaign ``code`` for ``year`` from ``source``'s set-up; one transaction, audited.

    ``user`` is the acting user (or a string naming a system actor, e.g. the command line).
    Raises ``CloneError`` (nothing written) when the code exists or an input is invalid.
    """
    code, name = _check(source, code, year, name)
    years = year - source.year
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                code=code,
                year=year,
                name=name,
                issuer=source.issuer,
                method=source.method,
                overall_method=source.overall_method,
                status=Campaign.Status.DRAFT,
                previous=source,
                **{f: shift_year(getattr(source, f), years) for f in DATE_FIELDS},
            )
            counts = _copy_setup(source, campaign, years)
            record(
                actor=user,
                action=ACTION,
                campaign=campaign,
                obj=campaign,
                before={"source": source.code, "source_id": source.pk},
                after={**snapshot(campaign), "copied": counts},
                reason=f"由“{source.name}”（{source.code}）复制为{year}年度考核",
            )
    except IntegrityError as exc:  # another office user took the code a moment ago
        if Campaign.objects.filter(code=code).exists():
            raise CloneError(f"考核代码“{code}”已存在，请换一个代码。") from exc
        raise
    return campaign


def _copy_setup(source: Campaign, campaign: Campaign, years: int) -> dict[str, int]:
    BasisDocument.objects.bulk_create(
        BasisDocument(campaign=campaign, title=d.title, number=d.number, sort_order=d.sort_order)
        for d in source.basis_documents.all()
    )
    cards = {}
    for card in source.scorecards.all():
        values = {f: getattr(card, f) for f in SCORECARD_FIELDS}
        values["name"] = renamed(card.name, source.year, campaign.year)
        cards[card.pk] = Scorecard.objects.create(campaign=campaign, **values)
    groups = _copy_groups(source, campaign, cards)
    indicators = _copy_indicators(source, cards)
    enrollments = _copy_enrollments(source, cards, campaign.year)
    return {
        "basis_documents": campaign.basis_documents.count(),
        "scorecards": len(cards),
        "groups": groups[0],
        "bands": groups[1],
        "indicators": indicators[0],
        "indicator_points": indicators[1],
        "enrollments": enrollments,
    }


def _copy_groups(source: Campaign, campaign: Campaign, cards: dict) -> tuple[int, int]:
    old = list(source.groups.prefetch_related("categories", "bands").order_by("id"))
    new = RankingGroup.objects.bulk_create(
        RankingGroup(
            campaign=campaign,
            scorecard=cards[g.scorecard_id] if g.scorecard_id else None,
            name=g.name,
            fallback_grade=g.fallback_grade,
            sort_order=g.sort_order,
        )
        for g in old
    )
    through = RankingGroup.categories.through
    through.objects.bulk_create(
        through(rankinggroup_id=n.pk, category_id=c.pk)
        for o, n in zip(old, new, strict=True)
        for c in o.categories.all()
    )
    bands = GradeBand.objects.bulk_create(
        GradeBand(group=n, grade=b.grade, min_score=b.min_score, quota=b.quota,
                  sort_order=b.sort_order)
        for o, n in zip(old, new, strict=True)
        for b in o.bands.all()
    )  # fmt: skip
    return len(new), len(bands)


def _copy_indicators(source: Campaign, cards: dict) -> tuple[int, int]:
    """Level by level, so every parent has its new id before its children are written."""
    old = list(
        Indicator.objects.filter(scorecard__campaign=source)
        .prefetch_related("category_points")
        .order_by("id")
    )
    children = defaultdict(list)
    for indicator in old:
        children[indicator.parent_id].append(indicator)
    mapped: dict[int, Indicator] = {}
    level = children[None]
    while level:
        created = Indicator.objects.bulk_create(
            Indicator(
                scorecard=cards[i.scorecard_id],
                parent=mapped[i.parent_id] if i.parent_id else None,
                code=i.code,
                name=i.name,
                points=i.points,
                rule_kind=i.rule_kind,
                rule_params=i.rule_params,
                owner_id=i.owner_id,
                sort_order=i.sort_order,
            )
            for i in level
        )
        mapped.update((o.pk, n) for o, n in zip(level, created, strict=True))
        level = [child for i in level for child in children[i.pk]]
    points = IndicatorPoints.objects.bulk_create(
        IndicatorPoints(indicator=mapped[i.pk], category_id=p.category_id, points=p.points)
        for i in old
        for p in i.category_points.all()
    )
    return len(mapped), len(points)


def _copy_enrollments(source: Campaign, cards: dict, year: int) -> int:
    rows = Enrollment.objects.filter(scorecard__campaign=source).select_related("unit")
    created = Enrollment.objects.bulk_create(
        (
            Enrollment(scorecard=cards[e.scorecard_id], unit_id=e.unit_id,
                       display_name=e.display_name)
            for e in rows.order_by("id")
            if e.unit.is_active_in(year)
        ),
        batch_size=2000,
    )  # fmt: skip
    return len(created)
