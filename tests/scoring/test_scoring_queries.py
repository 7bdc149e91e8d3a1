"""The workspace costs the same number of queries for 40 units as for 400."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.assessment.models import Enrollment, Scorecard
from kaohe.registry.models import Category, Unit

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> tuple[int, int]:
    client.get(url)  # warm caches that are not per request (content types, templates)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["ws"].cells


@pytest.mark.parametrize("username", ["scorer-dsj", "office"])
def test_workspace_queries_do_not_grow_with_units(open_campaign, login, username):
    client = login(username)
    url = f"/campaigns/{open_campaign.code}/scoring/"
    small, small_cells = count_queries(client, url)
    enrolled = Enrollment.objects.filter(scorecard__campaign=open_campaign).values("unit")
    assert 35 <= enrolled.distinct().count() <= 45  # the demo: about 40 units
    extra = 400 - enrolled.distinct().count()
    departments = Category.objects.get(name="县直部门")
    units = Unit.objects.bulk_create(
        Unit(
            name=f"测试部门{i:03d}",
            short_name=f"测试{i:03d}",
            category=departments,
            sort_order=900 + i,
        )
        for i in range(extra)
    )
    cards = list(Scorecard.objects.filter(campaign=open_campaign))
    Enrollment.objects.bulk_create(
        Enrollment(scorecard=card, unit=unit, display_name=unit.short_name)
        for card in cards
        for unit in units
    )
    assert enrolled.distinct().count() == 400
    large, large_cells = count_queries(client, url)
    assert large_cells > small_cells * 5
    assert large == small, f"{small} queries at ~40 units, {large} at ~400"
