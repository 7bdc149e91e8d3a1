"""Appeals: the window, the evidence rules, and the office's decision carried into the ledger."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kaohe.assessment.models import LedgerEntry, Result
from kaohe.audit.models import AuditRecord
from kaohe.portal.models import Appeal

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def totals(campaign, unit) -> dict[str, Decimal]:
    """The unit's stored totals by group (scorecard groups and the overall one)."""
    rows = Result.objects.filter(campaign=campaign, unit=unit).select_related("group__scorecard")
    return {(r.group.scorecard.code if r.group.scorecard else "综合"): r.total for r in rows}


def appeal(client, paths, unit, entry, text="该栏目已于10月更新，附截图。", **extra):
    data = {f"a{entry.id}-text": text}
    data.update({f"a{entry.id}-{k}": v for k, v in extra.items()})
    return client.post(paths(unit, entry)["appeal"], data)


def decide(client, campaign, found: Appeal, decision, reason="经核查属实", amount=""):
    return client.post(
        f"/campaigns/{campaign.code}/appeals/{found.id}/decide/",
        {
            f"d{found.id}-decision": decision,
            f"d{found.id}-reason": reason,
            f"d{found.id}-new_amount": amount,
        },
    )


@pytest.mark.parametrize("status", ["draft", "scoring", "review", "approved", "published"])
def test_no_appeal_outside_the_appeal_state(as_user, phase, zjj, paths, entry_of, status):
    phase(status)
    entry = entry_of(zjj)
    response = appeal(as_user("p-zjj"), paths, zjj, entry)
    assert response.status_code == 403
    assert "只有在“公示与复核”阶段才能申请复核" in response.content.decode()
    assert not Appeal.objects.exists()


def test_no_appeal_after_the_deadline(as_user, phase, zjj, paths, entry_of):
    phase("appeal", deadline=timezone.now() - dt.timedelta(minutes=1))
    entry = entry_of(zjj)
    response = appeal(as_user("p-zjj"), paths, zjj, entry)
    assert response.status_code == 403
    assert "复核申请已于" in response.content.decode()
    assert "截止" in response.content.decode()
    assert not Appeal.objects.exists()
    # and the page offers no form
    page = as_user("p-zjj").get(paths(zjj)["unit"]).content.decode()
    assert "提交复核申请" not in page


def test_unit_appeals_within_the_window(as_user, phase, campaign, zjj, paths, entry_of):
    phase("appeal")
    client = as_user("p-zjj")
    entry = entry_of(zjj)
    assert "提交复核申请" in client.get(paths(zjj)["unit"]).content.decode()
    response = appeal(client, paths, zjj, entry, evidence_url="https://www.jinghe.gov.cn/zdly/1")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#entry-{entry.id}")
    found = Appeal.objects.get(entry=entry)
    assert (found.unit, found.status, found.submitted_by.username) == (zjj, "open", "p-zjj")
    record = AuditRecord.objects.get(action="appeal.submit", object_id=str(found.id))
    assert record.unit_id == zjj.id and record.actor_name == "p-zjj"
    # once per entry
    response = appeal(client, paths, zjj, entry)
    assert response.status_code == 302 and Appeal.objects.filter(entry=entry).count() == 1
    # only a unit user files appeals
    assert appeal(as_user("p-office"), paths, zjj, entry_of(zjj, "ythpt")).status_code == 403


def test_appeal_needs_a_reason(as_user, phase, zjj, paths, entry_of):
    phase("appeal")
    entry = entry_of(zjj)
    response = appeal(as_user("p-zjj"), paths, zjj, entry, text="   ")
    assert response.status_code == 400
    assert "请填写" in response.content.decode()
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("截图.png", PNG, True),
        ("照片.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 32, True),
        ("说明.pdf", b"%PDF-1.7\n" + b"\0" * 32, True),
        ("说明.docx", docx_bytes(), True),
        ("说明.pdf", b"MZ\x90\x00" + b"\0" * 32, False),  # an executable called .pdf
        ("说明.pdf", b"<html><script>alert(1)</script>", False),
        ("说明.pdf", PNG, False),  # real PNG, wrong name
        ("说明.xlsx", docx_bytes(), False),  # a Word file called .xlsx
        ("说明.zip", b"PK\x03\x04" + b"\0" * 32, False),
    ],
)
def test_evidence_files_are_checked_by_content(
    as_user, phase, zjj, paths, entry_of, name, content, ok
):
    phase("appeal")
    entry = entry_of(zjj)
    upload = SimpleUploadedFile(name, content)
    response = appeal(as_user("p-zjj"), paths, zjj, entry, evidence_file=upload)
    assert response.status_code == (302 if ok else 400)
    assert Appeal.objects.filter(entry=entry).exists() is ok
    if ok:
        assert Appeal.objects.get(entry=entry).evidence_name == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("说明.pdf", PNG, "与文件内容（PNG）不符，请改用扩展名 .png。"),
        (
            "说明.pdf",
            b"\xff\xd8\xff\xe0" + b"\0" * 32,
            "与文件内容（JPEG）不符，请改用扩展名 .jpg。",
        ),
        ("说明.xlsx", docx_bytes(), "与文件内容（DOCX）不符，请改用扩展名 .docx。"),
        ("说明.pdf", b"<html><script>alert(1)</script>", "该文件的内容不是其中任何一种"),
    ],
)
def test_a_refused_evidence_file_says_what_it_really_is(
    as_user, phase, zjj, paths, entry_of, name, content, message
):
    phase("appeal")
    entry = entry_of(zjj)
    upload = SimpleUploadedFile(name, content)
    response = appeal(as_user("p-zjj"), paths, zjj, entry, evidence_file=upload)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_evidence_file_over_10_mb_is_refused(as_user, phase, zjj, paths, entry_of):
    phase("appeal")
    entry = entry_of(zjj)
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    response = appeal(as_user("p-zjj"), paths, zjj, entry, evidence_file=big)
    assert response.status_code == 400
    assert "10 MB" in response.content.decode()
    assert not Appeal.objects.exists()


def test_evidence_link_must_be_http(as_user, phase, zjj, paths, entry_of):
    phase("appeal")
    entry = entry_of(zjj)
    response = appeal(as_user("p-zjj"), paths, zjj, entry, evidence_url="javascript:alert(1)")
    assert response.status_code == 400
    assert not Appeal.objects.exists()


@pytest.fixture
def filed(as_user, phase, zjj, paths, entry_of) -> Appeal:
    phase("appeal")
    entry = entry_of(zjj)
    appeal(as_user("p-zjj"), paths, zjj, entry)
    return Appeal.objects.select_related("entry").get(entry=entry)


@pytest.mark.parametrize("new_amount", [Decimal("0.3"), Decimal(0)])
def test_office_changes_a_deduction(as_user, campaign, zjj, filed, paths, new_amount):
    entry = filed.entry
    before = totals(campaign, zjj)
    since = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = decide(as_user("p-office"), campaign, filed, "changed", amount=str(new_amount))
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == "changed" and filed.new_amount == new_amount
    assert filed.decided_by.username == "p-office" and filed.decided_at
    # the entry is untouched, reversed, and replaced when something remains
    reversal = LedgerEntry.objects.get(reverses=entry)
    assert (reversal.amount, reversal.weight) == (-entry.amount, -1)
    assert filed.reversal == reversal
    if new_amount:
        assert filed.replacement.amount == new_amount
        assert filed.replacement.reason.startswith("复核调整：")
    else:
        assert filed.replacement is None
    # the stored results follow (recompute), on the scorecard and overall
    after = totals(campaign, zjj)
    gain = entry.amount - new_amount
    assert after["zwgk"] == before["zwgk"] + gain
    assert after["综合"] == before["综合"] + gain  # the demo combines by the first scorecard
    assert after["ythpt"] == before["ythpt"]
    # the audit trail has the appeal, the decision and the ledger changes
    actions = set(
        AuditRecord.objects.filter(unit=zjj, seq__gt=since).values_list("action", flat=True)
    )
    assert {"appeal.decide", "ledger.reverse"} <= actions
    assert ("ledger.add" in actions) is bool(new_amount)
    decision = AuditRecord.objects.get(action="appeal.decide", object_id=str(filed.id))
    assert decision.reason == "经核查属实" and decision.after["status"] == "changed"
    # the unit reads the decision next to the deduction
    page = as_user("p-zjj").get(paths(zjj)["unit"]).content.decode()
    assert "经核查属实" in page and "已撤销" in page
    # and it cannot be decided twice
    again = decide(as_user("p-office"), campaign, filed, "upheld", reason="再议")
    assert again.status_code == 302
    filed.refresh_from_db()
    assert filed.status == "changed"


def test_upheld_changes_nothing(as_user, campaign, zjj, filed):
    before = totals(campaign, zjj)
    ledger = LedgerEntry.objects.count()
    response = decide(as_user("p-admin"), campaign, filed, "upheld", reason="栏目确未按时更新")
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == "upheld" and filed.new_amount is None
    assert totals(campaign, zjj) == before
    assert LedgerEntry.objects.count() == ledger
    assert AuditRecord.objects.filter(action="appeal.decide", object_id=str(filed.id)).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "changed", "amount": "", "reason": "属实"}, "必须填写调整后分值"),
        ({"decision": "changed", "amount": "-1", "reason": "属实"}, "不能为负数"),
        ({"decision": "changed", "amount": "999", "reason": "属实"}, "不能超过"),
        ({"decision": "changed", "amount": "0.5", "reason": ""}, "请填写复核意见"),
        ({"decision": "upheld", "amount": "", "reason": ""}, "请填写复核意见"),
        ({"decision": "maybe", "amount": "", "reason": "属实"}, "选择"),
    ],
)
def test_bad_decisions_change_nothing(as_user, campaign, zjj, filed, data, message):
    before = totals(campaign, zjj)
    response = decide(
        as_user("p-office"), campaign, filed, data["decision"], data["reason"], data["amount"]
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == "open"
    assert totals(campaign, zjj) == before


def test_full_width_amount_is_read(as_user, campaign, filed):
    response = decide(as_user("p-office"), campaign, filed, "changed", amount="０.５")
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.new_amount == Decimal("0.5")


@pytest.mark.parametrize("username", ["p-zjj", "p-tlz", "p-leader", "p-scorer"])
def test_only_office_and_admin_decide(as_user, campaign, filed, username):
    response = decide(as_user(username), campaign, filed, "changed", amount="0")
    assert response.status_code == 403
    filed.refresh_from_db()
    assert filed.status == "open"


def test_no_decision_once_approved_or_published(as_user, phase, campaign, filed):
    for status in ("approved", "published"):
        phase(status)
        response = decide(as_user("p-office"), campaign, filed, "changed", amount="0")
        assert response.status_code == 403
        assert "复核决定只能在“公示与复核”阶段作出" in response.content.decode()
        filed.refresh_from_db()
        assert filed.status == "open"


def test_appeals_list_shows_open_first(as_user, phase, campaign, zjj, tlz, paths, entry_of):
    phase("appeal")
    appeal(as_user("p-zjj"), paths, zjj, entry_of(zjj), text="住建局的申请")
    appeal(as_user("p-tlz"), paths, tlz, entry_of(tlz), text="托里镇的申请")
    first = Appeal.objects.get(unit=zjj)
    decide(as_user("p-office"), campaign, first, "upheld", reason="维持")
    page = as_user("p-office").get(paths(zjj)["appeals"]).content.decode()
    assert page.index("托里镇的申请") < page.index("住建局的申请")
    assert as_user("p-leader").get(paths(zjj)["appeals"]).status_code == 200
    assert as_user("p-zjj").get(paths(zjj)["appeals"]).status_code == 403
