"""Who may see and change what: office and admin edit, leaders read, unit users their own unit."""

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.registry.models import Contact, Duty, Handover, UnitAlias

HANDOVER = {
    "duty": Duty.WEBSITE,
    "name": "李娜",
    "phone": "13912345678",
    "date": "2020-11-13",
    "items": "网站后台账号 zjj-admin；3条未办结留言",
    "passwords_changed": "on",
}


def change_requests(unit, contact, alias, handover) -> list[tuple[str, dict]]:
    """Every registry change, as a POST a browser would send."""
    return [
        (reverse("registry:alias_add", args=[unit.pk]), {"alias": "住建"}),
        (reverse("registry:alias_remove", args=[unit.pk, alias.pk]), {}),
        (
            reverse("registry:contact_add", args=[unit.pk]),
            {"duty": Duty.LEADER, "name": "王强", "start_date": "2020-01-02"},
        ),
        (reverse("registry:handover_add", args=[unit.pk]), HANDOVER),
        (
            reverse("registry:contact_end", args=[unit.pk, contact.pk]),
            {"end_date": "2020-10-01", "reason": "调离"},
        ),
        (reverse("registry:handover_acknowledge", args=[unit.pk, handover.pk]), {}),
    ]


@pytest.fixture
def world(zjj, make_contact, people):
    """A unit with an alias, a current administrator and an unacknowledged hand-over."""
    alias = UnitAlias.objects.get(unit=zjj, alias="县住建局")
    old = make_contact(zjj, name="赵磊", start=dt.date(2018, 1, 1), end=dt.date(2019, 3, 1))
    contact = make_contact(zjj, name="张伟", start=dt.date(2019, 3, 1))
    handover = Handover.objects.create(
        unit=zjj,
        duty=Duty.WEBSITE,
        from_contact=old,
        to_contact=contact,
        date=dt.date(2019, 3, 1),
        items="账号",
        recorded_by=people["t-office"],
    )
    return zjj, contact, alias, handover


def state(unit) -> tuple:
    return (
        sorted(unit.aliases.values_list("alias", flat=True)),
        sorted(Contact.objects.filter(unit=unit).values_list("name", "start_date", "end_date")),
        sorted(Handover.objects.filter(unit=unit).values_list("pk", "acknowledged_by_successor")),
    )


@pytest.mark.parametrize("username", ["t-office", "t-admin"])
def test_staff_reads_and_changes_everything(as_user, world, audit_mark, username):
    unit, contact, alias, handover = world
    client = as_user(username)
    assert client.get(reverse("registry:units")).status_code == 200
    page = client.get(reverse("registry:unit", args=[unit.pk]))
    assert page.status_code == 200
    assert "记录交接" in page.text and "登记离任" in page.text and "新增别名" in page.text
    requests = change_requests(unit, contact, alias, handover)
    # the hand-over after the end of tenure: the post is vacant then, so the form registers 李娜
    order = [0, 1, 2, 4, 3, 5]
    for i in order:
        url, data = requests[i]
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:2000])
    aliases, contacts, handovers = state(unit)
    assert "住建" in aliases and "县住建局" not in aliases
    assert ("王强", dt.date(2020, 1, 2), None) in contacts
    assert ("张伟", dt.date(2019, 3, 1), dt.date(2020, 10, 1)) in contacts
    assert ("李娜", dt.date(2020, 11, 13), None) in contacts
    assert all(acknowledged for _pk, acknowledged in handovers if _pk == handover.pk)
    records = audit_mark()
    assert len(records) == len(order)
    assert all(r.unit_id == unit.pk and r.actor_id for r in records)


def test_leader_reads_but_every_change_is_refused(as_user, world, audit_mark):
    unit, contact, alias, handover = world
    client = as_user("t-leader")
    assert client.get(reverse("registry:units")).status_code == 200
    page = client.get(reverse("registry:unit", args=[unit.pk]))
    assert page.status_code == 200
    assert "张伟" in page.text
    assert (
        "记录交接" not in page.text and "登记离任" not in page.text and "确认接收" not in page.text
    )
    assert client.get(reverse("registry:contacts_csv")).status_code == 200
    before = state(unit)
    for url, data in change_requests(unit, contact, alias, handover):
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("registry:handover_add", args=[unit.pk])).status_code == 403
    assert state(unit) == before
    assert audit_mark() == []


def test_unit_user_records_a_handover_for_their_own_unit(as_user, world, audit_mark):
    unit, contact, _alias, _handover = world
    client = as_user("t-zjj")
    page = client.get(reverse("registry:unit", args=[unit.pk]))
    assert page.status_code == 200
    assert "记录交接" in page.text and "登记离任" not in page.text and "新增别名" not in page.text
    response = client.post(reverse("registry:handover_add", args=[unit.pk]), HANDOVER)
    assert response.status_code == 302
    created = Handover.objects.get(unit=unit, to_contact__name="李娜")
    assert created.from_contact == contact
    assert created.recorded_by.username == "t-zjj"
    assert len(audit_mark()) == 1

    # …and the office sees it, marked as filed by the unit
    office = as_user("t-office").get(reverse("registry:units"))
    assert "李娜" in office.text and "单位填报" in office.text


def test_unit_user_may_not_edit_contacts_or_aliases_of_their_own_unit(as_user, world):
    unit, contact, alias, handover = world
    client = as_user("t-zjj")
    before = state(unit)
    for url, data in change_requests(unit, contact, alias, handover):
        if "handover" in url:
            continue
        assert client.post(url, data).status_code == 403, url
    assert state(unit) == before


def test_unit_user_acknowledges_a_handover_of_their_own_unit(as_user, world):
    unit, _contact, _alias, handover = world
    client = as_user("t-zjj")
    url = reverse("registry:handover_acknowledge", args=[unit.pk, handover.pk])
    assert client.post(url).status_code == 302
    handover.refresh_from_db()
    assert handover.acknowledged_by_successor and handover.acknowledged_at is not None


def test_foreign_unit_is_404_for_a_unit_user(as_user, world, tlz):
    unit, contact, _alias, handover = world
    client = as_user("t-tlz")
    assert client.get(reverse("registry:unit", args=[unit.pk])).status_code == 404
    assert client.get(reverse("registry:handover_add", args=[unit.pk])).status_code == 404
    before = state(unit)
    response = client.post(reverse("registry:handover_add", args=[unit.pk]), HANDOVER)
    assert response.status_code == 404
    url = reverse("registry:handover_acknowledge", args=[unit.pk, handover.pk])
    assert client.post(url).status_code == 404
    assert state(unit) == before
    # their own unit works
    assert client.get(reverse("registry:unit", args=[tlz.pk])).status_code == 200


def test_handover_of_another_unit_is_404_through_a_unit_url(as_user, world, tlz):
    """A hand-over id is looked up inside the unit in the URL, never on its own."""
    _unit, _contact, _alias, handover = world
    client = as_user("t-tlz")
    url = reverse("registry:handover_acknowledge", args=[tlz.pk, handover.pk])
    assert client.post(url).status_code == 404
    handover.refresh_from_db()
    assert not handover.acknowledged_by_successor


def test_unit_user_and_scorer_do_not_see_the_list_or_export(as_user):
    for username in ("t-zjj", "t-scorer"):
        client = as_user(username)
        assert client.get(reverse("registry:units")).status_code == 403
        assert client.get(reverse("registry:contacts_csv")).status_code == 403


def test_scorer_does_not_see_unit_contacts(as_user, zjj):
    assert as_user("t-scorer").get(reverse("registry:unit", args=[zjj.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, zjj):
    response = client.get(reverse("registry:unit", args=[zjj.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_changes_are_post_only(as_user, world):
    unit, _contact, alias, handover = world
    client = as_user("t-office")
    for url in (
        reverse("registry:alias_remove", args=[unit.pk, alias.pk]),
        reverse("registry:handover_acknowledge", args=[unit.pk, handover.pk]),
    ):
        assert client.get(url).status_code == 405
