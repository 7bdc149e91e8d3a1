"""Review by the owning lead agency: who may see and decide, and what accepting does to the
ledger, the audit trail and the unit's score."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaohe.assessment.models import Campaign, LedgerEntry, Result
from kaohe.assessment.results import recompute
from kaohe.audit.models import AuditRecord
from kaohe.inspection.models import Finding
from kaohe.registry.names import UnitNames


def _finding(inspection, kind: str, **fields) -> Finding:
    found = [f for f in inspection.findings.filter(kind=kind) if fields.items() <= f.fields.items()]
    assert len(found) == 1, found
    return found[0]


def _zwgk_total(campaign, unit) -> Decimal:
    return Result.objects.get(campaign=campaign, unit=unit, group__scorecard__code="zwgk").total


def test_review_page_is_for_the_owning_agency(inspected, login):
    code = inspected.campaign.code
    url = reverse("inspection:review", args=[code])
    page = login("scorer-dsj").get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "保障性住房" in text and "部暑" in text and "138****5678" in text
    # units on no zwgk-enrolled row, or kinds without a rule, are not listed
    assert "暂无法验证" not in text
    # another agency's scorer has nothing to review here
    other = login("scorer-xzfw").get(url)
    assert other.status_code == 200 and "部暑" not in other.content.decode()
    assert login("unit-zjj").get(url).status_code == 403
    assert login("leader").get(url).status_code == 403
    assert login("office").get(url).status_code == 200


def test_only_the_owning_agency_decides(inspected, login):
    wording = _finding(inspected, "wording")
    code = inspected.campaign.code
    for action in ("accept", "reject", "ignore"):
        url = reverse(f"inspection:{action}", args=[code, wording.id])
        assert login("unit-zjj").post(url, {"reason": "x"}).status_code == 403
        assert login("leader").post(url, {"reason": "x"}).status_code == 403
        assert login("scorer-xzfw").post(url, {"reason": "x"}).status_code == 404
    wording.refresh_from_db()
    assert wording.status == Finding.Status.NEW
    assert not LedgerEntry.objects.filter(
        source=LedgerEntry.Source.ONLINE, evidence=wording.url
    ).exists()


def test_accept_writes_the_ledger_and_the_score_drops(inspected, login):
    campaign = inspected.campaign
    zjj = UnitNames().resolve("住建局")
    recompute(campaign)
    before = _zwgk_total(campaign, zjj)
    wording = _finding(inspected, "wording")
    url = reverse("inspection:accept", args=[campaign.code, wording.id])
    response = login("scorer-dsj").post(url, {"amount": "", "reason": ""})
    assert response.status_code == 302
    wording.refresh_from_db()
    entry = wording.ledger_entry
    assert (
        wording.status == Finding.Status.ACCEPTED and wording.reviewed_by.username == "scorer-dsj"
    )
    assert entry.source == LedgerEntry.Source.ONLINE
    assert entry.evidence == wording.url and wording.url.endswith("/col/zjj/a1.html")
    assert (entry.unit, entry.indicator.code, entry.amount) == (zjj, "3.3", Decimal("1.00"))
    assert "部暑" in entry.reason and "部署" in entry.reason and "2024-06-30" in entry.reason
    assert entry.author.username == "scorer-dsj"
    actions = set(AuditRecord.objects.filter(object_id__in=[str(entry.id), str(wording.id)]).values_list("action", flat=True))  # fmt: skip
    assert {"ledger.add", "inspection.accept"} <= actions
    assert _zwgk_total(campaign, zjj) == before - Decimal("1.00")
    # the unit sees it on its scorecard, and may open the archived page behind it
    portal = login("unit-zjj").get(reverse("portal:unit", args=[campaign.code, zjj.id]))
    assert portal.status_code == 200 and "部暑" in portal.content.decode()
    archive = reverse("inspection:evidence", args=[campaign.code, wording.id])
    assert (
        f'href="{archive}">核验时的页面存档' in portal.content.decode()
    )  # linked from the deduction
    evidence = login("unit-zjj").get(archive)
    assert evidence.status_code == 200
    # decided once only
    again = login("scorer-dsj").post(url, {"amount": "1"})
    assert again.status_code == 422 and "该发现已处理（已扣分）" in again.content.decode()
    assert LedgerEntry.objects.filter(evidence=wording.url, indicator__code="3.3").count() == 1


def test_no_double_deduction_for_one_page(inspected, login):
    """The wording error and the exposed phone number are on the same page and both count
    under 3.3: the ledger's no-double-deduction rule lets only one of them through."""
    code = inspected.campaign.code
    client = login("scorer-dsj")
    wording = _finding(inspected, "wording")
    phone = _finding(inspected, "privacy", rule="P002")
    assert client.post(reverse("inspection:accept", args=[code, wording.id])).status_code == 302
    response = client.post(reverse("inspection:accept", args=[code, phone.id]), {"amount": "2"})
    assert response.status_code == 422
    assert "不得重复扣分" in response.content.decode()
    phone.refresh_from_db()
    assert phone.status == Finding.Status.NEW and phone.ledger_entry is None


def test_amount_is_checked_against_the_indicator(inspected, login):
    code = inspected.campaign.code
    stale = _finding(inspected, "stale_column")
    response = login("scorer-dsj").post(reverse("inspection:accept", args=[code, stale.id]), {"amount": "99"})  # fmt: skip
    assert response.status_code == 422 and "超过" in response.content.decode()
    response = login("scorer-dsj").post(
        reverse("inspection:accept", args=[code, stale.id]),
        {"amount": "２.5", "reason": "栏目长期未更新"},
    )
    assert response.status_code == 302
    stale.refresh_from_db()
    assert (
        stale.ledger_entry.amount == Decimal("2.50")
        and stale.ledger_entry.reason == "栏目长期未更新"
    )
    assert stale.ledger_entry.indicator.code == "1.3"


def test_reject_needs_a_reason(inspected, login):
    code = inspected.campaign.code
    empty = _finding(inspected, "empty_column")
    url = reverse("inspection:reject", args=[code, empty.id])
    assert login("scorer-dsj").post(url, {"reason": ""}).status_code == 422
    assert login("scorer-dsj").post(url, {"reason": "该栏目已撤并"}).status_code == 302
    empty.refresh_from_db()
    assert (empty.status, empty.review_reason, empty.ledger_entry) == (
        "rejected",
        "该栏目已撤并",
        None,
    )
    assert AuditRecord.objects.filter(action="inspection.reject", object_id=str(empty.id)).exists()


def test_no_deduction_once_published(inspected, login):
    Campaign.objects.filter(pk=inspected.campaign.pk).update(status=Campaign.Status.PUBLISHED)
    wording = _finding(inspected, "wording")
    response = login("scorer-dsj").post(
        reverse("inspection:accept", args=[inspected.campaign.code, wording.id])
    )
    assert response.status_code == 403
    assert not LedgerEntry.objects.filter(evidence=wording.url).exists()


@pytest.mark.parametrize("username", ["office", "leader"])
def test_staff_and_leaders_see_runs(inspected, login, username):
    url = reverse("inspection:run", args=[inspected.campaign.code, inspected.id])
    assert login(username).get(url).status_code == 200
    assert login("unit-zjj").get(url).status_code == 403
