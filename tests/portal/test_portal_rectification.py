"""Rectification (对号入座) after publication, verified by the office; results stay frozen."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.assessment.models import Result
from kaohe.audit.models import AuditRecord
from kaohe.portal.models import Rectification
from kaohe.registry.names import UnitNames

pytestmark = pytest.mark.django_db


def rectify(client, paths, unit, entry, text="已于11月20日更新重点领域栏目。", **extra):
    data = {f"r{entry.id}-text": text}
    data.update({f"r{entry.id}-{k}": v for k, v in extra.items()})
    return client.post(paths(unit, entry)["rectify"], data)


def verify(client, campaign, rect, note="已核实"):
    return client.post(
        f"/campaigns/{campaign.code}/rectifications/{rect.id}/verify/", {f"v{rect.id}-note": note}
    )


@pytest.mark.parametrize("status", ["scoring", "review", "appeal", "approved"])
def test_no_rectification_before_publication(as_user, phase, zjj, paths, entry_of, status):
    phase(status)
    entry = entry_of(zjj)
    response = rectify(as_user("p-zjj"), paths, zjj, entry)
    assert response.status_code == 403
    assert "发布后报送" in response.content.decode()
    assert not Rectification.objects.exists()


def test_rectification_after_publication_and_verification(
    as_user, phase, campaign, zjj, paths, entry_of
):
    phase("published")
    results = list(
        Result.objects.filter(campaign=campaign).values_list("unit", "group", "total", "grade")
    )
    entry = entry_of(zjj)
    client = as_user("p-zjj")
    page = client.get(paths(zjj)["unit"]).content.decode()
    assert "报送整改情况" in page and "申请复核" not in page
    pdf = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.7\n" + b"\0" * 40)
    response = rectify(client, paths, zjj, entry, evidence_file=pdf)
    assert response.status_code == 302
    rect = Rectification.objects.get(entry=entry)
    assert (rect.unit, rect.submitted_by.username, rect.verified_at) == (zjj, "p-zjj", None)
    assert AuditRecord.objects.filter(
        action="rectification.submit", object_id=str(rect.id)
    ).exists()

    # a unit cannot verify, nor can the leader
    for username in ("p-zjj", "p-leader"):
        assert verify(as_user(username), campaign, rect).status_code == 403
    rect.refresh_from_db()
    assert rect.verified_at is None

    response = verify(as_user("p-office"), campaign, rect, note="栏目已更新，核实无误")
    assert response.status_code == 302
    rect.refresh_from_db()
    assert rect.verified_by.username == "p-office" and rect.verified_at
    assert rect.verification_note == "栏目已更新，核实无误"
    assert AuditRecord.objects.filter(
        action="rectification.verify", object_id=str(rect.id)
    ).exists()
    page = client.get(paths(zjj)["unit"]).content.decode()
    assert "已核实" in page and "栏目已更新，核实无误" in page
    # verified: no second report, no second verification
    assert rectify(client, paths, zjj, entry).status_code == 302
    assert Rectification.objects.filter(entry=entry).count() == 1
    verify(as_user("p-admin"), campaign, rect, note="再次")
    rect.refresh_from_db()
    assert rect.verification_note == "栏目已更新，核实无误"
    # the published results did not move
    after = list(
        Result.objects.filter(campaign=campaign).values_list("unit", "group", "total", "grade")
    )
    assert after == results


def test_rectification_of_a_foreign_entry_is_404(as_user, phase, zjj, tlz, paths, entry_of):
    phase("published")
    foreign = entry_of(tlz)
    assert rectify(as_user("p-zjj"), paths, zjj, foreign).status_code == 404
    assert rectify(as_user("p-zjj"), paths, tlz, foreign).status_code == 404
    assert not Rectification.objects.exists()


def test_office_lists_rectifications(as_user, phase, campaign, zjj, paths, entry_of):
    phase("published")
    rectify(as_user("p-zjj"), paths, zjj, entry_of(zjj), text="整改措施一")
    page = as_user("p-office").get(f"/campaigns/{campaign.code}/rectifications/")
    assert page.status_code == 200 and "整改措施一" in page.content.decode()
    assert as_user("p-zjj").get(f"/campaigns/{campaign.code}/rectifications/").status_code == 403


def test_rank_and_grade_shown_only_when_published(as_user, phase, campaign, zjj, paths):
    client = as_user("p-zjj")
    result = Result.objects.get(campaign=campaign, unit=zjj, group__scorecard__code="zwgk")
    phase("appeal")
    page = client.get(paths(zjj)["unit"]).content.decode()
    assert "得分（公示，未发布）" in page and f"第 {result.rank} 名" not in page
    phase("published")
    page = client.get(paths(zjj)["unit"]).content.decode()
    assert f"第 {result.rank} 名" in page and result.grade in page


def test_adjusted_grade_is_flagged(as_user, phase, campaign):
    audit_bureau = UnitNames().resolve("审计局")
    phase("published")
    page = as_user("p-office").get(f"/campaigns/{campaign.code}/units/{audit_bureau.id}/")
    text = page.content.decode()
    assert 'class="tag adjusted">调整' in text and "通报正文将审计局列为良好等次" in text


def test_office_may_hide_totals_during_appeal(as_user, phase, campaign, zjj, paths):
    phase("appeal")
    response = as_user("p-office").post(f"/campaigns/{campaign.code}/disclosure/", {})
    assert response.status_code == 302
    assert "得分（公示，未发布）" not in as_user("p-zjj").get(paths(zjj)["unit"]).content.decode()
    assert AuditRecord.objects.filter(action="portal.disclosure").exists()
    as_user("p-office").post(f"/campaigns/{campaign.code}/disclosure/", {"show_totals": "on"})
    assert "得分（公示，未发布）" in as_user("p-zjj").get(paths(zjj)["unit"]).content.decode()
    assert as_user("p-zjj").post(f"/campaigns/{campaign.code}/disclosure/", {}).status_code == 403
