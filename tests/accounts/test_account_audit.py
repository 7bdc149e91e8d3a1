"""User and role changes are audited, with the person who made them when there is a request."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from kaohe.accounts.models import Membership, Role
from kaohe.audit.context import ActorMiddleware
from kaohe.audit.models import AuditRecord
from kaohe.registry.names import UnitNames

pytestmark = pytest.mark.django_db


def test_new_user_and_role_are_recorded(campaign):
    user = get_user_model().objects.create_user("a-new", first_name="新人")
    Membership.objects.create(user=user, role=Role.UNIT, unit=UnitNames().resolve("住建局"))
    records = list(AuditRecord.objects.filter(action="user.change").order_by("-seq")[:2])
    assert records[1].after["username"] == "a-new" and records[1].actor_name == "系统"
    assert records[0].after == {"user": "a-new", "role": "unit", "unit": records[0].unit_id}
    assert records[0].unit.short_name == "住建局"


def test_a_sign_in_is_not_a_change(campaign):
    user = get_user_model().objects.create_user("a-login")
    before = AuditRecord.objects.count()
    user.save(update_fields=["last_login"])
    assert AuditRecord.objects.count() == before


def test_the_acting_user_is_named_within_a_request(campaign):
    office = get_user_model().objects.create_user("a-office")
    request = RequestFactory().get("/")
    request.user = office

    def view(_request):
        get_user_model().objects.create_user("a-made-by-office")
        return None

    ActorMiddleware(view)(request)
    made = AuditRecord.objects.filter(action="user.change").order_by("-seq").first()
    assert made.after["username"] == "a-made-by-office" and made.actor_id == office.id
