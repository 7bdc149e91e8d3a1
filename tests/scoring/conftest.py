"""Demo users of every role, an open campaign, and helpers to post to a cell as htmx does."""

import pytest
from django.test import Client

from kaohe.accounts.models import Role
from kaohe.assessment.models import Campaign

# (username, role, unit as the demo names it) — the same people `kaohe demo` creates
PEOPLE = (
    ("office", Role.OFFICE, "县政府办公室"),
    ("scorer-dsj", Role.SCORER, "县政务服务和大数据发展服务中心"),
    ("scorer-xzfw", Role.SCORER, "县行政服务中心"),
    ("scorer-scjg", Role.SCORER, "县市场监管局"),
    ("unit-zjj", Role.UNIT, "住建局"),
    ("leader", Role.LEADER, "县政府办公室"),
    ("admin", Role.ADMIN, "县政府办公室"),
)


@pytest.fixture
def people(make_people) -> dict:
    return make_people({username: (role, unit) for username, role, unit in PEOPLE})


@pytest.fixture
def open_campaign(campaign) -> Campaign:
    """The demo campaign moved to 评分中 (it is loaded as a draft)."""
    campaign.status = Campaign.Status.SCORING
    campaign.save(update_fields=["status"])
    return campaign


@pytest.fixture
def login(people):
    def make(username: str, **kwargs) -> Client:
        client = Client(**kwargs)
        client.force_login(people[username])
        return client

    return make


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded evidence goes to a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_trail(fresh_trail):
    """These tests count audit records from the first one."""
