"""A run through the platform checks each article's text as of its publication date: an old
agency name is an error only on pages published after the reform, a leader's title only
against the roster's tenure on that date; the finding shows the date it was judged by."""

import datetime as dt

from django.urls import reverse
from kaohe_inspection_testutil import listing, page

from kaohe.registry.models import LeaderTenure
from kaohe.registry.names import UnitNames

LEADER = "李四（示例）"


def _plant(planted) -> None:
    """Four 住建局 articles behind the stale column's list (its newest entry stays 2023-01-02)."""
    planted.pages["/col/zjj/"] = (200, page("住建局重点领域", listing([
        ("保障性住房分配公示", "/col/zjj/a1.html", "2023-01-02"),
        ("执法检查（2020年）", "/col/zjj/old-name-2020.html", "2020-03-15"),
        ("执法检查（2018年）", "/col/zjj/old-name-2018.html", "2018-06-01"),
        ("常务会议（2020年）", "/col/zjj/leader-2020.html", "2020-05-06"),
        ("常务会议（2022年）", "/col/zjj/leader-2022.html", "2022-03-01"),
    ])))  # fmt: skip
    text = "<p>县环保局对全县建筑工地开展执法检查。</p>"
    planted.pages["/col/zjj/old-name-2020.html"] = (
        200, page("执法检查", "<p>发布时间：2020-03-15 来源：住建局</p>" + text),
    )  # fmt: skip
    planted.pages["/col/zjj/old-name-2018.html"] = (
        200,
        "<html><head><meta charset='utf-8'><meta name='PubDate' content='2018-06-01 10:00'>"
        f"<title>执法检查</title></head><body>{text}</body></html>",
    )
    meeting = f"<p>县长{LEADER}主持召开常务会议。</p>"
    planted.pages["/col/zjj/leader-2020.html"] = (
        200, page("常务会议", "<p>发布日期：2020年5月6日</p>" + meeting),
    )  # fmt: skip
    planted.pages["/col/zjj/leader-2022.html"] = (
        200, page("常务会议", "<p>发布日期：2022年3月1日</p>" + meeting),
    )  # fmt: skip


def test_date_bound_rules_judge_each_page_by_its_date(run_inspection, planted, login):
    LeaderTenure.objects.create(
        name=LEADER, title="县长", start=dt.date(2019, 1, 5), end=dt.date(2021, 8, 31)
    )
    _plant(planted)
    inspection = run_inspection()
    assert inspection.status == "done", inspection.errors
    wording = list(inspection.findings.filter(kind="wording").select_related("unit", "column"))

    def on(rule: str) -> dict:
        return {f.url.rsplit("/", 1)[1]: f for f in wording if f.fields["rule"] == rule}

    renamed = on("RA055")
    assert set(renamed) == {"old-name-2020.html"}  # the 2018 page used the name of its time
    found = renamed["old-name-2020.html"]
    assert found.fields["page_date"] == "2020-03-15" and found.fields["severity"] == "error"
    assert found.unit == UnitNames().resolve("住建局") and found.column.name == "保障性住房"
    leader = on("L001")
    assert set(leader) == {"leader-2022.html"}  # 2020: 李四 was 县长; 2022: he had left
    assert leader["leader-2022.html"].fields["page_date"] == "2022-03-01"
    # the typo on the undated article is still found, undated
    [typo] = [f for f in wording if f.fields["rule"] == "TY002"]
    assert typo.fields["page_date"] is None

    client = login("office")
    code = inspection.campaign.code
    shown = client.get(reverse("inspection:finding", args=[code, found.id])).content.decode()
    assert "页面日期 2020-03-15" in shown
    listed = client.get(reverse("inspection:run", args=[code, inspection.id]) + "?kind=wording")
    assert "页面日期 2022-03-01" in listed.content.decode()
    assert "页面无日期" in listed.content.decode()
