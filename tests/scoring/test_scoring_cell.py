"""One cell: adding with evidence, uploads checked by content, reversal, concurrency, freezing."""

import io
import zipfile
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from kaohe_scoring_testutil import HTMX, cell_url, leaf, unit, version_in

from kaohe.assessment.models import Campaign, Indicator, LedgerEntry, Result
from kaohe.assessment.results import compute
from kaohe.audit.models import AuditRecord
from kaohe.audit.trail import verify
from kaohe.registry.models import Unit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program"


class Target(NamedTuple):
    town: Unit
    indicator: Indicator
    url: str
    version: int  # the cell's newest entry id before the test
    count: int  # the cell's entries before the test


@pytest.fixture
def target(open_campaign) -> Target:
    """A township and one of 大数据中心's deduct indicators (政策解读, 5 points)."""
    town, indicator = unit("托里镇"), leaf(open_campaign, "zwgk", "1.4")
    found = entries(open_campaign, town, indicator)
    return Target(
        town,
        indicator,
        cell_url(open_campaign, town, indicator),
        found.order_by("-id").values_list("id", flat=True).first() or 0,
        found.count(),
    )


def cell_score(campaign: Campaign, town, indicator) -> Decimal:
    for outcome in compute(campaign).values():
        if outcome.group.scorecard_id == indicator.scorecard_id and town.pk in outcome.scores:
            return outcome.scores[town.pk].by_indicator[indicator.pk]
    raise AssertionError("unit not scored")


def stored_total(campaign, town) -> Decimal:
    return Result.objects.get(campaign=campaign, unit=town, group__scorecard__code="zwgk").total


def entries(campaign, town, indicator):
    return LedgerEntry.objects.filter(campaign=campaign, unit=town, indicator=indicator)


def test_the_cell_lists_its_entries_and_carries_its_version(open_campaign, login):
    town, indicator = unit("八家户农场"), leaf(open_campaign, "zwgk", "3.2")
    client = login("scorer-dsj")
    full = client.get(cell_url(open_campaign, town, indicator))
    assert full.status_code == 200 and "<html" in full.content.decode()
    partial = client.get(cell_url(open_campaign, town, indicator), headers=HTMX)
    html = partial.content.decode()
    assert "<html" not in html
    newest = entries(open_campaign, town, indicator).latest("id")
    assert newest.reason in html and "网上核验" in html
    assert version_in(html) == newest.pk
    assert 'hx-swap-oob="true"' in html  # the matrix cell is refreshed alongside


def test_add_with_an_evidence_url(open_campaign, login, target, people):
    town, indicator, url, *_ = target
    client = login("scorer-dsj")
    before_total = stored_total(open_campaign, town)
    version = version_in(client.get(url, headers=HTMX).content.decode())
    response = client.post(
        url,
        {
            "amount": "１.５",  # full-width digits, as a Chinese IME types them
            "reason": "政策文件发布后未同步解读",
            "evidence": "https://www.jinghe.gov.cn/zcjd/2020/123.html",
            "version": version,
        },
        headers=HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    entry = LedgerEntry.objects.latest("id")
    assert (entry.unit, entry.indicator, entry.amount) == (town, indicator, Decimal("1.5"))
    assert entry.source == LedgerEntry.Source.MANUAL and entry.author == people["scorer-dsj"]
    assert entry.evidence.endswith("123.html") and not entry.evidence_file
    html = response.content.decode()
    assert "政策文件发布后未同步解读" in html and f"已记录第 {entry.pk} 号" in html
    assert version_in(html) == entry.pk
    # recomputed: the stored total and the cell's score both dropped by 1.5
    assert stored_total(open_campaign, town) == before_total - Decimal("1.5")
    assert f'id="c-{town.pk}-{indicator.pk}" class="cell deducted"' in html
    audit = AuditRecord.objects.latest("seq")
    assert (audit.action, audit.actor_name, audit.object_id) == (
        "ledger.add",
        "scorer-dsj",
        str(entry.pk),
    )
    assert audit.after["amount"] == "1.50" and audit.before["version"] == version
    assert audit.reason == "政策文件发布后未同步解读"
    assert verify() == []


def test_add_with_an_uploaded_pdf(open_campaign, login, target):
    town, indicator, url, *_ = target
    client = login("scorer-dsj")
    upload = SimpleUploadedFile("截图说明.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url,
        {
            "amount": "0.5",
            "reason": "解读材料缺失",
            "evidence_file": upload,
            "version": target.version,
        },
        headers=HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    entry = LedgerEntry.objects.latest("id")
    assert entry.evidence_file.name.startswith("evidence/") and entry.evidence == ""
    download = client.get(f"/campaigns/{open_campaign.code}/scoring/entry/{entry.pk}/evidence/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    # Another agency's scorer may not fetch it.
    other = login("scorer-scjg")
    assert (
        other.get(f"/campaigns/{open_campaign.code}/scoring/entry/{entry.pk}/evidence/").status_code
        == 404
    )


def test_an_executable_renamed_pdf_is_refused(open_campaign, login, target):
    town, indicator, url, *_ = target
    upload = SimpleUploadedFile("证据.pdf", EXE, content_type="application/pdf")
    response = login("scorer-dsj").post(
        url,
        {"amount": "0.5", "reason": "x", "evidence_file": upload, "version": target.version},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "不是真正的 PDF 文件" in response.content.decode()
    assert entries(open_campaign, town, indicator).count() == target.count


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tool.exe", EXE, "不支持的文件类型“.exe”"),
        ("photo.png", b"\xff\xd8\xff\xe0JFIF", "不是真正的 PNG 文件"),
        ("table.xlsx", b"PK\x03\x04not really a zip", "不是真正的 XLSX 文件"),
    ],
)
def test_uploads_must_be_what_their_extension_says(
    open_campaign, login, target, name, data, message
):
    town, indicator, url, *_ = target
    upload = SimpleUploadedFile(name, data)
    response = login("scorer-dsj").post(
        url,
        {"amount": "0.5", "reason": "x", "evidence_file": upload, "version": target.version},
        headers=HTMX,
    )
    assert response.status_code == 422 and message in response.content.decode()


def test_real_office_files_and_images_pass(open_campaign, login, target):
    town, indicator, url, *_ = target
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    client = login("scorer-dsj")
    for n, (name, data) in enumerate(
        [("通知.docx", docx.getvalue()), ("网页截图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)]
    ):
        version = (
            entries(open_campaign, town, indicator)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
            or 0
        )
        upload = SimpleUploadedFile(name, data)
        response = client.post(
            url,
            {"amount": "0.5", "reason": f"第{n}条", "evidence_file": upload, "version": version},
            headers=HTMX,
        )
        assert response.status_code == 200, response.content.decode()
    assert entries(open_campaign, town, indicator).count() == target.count + 2


def test_an_oversize_file_is_refused(open_campaign, login, target):
    town, indicator, url, *_ = target
    big = SimpleUploadedFile("扫描件.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = login("scorer-dsj").post(
        url,
        {"amount": "0.5", "reason": "x", "evidence_file": big, "version": target.version},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "不能超过 10 MB" in response.content.decode()
    assert entries(open_campaign, town, indicator).count() == target.count


@pytest.mark.parametrize(
    ("amount", "reason", "evidence", "message"),
    [
        ("6", "x", "https://a.example/1", "分值 6 超过指标“1.4”的分值 5。"),
        ("-1", "x", "https://a.example/1", "不能为负数"),
        ("abc", "x", "https://a.example/1", "不是有效的数字"),
        ("0.125", "x", "https://a.example/1", "最多保留两位小数"),
        ("1", "", "https://a.example/1", "请写明原因"),
        ("1", "x", "", "须附证据"),
        ("1", "x", "javascript:alert(1)", "请填写以 http:// 或 https:// 开头的网址"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    open_campaign, login, target, amount, reason, evidence, message
):
    town, indicator, url, *_ = target
    response = login("scorer-dsj").post(
        url,
        {"amount": amount, "reason": reason, "evidence": evidence, "version": target.version},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert entries(open_campaign, town, indicator).count() == target.count


def test_the_same_evidence_is_not_deducted_twice(open_campaign, login, target):
    town, indicator, url, *_ = target
    client = login("scorer-dsj")
    data = {"amount": "1", "reason": "未解读", "evidence": "https://a.example/p.html"}
    assert client.post(url, data | {"version": target.version}, headers=HTMX).status_code == 200
    first = LedgerEntry.objects.latest("id")
    again = client.post(url, data | {"reason": "又一次", "version": first.pk}, headers=HTMX)
    assert again.status_code == 422
    assert f"该证据已在第 {first.pk} 号记录中用于本指标" in again.content.decode()
    assert entries(open_campaign, town, indicator).count() == target.count + 1


def test_reversal_restores_the_score(open_campaign, login, target):
    town, indicator, url, *_ = target
    client = login("scorer-dsj")
    original_score, original_total = (
        cell_score(open_campaign, town, indicator),
        stored_total(open_campaign, town),
    )
    client.post(
        url,
        {
            "amount": "2",
            "reason": "解读滞后",
            "evidence": "https://a.example/j",
            "version": target.version,
        },
        headers=HTMX,
    )
    entry = LedgerEntry.objects.latest("id")
    assert cell_score(open_campaign, town, indicator) == original_score - 2
    reverse = f"/campaigns/{open_campaign.code}/scoring/entry/{entry.pk}/reverse/"
    missing = client.post(reverse, {"reason": "", "version": entry.pk}, headers=HTMX)
    assert missing.status_code == 422 and "请写明撤销或更正的原因" in missing.content.decode()
    response = client.post(
        reverse, {"reason": "经核实已按时解读", "version": entry.pk}, headers=HTMX
    )
    assert response.status_code == 200, response.content.decode()
    reversal = LedgerEntry.objects.latest("id")
    assert (reversal.reverses, reversal.amount, reversal.weight) == (entry, Decimal("-2"), -1)
    assert cell_score(open_campaign, town, indicator) == original_score
    assert stored_total(open_campaign, town) == original_total
    html = response.content.decode()
    assert f"已撤销第 {entry.pk} 号记录" in html and f"已撤销（第 {reversal.pk} 号）" in html
    audit = AuditRecord.objects.latest("seq")
    assert audit.action == "ledger.reverse" and audit.reason == "经核实已按时解读"
    assert audit.before["id"] == entry.pk and audit.after["reverses"] == entry.pk
    # A reversed entry cannot be reversed again, nor a reversal itself.
    twice = client.post(reverse, {"reason": "再撤", "version": reversal.pk}, headers=HTMX)
    assert twice.status_code == 422 and "已被撤销" in twice.content.decode()


def test_edit_is_reverse_plus_the_new_amount(open_campaign, login, target):
    town, indicator, url, *_ = target
    client = login("scorer-dsj")
    base = cell_score(open_campaign, town, indicator)
    client.post(
        url,
        {
            "amount": "2",
            "reason": "解读滞后",
            "evidence": "https://a.example/j",
            "version": target.version,
        },
        headers=HTMX,
    )
    entry = LedgerEntry.objects.latest("id")
    reverse = f"/campaigns/{open_campaign.code}/scoring/entry/{entry.pk}/reverse/"
    too_much = client.post(
        reverse, {"reason": "改", "amount": "9", "version": entry.pk}, headers=HTMX
    )
    assert too_much.status_code == 422 and "超过指标" in too_much.content.decode()
    response = client.post(
        reverse, {"reason": "按细则应扣 0.5 分", "amount": "0.5", "version": entry.pk}, headers=HTMX
    )
    assert response.status_code == 200, response.content.decode()
    reversal, replacement = LedgerEntry.objects.order_by("-id")[1], LedgerEntry.objects.latest("id")
    assert reversal.reverses == entry and replacement.amount == Decimal("0.5")
    assert replacement.reverses is None and "更正第" in replacement.reason
    assert cell_score(open_campaign, town, indicator) == base - Decimal("0.5")
    actions = list(AuditRecord.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["ledger.add", "ledger.reverse"]


def test_two_scorers_never_silently_overwrite_each_other(open_campaign, login, target):
    town, indicator, url, *_ = target
    first, second = login("scorer-dsj"), login("office")
    v1 = version_in(first.get(url, headers=HTMX).content.decode())
    v2 = version_in(second.get(url, headers=HTMX).content.decode())
    assert v1 == v2
    before = LedgerEntry.objects.count()
    ok = first.post(
        url,
        {"amount": "1", "reason": "甲：解读滞后", "evidence": "https://a.example/a", "version": v1},
        headers=HTMX,
    )
    assert ok.status_code == 200
    clash = second.post(
        url,
        {"amount": "3", "reason": "乙：未解读", "evidence": "https://a.example/b", "version": v2},
        headers=HTMX,
    )
    assert clash.status_code == 409
    html = clash.content.decode()
    assert "其他人刚刚修改了这个单元格，您的提交没有保存" in html
    assert "甲：解读滞后" in html  # the current entries are shown
    assert version_in(html) == LedgerEntry.objects.latest("id").pk  # ready for a deliberate retry
    assert "乙：未解读" in html  # what the second scorer typed is kept in the form
    assert LedgerEntry.objects.count() == before + 1
    # A reversal against a stale version is refused the same way.
    entry = LedgerEntry.objects.latest("id")
    stale = second.post(
        f"/campaigns/{open_campaign.code}/scoring/entry/{entry.pk}/reverse/",
        {"reason": "撤销", "version": v2},
        headers=HTMX,
    )
    assert stale.status_code == 409
    assert LedgerEntry.objects.count() == before + 1


@pytest.mark.parametrize(
    "status", [Campaign.Status.PUBLISHED, Campaign.Status.DRAFT, Campaign.Status.APPEAL]
)
def test_a_closed_campaign_refuses_writes(open_campaign, login, target, status):
    town, indicator, url, *_ = target
    existing = entries(open_campaign, town, indicator).first()
    open_campaign.status = status
    open_campaign.save(update_fields=["status"])
    client = login("scorer-dsj")
    shown = client.get(url, headers=HTMX)
    assert shown.status_code == 200 and 'class="entry-form"' not in shown.content.decode()
    before = LedgerEntry.objects.count()
    data = {
        "amount": "1",
        "reason": "x",
        "evidence": "https://a.example/c",
        "version": target.version,
    }
    refused = client.post(url, data, headers=HTMX)
    assert refused.status_code == 403
    assert "不能评分" in refused.content.decode() or "已冻结" in refused.content.decode()
    reverse = f"/campaigns/{open_campaign.code}/scoring/entry/{existing.pk}/reverse/"
    assert (
        client.post(reverse, {"reason": "x", "version": target.version}, headers=HTMX).status_code
        == 403
    )
    bulk = f"/campaigns/{open_campaign.code}/scoring/bulk/"
    assert (
        client.post(bulk, {"rows": "托里镇\t1.4\t1\t原因\t证据", "write": "1"}).status_code == 403
    )
    assert LedgerEntry.objects.count() == before


def test_posts_need_the_csrf_token(open_campaign, people, target):
    town, indicator, url, *_ = target
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["scorer-dsj"])
    data = {
        "amount": "1",
        "reason": "x",
        "evidence": "https://a.example/c",
        "version": target.version,
    }
    assert client.post(url, data, headers=HTMX).status_code == 403
    assert entries(open_campaign, town, indicator).count() == target.count
    page = client.get(url, headers=HTMX)
    token = (
        page.cookies["csrftoken"].value
        if "csrftoken" in page.cookies
        else client.cookies["csrftoken"].value
    )
    posted = client.post(url, data, headers=HTMX | {"X-CSRFToken": token})
    assert posted.status_code == 200


def test_without_htmx_a_post_redirects_to_the_cell_page(open_campaign, login, target):
    town, indicator, url, *_ = target
    client = login("scorer-dsj")
    data = {
        "amount": "1",
        "reason": "无脚本提交",
        "evidence": "https://a.example/n",
        "version": target.version,
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "无脚本提交" in page and "已记录第" in page
