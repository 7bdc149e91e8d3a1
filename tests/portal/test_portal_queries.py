"""The unit page costs the same number of queries in a 40-unit county and a 400-unit one."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.assessment.models import Enrollment, Indicator, LedgerEntry, Scorecard
from kaohe.portal.models import Appeal, Rectification
from kaohe.registry.models import Category, Unit

pytestmark = pytest.mark.django_db

EXTRA_UNITS = 360


def grow(campaign) -> None:
    """360 more 县直部门, enrolled on the 政务公开 scorecard, with three deductions each."""
    category = Category.objects.get(name="县直部门")
    units = Unit.objects.bulk_create(
        Unit(
            name=f"测试单位{i:03d}",
            short_name=f"测试{i:03d}",
            category=category,
            sort_order=1000 + i,
        )
        for i in range(EXTRA_UNITS)
    )
    card = Scorecard.objects.get(campaign=campaign, code="zwgk")
    Enrollment.objects.bulk_create(
        Enrollment(scorecard=card, unit=u, display_name=u.short_name) for u in units
    )
    leaves = list(
        Indicator.objects.filter(scorecard=card, children__isnull=True).order_by("id")[:3]
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            campaign=campaign,
            unit=u,
            indicator=leaf,
            amount=Decimal("0.5"),
            reason="批量测试扣分",
            author_name="测试",
        )
        for u in units
        for leaf in leaves
    )


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("status", ["appeal", "published"])
def test_unit_page_queries_do_not_grow_with_units(as_user, phase, campaign, zjj, paths, status):
    phase(status)
    client = as_user("p-zjj")
    url = paths(zjj)["unit"]
    client.get(url)  # warm the session and content-type caches
    small = page_queries(client, url)
    assert (
        Enrollment.objects.filter(scorecard__campaign=campaign).values("unit").distinct().count()
        < 45
    )
    grow(campaign)
    assert (
        Enrollment.objects.filter(scorecard__campaign=campaign).values("unit").distinct().count()
        > 395
    )
    large = page_queries(client, url)
    assert large == small, f"{small} queries with ~40 units, {large} with ~400"
    assert small <= 40


def test_office_lists_do_not_grow_with_units(as_user, people, phase, campaign, zjj, tlz, entry_of):
    phase("appeal")
    for unit, who in ((zjj, "p-zjj"), (tlz, "p-tlz")):
        entry = entry_of(unit)
        Appeal.objects.create(
            campaign=campaign, entry=entry, unit=unit, text="申请", submitted_by=people[who]
        )
        Rectification.objects.create(
            campaign=campaign, entry=entry, unit=unit, text="整改", submitted_by=people[who]
        )
    client = as_user("p-office")
    urls = [f"/campaigns/{campaign.code}/{p}/" for p in ("appeals", "rectifications", "units")]
    small = [page_queries(client, u) for u in urls]
    grow(campaign)
    assert [page_queries(client, u) for u in urls] == small
