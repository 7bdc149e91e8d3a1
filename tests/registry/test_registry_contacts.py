"""Tenures never overlap, a hand-over closes the previous one, and every change is audited."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from kaohe.audit.trail import verify
from kaohe.registry.models import Contact, Duty, Handover


def add_contact(client, unit, **data):
    data.setdefault("duty", Duty.WEBSITE)
    return client.post(reverse("registry:contact_add", args=[unit.pk]), data)


def record_handover(client, unit, **data):
    data.setdefault("duty", Duty.WEBSITE)
    return client.post(reverse("registry:handover_add", args=[unit.pk]), data)


def form_errors(response) -> str:
    assert response.status_code == 200, "the form should have been shown again with errors"
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_overlapping_tenure_is_refused_with_a_clear_message(as_user, zjj, make_contact, audit_mark):
    make_contact(zjj, name="赵磊", start=dt.date(2018, 1, 1), end=dt.date(2019, 3, 1))
    client = as_user("t-office")
    response = add_contact(client, zjj, name="钱芳", start_date="2018-06-01", end_date="2018-12-01")
    message = form_errors(response)
    assert "任期与赵磊的任期（2018年1月1日至2019年3月1日）重叠" in message
    assert "任期不能重叠" in message
    # overlapping the other way round (starts before, ends inside)
    response = add_contact(client, zjj, name="钱芳", start_date="2017-06-01", end_date="2018-02-01")
    assert "重叠" in form_errors(response)
    assert not Contact.objects.filter(name="钱芳").exists()
    assert audit_mark() == []


def test_tenure_starting_the_day_the_previous_ended_is_no_overlap(as_user, zjj, make_contact):
    make_contact(zjj, name="赵磊", start=dt.date(2018, 1, 1), end=dt.date(2019, 3, 1))
    response = add_contact(as_user("t-office"), zjj, name="张伟", start_date="2019-03-01")
    assert response.status_code == 302
    assert Contact.objects.get(unit=zjj, name="张伟").is_current


def test_a_second_current_holder_must_come_through_a_handover(as_user, zjj, make_contact):
    make_contact(zjj, name="张伟", start=dt.date(2019, 3, 1))
    response = add_contact(as_user("t-office"), zjj, name="李娜", start_date="2020-11-13")
    message = form_errors(response)
    assert "张伟的任期（2019年3月1日至今）重叠" in message
    assert "请使用“记录交接”" in message


def test_other_duties_and_units_do_not_clash(as_user, zjj, tlz, make_contact):
    make_contact(zjj, name="张伟", start=dt.date(2019, 3, 1))
    client = as_user("t-office")
    assert (
        add_contact(
            client, zjj, duty=Duty.PLATFORM, name="张伟", start_date="2019-03-01"
        ).status_code
        == 302
    )
    assert add_contact(client, tlz, name="李娜", start_date="2019-03-01").status_code == 302


def test_end_must_follow_start_and_dates_not_in_the_future(as_user, zjj):
    client = as_user("t-office")
    message = form_errors(
        add_contact(client, zjj, name="甲", start_date="2020-05-01", end_date="2020-05-01")
    )
    assert "离任日期必须晚于任职日期" in message
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert "不能晚于今天" in form_errors(add_contact(client, zjj, name="甲", start_date=future))


def test_the_database_refuses_two_current_holders_whatever_writes_them(zjj, make_contact):
    make_contact(zjj, name="张伟")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_contact(zjj, name="李娜", start=dt.date(2020, 1, 1))


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("139 1234 5678", "13912345678"),
        ("+86 13912345678", "13912345678"),
        ("0909-5212345", "0909-5212345"),
        ("０９０９－５２１２３４５", "0909-5212345"),
        ("", ""),
    ],
)
def test_phone_numbers_are_stored_in_one_form(as_user, zjj, written, stored):
    response = add_contact(
        as_user("t-office"), zjj, name="张伟", start_date="2019-03-01", phone=written
    )
    assert response.status_code == 302
    assert Contact.objects.get(unit=zjj, name="张伟").phone == stored


@pytest.mark.parametrize("phone", ["1391234567", "23912345678", "5212345", "电话"])
def test_invalid_phone_numbers_are_refused(as_user, zjj, phone):
    response = add_contact(
        as_user("t-office"), zjj, name="张伟", start_date="2019-03-01", phone=phone
    )
    assert "大陆手机号" in form_errors(response)


def test_handover_closes_the_previous_tenure_on_its_date(as_user, zjj, make_contact, audit_mark):
    previous = make_contact(zjj, name="张伟", start=dt.date(2019, 3, 1), phone="13912345678")
    response = record_handover(
        as_user("t-office"),
        zjj,
        name="李娜",
        phone="0909-5212345",
        date="2020-11-13",
        items="网站后台账号 zjj-admin；信息公开平台账号；3条未办结留言",
        passwords_changed="on",
        acknowledged="on",
    )
    assert response.status_code == 302
    previous.refresh_from_db()
    assert previous.end_date == dt.date(2020, 11, 13)
    successor = Contact.objects.get(unit=zjj, duty=Duty.WEBSITE, end_date__isnull=True)
    assert (successor.name, successor.start_date) == ("李娜", dt.date(2020, 11, 13))
    handover = Handover.objects.get(unit=zjj)
    assert handover.from_contact == previous and handover.to_contact == successor
    assert handover.passwords_changed and handover.acknowledged_by_successor
    assert handover.acknowledged_at is not None

    (entry,) = audit_mark()
    assert entry.unit_id == zjj.pk and entry.object_id == str(handover.pk)
    assert entry.before["previous"]["end_date"] is None
    assert entry.after["previous"]["end_date"] == "2020-11-13"
    assert entry.after["contact"]["name"] == "李娜"
    assert "张伟 → 李娜" in entry.reason
    assert verify() == []

    page = as_user("t-leader").get(reverse("registry:unit", args=[zjj.pk]))
    assert "2019年3月1日 — 2020年11月13日" in page.text
    assert "信息公开平台账号" in page.text


def test_handover_into_a_vacant_post_has_no_predecessor(as_user, zjj):
    response = record_handover(as_user("t-zjj"), zjj, name="李娜", date="2020-11-13")
    assert response.status_code == 302
    handover = Handover.objects.get(unit=zjj)
    assert handover.from_contact is None and handover.to_contact.is_current


def test_handover_must_be_after_the_predecessor_started(as_user, zjj, make_contact):
    make_contact(zjj, name="张伟", start=dt.date(2019, 3, 1))
    response = record_handover(
        as_user("t-office"), zjj, name="李娜", date="2019-03-01", items="账号"
    )
    assert "交接日期必须晚于张伟的任职日期（2019年3月1日）" in form_errors(response)
    assert not Handover.objects.exists()


def test_handover_needs_the_items_handed_over(as_user, zjj, make_contact):
    make_contact(zjj, name="张伟", start=dt.date(2019, 3, 1))
    response = record_handover(as_user("t-office"), zjj, name="李娜", date="2020-11-13")
    assert "请写明张伟移交了哪些账号和待办事项" in form_errors(response)


def test_handover_refuses_a_written_password(as_user, zjj, make_contact):
    """The audit trail copies the text and can never be erased: no passwords in it."""
    make_contact(zjj, name="张伟", start=dt.date(2019, 3, 1))
    response = record_handover(
        as_user("t-office"),
        zjj,
        name="李娜",
        date="2020-11-13",
        items="后台账号 admin，密码：Zjj@2020",
    )
    assert "请删去密码" in form_errors(response)
    assert "items" in response.context["form"].errors
    assert Contact.objects.get(name="张伟").is_current


def test_handover_may_not_overlap_a_later_past_tenure(as_user, zjj, make_contact):
    """With the post vacant since 2020-06-01, a successor dated before then would overlap."""
    make_contact(zjj, name="张伟", start=dt.date(2019, 3, 1), end=dt.date(2020, 6, 1))
    response = record_handover(as_user("t-office"), zjj, name="李娜", date="2020-01-01")
    assert "与张伟的任期（2019年3月1日至2020年6月1日）重叠" in form_errors(response)


def test_end_of_tenure_leaves_the_post_vacant_and_flagged(as_user, zjj, make_contact, audit_mark):
    contact = make_contact(zjj, name="张伟", start=dt.date(2019, 3, 1))
    client = as_user("t-office")
    url = reverse("registry:contact_end", args=[zjj.pk, contact.pk])
    assert client.post(url, {"end_date": "2020-10-01", "reason": "调离"}).status_code == 302
    contact.refresh_from_db()
    assert contact.end_date == dt.date(2020, 10, 1)
    (entry,) = audit_mark()
    assert entry.before["contact"]["end_date"] is None and "调离" in entry.reason
    page = client.get(reverse("registry:unit", args=[zjj.pk]))
    assert "缺网站管理员" in page.text
    # a closed tenure cannot be ended again
    assert client.post(url, {"end_date": "2020-10-02", "reason": "重复"}).status_code == 404


def test_timeline_shows_vacancies_between_tenures(as_user, zjj, make_contact):
    make_contact(zjj, name="赵磊", start=dt.date(2017, 1, 1), end=dt.date(2018, 1, 1))
    make_contact(zjj, name="张伟", start=dt.date(2018, 4, 1))
    page = as_user("t-office").get(reverse("registry:unit", args=[zjj.pk]))
    timeline = page.context["sections"][0]["timeline"]
    assert [(e.contact.name if e.contact else None, e.start) for e in timeline] == [
        ("张伟", dt.date(2018, 4, 1)),
        (None, dt.date(2018, 1, 1)),
        ("赵磊", dt.date(2017, 1, 1)),
    ]
    assert timeline[1].days == 90 and timeline[2].span_text == "1年"
