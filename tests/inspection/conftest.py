"""People of every role, an open campaign, the immediate task backend, the planted site, and a
finished inspection of it with finding kinds mapped to the demo's indicators."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from kaohe_inspection_testutil import AS_OF, PlantedSite, serve

from kaohe.accounts.models import Membership, Role
from kaohe.assessment.models import Campaign, Indicator
from kaohe.registry.names import UnitNames

PEOPLE = (
    ("office", Role.OFFICE, "县政府办公室"),
    ("leader", Role.LEADER, "县政府办公室"),
    ("scorer-dsj", Role.SCORER, "县政务服务和大数据发展服务中心"),  # owns zwgk 1.x and 3.x
    ("scorer-xzfw", Role.SCORER, "县行政服务中心"),  # owns none of the rules below
    ("unit-zjj", Role.UNIT, "住建局"),
    ("unit-tlz", Role.UNIT, "托里镇"),
)
# finding kind -> (zwgk indicator code, default amount)
RULES = {
    "wording": ("3.3", "1"),
    "privacy": ("3.3", "2"),
    "stale_column": ("1.3", "1.5"),
    "empty_column": ("1.3", "1"),
    "missing_column": ("1.3", "1"),
    "dead_link": ("3.1", "0.5"),
}


@pytest.fixture(autouse=True)
def inspection_settings(settings, tmp_path):
    """Tasks run at once, in the test's transaction; WARC evidence goes to a throw-away
    directory; politeness is lifted (the planted site is our own server on 127.0.0.1)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KAOHE_WARC_DIR = tmp_path / "warc"
    settings.KAOHE_INSPECTION_CRAWL = {
        "lifted": True,
        "request_timeout": 3.0,
        "connect_timeout": 2.0,
        "time_budget": 30.0,
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(db, django_user_model) -> dict:
    names = UnitNames()
    found = {}
    for username, role, unit in PEOPLE:
        user = django_user_model.objects.create_user(username, first_name=f"{username}（测试）")
        Membership.objects.create(user=user, role=role, unit=names.resolve(unit))
        found[username] = user
    return found


@pytest.fixture
def login(people):
    def make(username: str) -> Client:
        client = Client()
        client.force_login(people[username])
        return client

    return make


@pytest.fixture
def open_campaign(campaign) -> Campaign:
    campaign.status = Campaign.Status.SCORING
    campaign.save(update_fields=["status"])
    return campaign


@pytest.fixture
def planted():
    with serve(PlantedSite()) as site:
        yield site


@pytest.fixture
def site(db, planted):
    from kaohe.inspection import services
    from kaohe.inspection.models import Site

    found = Site.objects.create(name="精河县人民政府网", base_url=planted.base + "/")
    plan = services.import_columns(found, planted.columns_csv(), "columns.csv", None)
    assert plan.ok, plan.errors
    return found


@pytest.fixture
def rules(open_campaign):
    from kaohe.inspection.models import FindingRule
    from kaohe.inspection.services import DEFAULT_REASONS

    made = {}
    for kind, (code, amount) in RULES.items():
        indicator = Indicator.objects.get(scorecard__campaign=open_campaign, scorecard__code="zwgk", code=code)  # fmt: skip
        made[kind] = FindingRule.objects.create(
            campaign=open_campaign, kind=kind, indicator=indicator, amount=Decimal(amount),
            reason_template=DEFAULT_REASONS[kind],
        )  # fmt: skip
    return made


@pytest.fixture
def run_inspection(open_campaign, site, people):
    """Start a run as the office would; with the immediate backend it is done on return."""
    from kaohe.inspection import services

    def go():
        inspection = services.start(
            open_campaign, site, people["office"], as_of=date.fromisoformat(AS_OF)
        )
        inspection.refresh_from_db()
        return inspection

    return go


@pytest.fixture
def inspected(run_inspection, rules):
    inspection = run_inspection()
    assert inspection.status == "done", inspection.errors
    return inspection


@pytest.fixture
def work_task():
    """What ``kaohe db_worker`` does with a task it has claimed (its polling loop takes an
    exclusive transaction, which the test's own transaction does not allow on SQLite)."""
    from django_tasks_db.management.commands.db_worker import Worker

    def work(task) -> None:
        worker = Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id="test-worker",
        )  # fmt: skip
        task.claim(worker.worker_id)
        worker.run_task(task)

    return work
