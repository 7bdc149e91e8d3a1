"""Bulk paste from Excel: checked whole, row-level errors, nothing written on any error."""

import pytest

from kaohe.assessment.models import LedgerEntry
from kaohe.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def bulk_url(campaign) -> str:
    return f"/campaigns/{campaign.code}/scoring/bulk/"


GOOD = (
    "托里镇\t1.4\t0.5\t政策解读不及时\thttps://a.example/t1\n"
    "县住建局\t3.3\t1\t栏目文章有错别字\t“住建动态”栏目截图\n"
    "财政局\t2\t2\t网上办件量少\thttps://a.example/t3\r\n"  # ythpt 2: unique among dsj's leaves
)


def test_a_good_paste_is_previewed_then_written_and_audited(open_campaign, login, people):
    client = login("scorer-dsj")
    before, audited = LedgerEntry.objects.count(), AuditRecord.objects.count()
    preview = client.post(bulk_url(open_campaign), {"rows": GOOD, "check": "1"})
    assert preview.status_code == 200
    assert "检查通过：将新增 3 条" in preview.content.decode()
    assert LedgerEntry.objects.count() == before
    written = client.post(bulk_url(open_campaign), {"rows": GOOD, "write": "1"})
    assert written.status_code == 302
    assert LedgerEntry.objects.count() == before + 3
    new = list(LedgerEntry.objects.order_by("-id")[:3])
    assert {e.author for e in new} == {people["scorer-dsj"]}
    assert {e.source for e in new} == {LedgerEntry.Source.MANUAL}
    assert {(e.unit.short_name, e.indicator.scorecard.code, e.indicator.code) for e in new} == {
        ("托里镇", "zwgk", "1.4"),
        ("住建局", "zwgk", "3.3"),
        ("财政局", "ythpt", "2"),
    }
    records = AuditRecord.objects.order_by("-seq")[:3]
    assert [r.action for r in records] == ["ledger.add"] * 3
    assert AuditRecord.objects.count() == audited + 3
    # The same paste again adds nothing: identical rows are skipped.
    again = client.post(bulk_url(open_campaign), {"rows": GOOD, "write": "1"})
    assert again.status_code == 200 and "没有需要写入的新记录" in again.content.decode()
    assert LedgerEntry.objects.count() == before + 3


def test_one_bad_row_writes_nothing_and_every_error_is_named(open_campaign, login):
    client = login("scorer-dsj")
    rows = (
        "单位\t指标编码\t分值\t原因\t证据\n"  # a header copied along
        "托里镇\t1.4\t0.5\t政策解读不及时\thttps://a.example/t1\n"
        "住建委\t3.3\t1\t错别字\thttps://a.example/t2\n"  # unknown unit
        "托里镇\t1.4\t9\t过多\thttps://a.example/t3\n"  # over 5 points
        "托里镇\t6\t1\t不是我的指标\thttps://a.example/t4\n"  # 市场监管局's indicator
        "托里镇\t1.1\t1\t\thttps://a.example/t5\n"  # no reason
        "托里镇\t1.2\t1\t无证据\t\n"  # no evidence
        "托里镇\t1.4\t0.5\t政策解读不及时\thttps://a.example/t1\n"  # duplicate of line 2
        "托里镇\t1.3\tabc\t原因\thttps://a.example/t8\n"  # not a number
        "托里镇\t1.3\t1\t原因\thttps://a.example/t9\t多余\n"  # an extra column
    )
    before = LedgerEntry.objects.count()
    response = client.post(bulk_url(open_campaign), {"rows": rows, "write": "1"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "未写入任何记录" in html
    for message in (
        "第3行“单位”列：未知单位“住建委”。",
        "第4行“分值”列：分值 9 超过指标“1.4”的分值 5。",
        "第5行“指标编码”列：“6”不是您可以评分的末级指标（或不存在）。",
        "第6行“原因”列：每条评分记录都必须写明原因。",
        "第7行“证据”列：扣分/赋分须附证据",
        "第8行：与第2行重复",
        "第9行“分值”列：不是有效的数字",
        "第10行：有 6 列，多于 5 列",
    ):
        assert message in html, message
    assert LedgerEntry.objects.count() == before


def test_the_office_must_choose_a_scorecard_for_an_ambiguous_code(open_campaign, login):
    client = login("office")
    rows = "财政局\t2\t1\t依申请公开答复超期\thttps://a.example/o1\n"
    ambiguous = client.post(bulk_url(open_campaign), {"rows": rows, "check": "1"})
    assert ambiguous.status_code == 422
    assert "在多张考核表中都有" in ambiguous.content.decode()
    chosen = client.post(bulk_url(open_campaign), {"rows": rows, "card": "zwgk", "check": "1"})
    assert chosen.status_code == 200 and "检查通过：将新增 1 条" in chosen.content.decode()
    with_column = "考核表\t单位\t指标编码\t分值\t原因\t证据\nythpt\t" + rows
    named = client.post(bulk_url(open_campaign), {"rows": with_column, "check": "1"})
    assert named.status_code == 200 and "网上办件应用" in named.content.decode()


def test_another_agency_cannot_paste_into_foreign_indicators(open_campaign, login):
    rows = "托里镇\t1.4\t0.5\t政策解读不及时\thttps://a.example/x\n"
    response = login("scorer-scjg").post(bulk_url(open_campaign), {"rows": rows, "write": "1"})
    assert response.status_code == 422
    assert "“1.4”不是您可以评分的末级指标" in response.content.decode()
