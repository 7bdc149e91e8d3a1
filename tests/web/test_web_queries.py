"""Queries per page do not grow with the number of units: each page is measured on the demo
(about 40 units) and again after 360 more units are enrolled in both scorecards, with deductions
in the ledger and results recomputed — and the counts are pinned, so a page that starts to
query per unit (or per row of anything) fails here."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.assessment.models import Campaign, Enrollment, Indicator, LedgerEntry, Result, Scorecard
from kaohe.assessment.results import recompute
from kaohe.registry.models import Category, Unit

pytestmark = pytest.mark.django_db

EXTRA_UNITS = 360
LAST = f"扩展{EXTRA_UNITS - 1:03d}"  # the last added unit's short name, seen on the big pages

# (page, role, campaign status) -> queries per request, the same at 40 and at 400 units.
# The first queries of each request are the session, the user and their membership.
PINNED = {
    ("results", "office", "scoring"): 7,
    ("results", "leader", "published"): 7,
    ("results", "scorer-dsj", "review"): 7,
    ("statistics", "office", "scoring"): 25,
    ("overview", "office", "scoring"): 10,
    ("workspace", "scorer-dsj", "scoring"): 29,
    ("workspace", "office", "review"): 29,
    ("unit", "unit-zjj", "scoring"): 31,
    ("unit", "unit-zjj", "appeal"): 32,
    ("unit", "unit-zjj", "published"): 33,
    ("unit", "office", "published"): 33,
}
PAGES = {
    "results": "/campaigns/{code}/results/",
    "statistics": "/campaigns/{code}/statistics/",
    "overview": "/campaigns/{code}/",
    "workspace": "/campaigns/{code}/scoring/",
    "unit": "/campaigns/{code}/units/{zjj}/",
}


def grow(campaign: Campaign) -> None:
    """360 more 县直部门 in both scorecards, three deductions each per scorecard, recomputed."""
    departments = Category.objects.get(name="县直部门")
    units = Unit.objects.bulk_create(
        Unit(
            name=f"扩展测试单位{i:03d}",
            short_name=f"扩展{i:03d}",
            category=departments,
            sort_order=2000 + i,
        )
        for i in range(EXTRA_UNITS)
    )
    cards = list(Scorecard.objects.filter(campaign=campaign))
    Enrollment.objects.bulk_create(
        Enrollment(scorecard=card, unit=unit, display_name=unit.short_name)
        for card in cards
        for unit in units
    )
    leaves = {
        card.id: list(
            Indicator.objects.filter(scorecard=card, children__isnull=True).order_by("id")[:3]
        )
        for card in cards
    }
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            campaign=campaign,
            unit=unit,
            indicator=leaf,
            amount=Decimal("0.5") + Decimal(i % 7) / 10,
            reason="扩展测试扣分",
            author_name="测试",
        )
        for i, unit in enumerate(units)
        for card in cards
        for leaf in leaves[card.id]
    )
    status = campaign.status  # a published campaign is frozen: recompute as if just before
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.APPROVED)
    recompute(Campaign.objects.get(pk=campaign.pk))
    Campaign.objects.filter(pk=campaign.pk).update(status=status)


def enrolled_units(campaign: Campaign) -> int:
    return Enrollment.objects.filter(scorecard__campaign=campaign).values("unit").distinct().count()


def measure(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm what is cached per process (content types, templates)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


@pytest.mark.parametrize(("page", "role", "status"), list(PINNED))
def test_queries_do_not_grow_with_units(page, role, status, campaign, sign_in):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    campaign.refresh_from_db()
    zjj = Unit.objects.get(short_name="住建局")
    url = PAGES[page].format(code=campaign.code, zjj=zjj.id)
    client = sign_in(role)

    assert 38 <= enrolled_units(campaign) <= 42  # the demo: 7 乡镇场, 32 县直部门, 工业园区
    small, _ = measure(client, url)
    grow(campaign)
    assert enrolled_units(campaign) >= 398
    large, html = measure(client, url)

    assert large == small, f"{page} as {role}: {small} queries at ~40 units, {large} at ~400"
    assert small == PINNED[page, role, status], f"{page} as {role} ({status}): {small} queries"
    if page in ("results", "workspace"):
        assert LAST in html  # the page really lists the 400 units
    if page == "results":
        assert Result.objects.filter(campaign=campaign).count() > 1000
