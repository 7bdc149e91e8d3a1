"""A short, realistic audit history on the demo campaign: the shape every audit test starts from."""

from decimal import Decimal

import pytest
from django.db import connection

from kaohe.assessment.models import Indicator, LedgerEntry
from kaohe.audit.models import AuditRecord
from kaohe.audit.trail import record, snapshot
from kaohe.registry.models import Unit


@pytest.fixture
def users(django_user_model):
    return {
        name: django_user_model.objects.create_user(name, first_name=full)
        for name, full in [("scorer-a", "赋分人甲"), ("office-b", "考核办乙")]
    }


@pytest.fixture
def history(campaign, users) -> list[AuditRecord]:
    """Five records of five kinds, by two people, on two units and two indicators."""
    scorer, office = users["scorer-a"], users["office-b"]
    town = Unit.objects.get(name="托里镇人民政府")
    bureau = Unit.objects.get(short_name="住建局")
    ind_11 = Indicator.objects.get(scorecard__campaign=campaign, scorecard__code="zwgk", code="1.1")
    ind_2 = Indicator.objects.get(scorecard__campaign=campaign, scorecard__code="zwgk", code="2")
    entry = LedgerEntry.objects.create(
        campaign=campaign,
        unit=town,
        indicator=ind_11,
        amount=Decimal("-0.5"),
        reason="政策解读不及时",
        author=scorer,
        author_name=scorer.username,
    )
    fields = ["unit", "indicator", "amount", "reason", "created_at"]
    return [
        record(
            actor=scorer,
            action="ledger.add",
            campaign=campaign,
            unit=town,
            indicator=ind_11,
            obj=entry,
            after=snapshot(entry, fields),
            reason="政策解读不及时",
        ),
        record(
            actor=scorer,
            action="ledger.add",
            campaign=campaign,
            unit=bureau,
            indicator=ind_2,
            after={"amount": Decimal("-1.25")},
            reason="依申请公开答复超期",
        ),
        record(
            actor=office,
            action="grade.adjust",
            campaign=campaign,
            unit=bureau,
            before={"grade": "良好"},
            after={"grade": "一般"},
            reason="经县政府常务会议研究决定",
        ),
        record(
            actor=office,
            action="campaign.transition",
            campaign=campaign,
            before={"status": "scoring"},
            after={"status": "review"},
        ),
        record(
            actor="系统",
            action="registry.change",
            unit=town,
            obj=town,
            before={"short_name": "托里镇"},
            after={"short_name": "托里"},
            reason="更名",
        ),
    ]


@pytest.fixture
def raw_sql():
    """Change the table behind the model's back, as someone with a database console would."""

    def run(sql: str, params: list | None = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{table}", AuditRecord._meta.db_table), params or [])

    return run


@pytest.fixture(autouse=True)
def _fresh_trail(request):
    """These tests count audit records from the first one — except the concurrency test, whose
    writers commit on connections of their own and so see the demo's records anyway."""
    if request.node.get_closest_marker("postgresql_only") is None:
        request.getfixturevalue("fresh_trail")


@pytest.fixture(autouse=True)
def _no_account_records():
    """These tests count and number their own records; the accounts app's receivers would add
    user.change records for the users the fixtures create (tested in tests/accounts)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from kaohe.accounts import signals
    from kaohe.accounts.models import Membership

    user = get_user_model()
    post_save.disconnect(signals.user_saved, sender=user)
    post_save.disconnect(signals.membership_saved, sender=Membership)
    post_delete.disconnect(signals.membership_deleted, sender=Membership)
    yield
    post_save.connect(signals.user_saved, sender=user)
    post_save.connect(signals.membership_saved, sender=Membership)
    post_delete.connect(signals.membership_deleted, sender=Membership)
