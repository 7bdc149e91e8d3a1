"""`kaohe check-notice` against the real notice, and publication held until the notice agrees."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kaohe.accounts.models import Membership, Role
from kaohe.assessment import workflow
from kaohe.assessment.models import GradeAdjustment
from kaohe.assessment.results import recompute
from kaohe.core.notice.draft import draft_body, render_text
from kaohe.notices.facts import notice_facts
from kaohe.notices.models import AcceptedFinding, NoticeDraft

pytestmark = pytest.mark.django_db

SEED = "../shared/seed/000_9997f180e272068e.txt"


def check(path: str, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check-notice", "jinghe-2020", path, *extra, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_the_seed_contradicts_the_data_once(campaign, seed_text, tmp_path):
    seed = tmp_path / "seed.txt"
    seed.write_text(seed_text, encoding="utf-8")
    code, out = check(str(seed), "--json")
    assert code == 1
    findings = json.loads(out)
    assert [(f["claim"], f["fact"]) for f in findings] == [("33个县直有关部门", "县直部门共32个")]
    assert set(findings[0]) == {"sentence", "claim", "fact"}


def test_without_the_recorded_adjustment_the_audit_bureau_is_reported(
    campaign, seed_text, tmp_path
):
    GradeAdjustment.objects.filter(campaign=campaign).delete()
    recompute(campaign)
    seed = tmp_path / "seed.txt"
    seed.write_text(seed_text, encoding="utf-8")
    code, out = check(str(seed))
    assert code == 1
    assert "审计局" in out and "94.7" in out and "33个县直有关部门" in out


def test_a_draft_from_the_data_has_no_findings(campaign, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(render_text(draft_body(notice_facts(campaign))), encoding="gb18030")
    assert check(str(draft)) == (0, "未发现与数据不一致之处。\n")


def test_publication_waits_for_the_notice(campaign, seed_text):
    office = get_user_model().objects.create_user("n-office")
    Membership.objects.create(user=office, role=Role.OFFICE)
    NoticeDraft.objects.create(campaign=campaign, title="关于考核结果的通报", body=seed_text,
                               signature="县政府办公室", date="2020-12-24")  # fmt: skip
    campaign.status = campaign.Status.APPROVED
    campaign.save()
    with pytest.raises(ValueError, match="通报与考核数据有 1 处不一致"):
        workflow.move(campaign, "published", office)
    AcceptedFinding.objects.create(campaign=campaign, claim="33个县直有关部门", fact="县直部门共32个",
                                   reason="按县人民政府审定稿保留", accepted_by=office)  # fmt: skip
    workflow.move(campaign, "published", office)
    campaign.refresh_from_db()
    assert campaign.is_frozen


def test_a_campaign_without_window_basis_or_method_still_drafts(campaign):
    campaign.window_start = campaign.window_end = None
    campaign.method = ""
    campaign.save()
    campaign.basis_documents.all().delete()
    text = render_text(draft_body(notice_facts(campaign)))
    assert text.startswith("精河县人民政府办公室对7个乡镇场和32个县直有关部门2020年")
    assert "于11月" not in text and "采用" not in text


def test_a_text_in_an_unknown_encoding_is_a_clear_error(campaign, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "notice.txt"
    bad.write_bytes("通报".encode("utf-16"))
    with pytest.raises(CommandError, match="文件编码无法识别"):
        call_command("check-notice", "jinghe-2020", str(bad))
