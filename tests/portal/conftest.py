"""People of every role on the demo campaign, and helpers to move it to a portal phase."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from kaohe.accounts.models import Role
from kaohe.assessment.models import Campaign, LedgerEntry
from kaohe.registry.models import Unit
from kaohe.registry.names import UnitNames

BACKEND = "django.contrib.auth.backends.ModelBackend"

# username -> (role, the unit as the notice names it)
PEOPLE = {
    "p-office": (Role.OFFICE, "县政府办公室"),
    "p-admin": (Role.ADMIN, "县政府办公室"),
    "p-leader": (Role.LEADER, "县政府办公室"),
    "p-scorer": (Role.SCORER, "县政务服务和大数据发展服务中心"),
    "p-zjj": (Role.UNIT, "住建局"),
    "p-tlz": (Role.UNIT, "托里镇"),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded evidence goes to a throw-away directory, never into the data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(make_people) -> dict:
    return make_people(PEOPLE)


@pytest.fixture
def as_user(people) -> Callable[[str], Client]:
    """A test client signed in as one of ``PEOPLE``."""

    def sign_in(username: str) -> Client:
        client = Client()
        client.force_login(people[username], backend=BACKEND)
        return client

    return sign_in


@pytest.fixture
def zjj(db) -> Unit:
    return UnitNames().resolve("住建局")


@pytest.fixture
def tlz(db) -> Unit:
    return UnitNames().resolve("托里镇")


@pytest.fixture
def phase(campaign) -> Callable[..., Campaign]:
    """Put the demo campaign into a state directly (the workflow itself is tested elsewhere).

    ``phase("appeal")`` opens a five-day window; ``deadline`` sets it explicitly.
    """

    def set_phase(status: str, deadline: dt.datetime | None = None) -> Campaign:
        if status == Campaign.Status.APPEAL and deadline is None:
            deadline = timezone.now() + dt.timedelta(days=5)
        Campaign.objects.filter(pk=campaign.pk).update(status=status, appeal_deadline=deadline)
        campaign.refresh_from_db()
        return campaign

    return set_phase


def first_entry(campaign: Campaign, unit: Unit, scorecard: str = "zwgk") -> LedgerEntry:
    """The unit's first deduction on a scorecard (the demo has several per unit)."""
    return (
        LedgerEntry.objects.filter(
            campaign=campaign, unit=unit, indicator__scorecard__code=scorecard, weight=1
        )
        .select_related("indicator")
        .order_by("id")
        .first()
    )


@pytest.fixture
def entry_of(campaign) -> Callable[..., LedgerEntry]:
    return lambda unit, scorecard="zwgk": first_entry(campaign, unit, scorecard)


@pytest.fixture
def paths(campaign) -> Callable[..., dict[str, str]]:
    """The portal's URLs for a unit (and one of its entries), written out as users see them."""

    def build(unit: Unit, entry: LedgerEntry | None = None) -> dict[str, str]:
        base = f"/campaigns/{campaign.code}/"
        found = {"unit": f"{base}units/{unit.id}/", "appeals": f"{base}appeals/"}
        if entry is not None:
            found["appeal"] = f"{base}units/{unit.id}/entries/{entry.id}/appeal/"
            found["rectify"] = f"{base}units/{unit.id}/entries/{entry.id}/rectify/"
        return found

    return build
