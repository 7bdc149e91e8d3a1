"""People of every role, and helpers to act as them on the registry pages."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from kaohe.accounts.models import Role
from kaohe.audit.models import AuditRecord
from kaohe.registry.models import Contact, Duty, Unit
from kaohe.registry.names import UnitNames

BACKEND = "django.contrib.auth.backends.ModelBackend"

# username -> (role, the unit as the notice names it)
PEOPLE = {
    "t-office": (Role.OFFICE, "县政府办公室"),
    "t-admin": (Role.ADMIN, "县政府办公室"),
    "t-leader": (Role.LEADER, "县政府办公室"),
    "t-scorer": (Role.SCORER, "县政务服务和大数据发展服务中心"),
    "t-zjj": (Role.UNIT, "住建局"),
    "t-tlz": (Role.UNIT, "托里镇"),
}


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
def make_contact() -> Callable[..., Contact]:
    def make(
        unit: Unit,
        duty: str = Duty.WEBSITE,
        name: str = "张伟",
        start: dt.date = dt.date(2019, 3, 1),
        end: dt.date | None = None,
        phone: str = "",
    ) -> Contact:
        return Contact.objects.create(
            unit=unit, duty=duty, name=name, phone=phone, start_date=start, end_date=end
        )

    return make


@pytest.fixture
def audit_mark(db) -> Callable[[], list[AuditRecord]]:
    """Registry audit records written after the fixture was taken, oldest first."""
    last = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def since() -> list[AuditRecord]:
        return list(AuditRecord.objects.filter(seq__gt=last, action="registry.change"))

    return since


@pytest.fixture(autouse=True)
def _fresh_trail(fresh_trail):
    """These tests count audit records from the first one."""
