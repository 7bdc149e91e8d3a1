"""The units list (warnings, filters, constant queries), aliases and the CSV export."""

import csv
import datetime as dt
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.registry.models import Category, Contact, Duty, Unit, UnitAlias


def row_of(html: str, unit: Unit) -> str:
    found = re.search(rf'<tr id="unit-{unit.pk}">(.*?)</tr>', html, re.S)
    assert found, f"{unit.name} not in the list"
    return found.group(1)


def test_missing_administrator_is_flagged(as_user, zjj, tlz, make_contact):
    make_contact(zjj, Duty.WEBSITE, "张伟")
    make_contact(zjj, Duty.PLATFORM, "李娜")
    make_contact(tlz, Duty.PLATFORM, "王强")
    make_contact(tlz, Duty.WEBSITE, "赵磊", start=dt.date(2018, 1, 1), end=dt.date(2019, 1, 1))
    html = as_user("t-office").get(reverse("registry:units")).text
    complete, lacking = row_of(html, zjj), row_of(html, tlz)
    assert "张伟" in complete and "李娜" in complete and "缺" not in complete
    # a past administrator does not count: the post is vacant now
    assert "缺网站管理员" in lacking and "缺政务服务平台管理员" not in lacking
    assert "王强" in lacking and "赵磊" not in lacking


def test_filter_by_category_and_by_missing_administrator(as_user, zjj, tlz, make_contact):
    make_contact(zjj, Duty.WEBSITE, "张伟")
    make_contact(zjj, Duty.PLATFORM, "李娜")
    client = as_user("t-leader")
    towns = client.get(reverse("registry:units"), {"category": "township"})
    names = [r.unit.name for r in towns.context["rows"]]
    assert "托里镇人民政府" in names and zjj.name not in names
    assert len(names) == Unit.objects.filter(category__code="township").count()

    missing = client.get(reverse("registry:units"), {"missing": "1"}).context["rows"]
    assert tlz in [r.unit for r in missing] and zjj not in [r.unit for r in missing]
    assert len(missing) == Unit.objects.count() - 1

    everything = client.get(reverse("registry:units"), {"category": "no-such-thing"})
    assert len(everything.context["rows"]) == Unit.objects.count()


def test_aliases_and_short_names_are_listed(as_user, zjj):
    row = row_of(as_user("t-office").get(reverse("registry:units")).text, zjj)
    assert "精河县住房和城乡建设局" in row and "住建局" in row
    assert "住房和城乡建设局、县住建局" in row


def add_alias(client, unit, alias):
    return client.post(reverse("registry:alias_add", args=[unit.pk]), {"alias": alias})


def test_alias_is_added_and_audited(as_user, zjj, audit_mark):
    response = add_alias(as_user("t-office"), zjj, " 县 住建 ")
    assert response.status_code == 302
    assert UnitAlias.objects.filter(unit=zjj, alias="县住建").exists()
    (entry,) = audit_mark()
    assert entry.unit_id == zjj.pk and entry.after["alias"]["alias"] == "县住建"


def test_alias_conflicting_with_another_unit_is_refused(as_user, zjj, tlz, audit_mark):
    client = as_user("t-office")
    for taken in ("住建局", "县住建局", "精河县住房和城乡建设局", "县 住建局"):
        response = add_alias(client, tlz, taken)
        assert response.status_code == 200
        errors = response.context["form"].errors["alias"]
        assert errors == [
            f"“{taken.replace(' ', '')}”已是单位“精河县住房和城乡建设局”的名称或别名，不能重复。"
        ]
    response = add_alias(client, zjj, "住房和城乡建设局")
    assert "已是本单位" in response.context["form"].errors["alias"][0]
    assert not UnitAlias.objects.filter(unit=tlz).exists()
    assert audit_mark() == []


def test_alias_removal_is_audited(as_user, zjj, audit_mark):
    alias = UnitAlias.objects.get(alias="县住建局")
    client = as_user("t-admin")
    assert client.post(reverse("registry:alias_remove", args=[zjj.pk, alias.pk])).status_code == 302
    assert not UnitAlias.objects.filter(pk=alias.pk).exists()
    (entry,) = audit_mark()
    assert entry.before["alias"]["alias"] == "县住建局" and entry.after is None


def bulk_units(count: int) -> None:
    """More units, each with an alias and a current holder, so every prefetch has rows."""
    category = Category.objects.get(code="department")
    units = Unit.objects.bulk_create(
        Unit(
            name=f"测试单位{i:04d}", short_name=f"测{i:04d}", category=category, sort_order=1000 + i
        )
        for i in range(count)
    )
    UnitAlias.objects.bulk_create(UnitAlias(unit=u, alias=f"测试别名{u.pk}") for u in units)
    Contact.objects.bulk_create(
        Contact(unit=u, duty=Duty.WEBSITE, name=f"管理员{u.pk}", start_date=dt.date(2020, 1, 1))
        for u in units[::2]
    )


def queries_for_units_page(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("registry:units"))
    assert response.status_code == 200
    return len(captured), len(response.context["rows"])


def test_units_list_uses_a_constant_number_of_queries(as_user, zjj, make_contact, people):
    make_contact(zjj, Duty.WEBSITE, "张伟")
    client = as_user("t-office")
    client.post(
        reverse("registry:handover_add", args=[zjj.pk]),
        {"duty": Duty.WEBSITE, "name": "李娜", "date": "2020-11-13", "items": "账号"},
    )
    baseline, units = queries_for_units_page(client)
    assert units == Unit.objects.count() and 40 <= units < 50
    bulk_units(400 - units)
    scaled, units = queries_for_units_page(client)
    assert units == 400
    assert scaled == baseline, (baseline, scaled)
    assert baseline <= 10, baseline


def test_csv_export_of_current_contacts(as_user, zjj, tlz, make_contact):
    make_contact(zjj, Duty.WEBSITE, "张伟", phone="13912345678")
    make_contact(zjj, Duty.PLATFORM, "=HYPERLINK(1)")
    make_contact(zjj, Duty.LIAISON, "赵磊", start=dt.date(2018, 1, 1), end=dt.date(2019, 1, 1))
    make_contact(tlz, Duty.LEADER, "王强")
    response = as_user("t-leader").get(reverse("registry:contacts_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # so Excel and WPS read it as UTF-8
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["类别", "单位", "简称", "职责", "姓名", "联系电话", "任职日期", "状态"]
    zjj_rows = [r for r in rows if r[1] == zjj.name]
    assert [
        "县直部门",
        zjj.name,
        "住建局",
        "网站管理员",
        "张伟",
        "13912345678",
        "2019-03-01",
        "在任",
    ] in zjj_rows
    assert [r[4] for r in zjj_rows if r[3] == "政务服务平台管理员"] == ["'=HYPERLINK(1)"]
    assert not [r for r in rows if r[4] == "赵磊"]  # past tenures are not current contacts
    tlz_rows = {r[3]: r for r in rows if r[1] == tlz.name}
    assert tlz_rows["分管领导"][4] == "王强"
    assert tlz_rows["网站管理员"][7] == "空缺"  # vacant required posts are listed as such
    assert "政务公开联络员" not in tlz_rows  # optional vacant posts are not
    # every unit: its two required posts (held or vacant), plus 托里镇's 分管领导
    assert len(rows) - 1 == Unit.objects.count() * 2 + 1


def test_csv_export_follows_the_category_filter(as_user, zjj, tlz):
    response = as_user("t-office").get(reverse("registry:contacts_csv"), {"category": "township"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert {r[0] for r in rows[1:]} == {"乡镇场"}
    assert tlz.name in {r[1] for r in rows} and zjj.name not in {r[1] for r in rows}
