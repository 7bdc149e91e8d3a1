"""Ignoring a false positive: wording goes to the allowlist as a phrase, personal data as a
``rule:fingerprint`` mark, and the next run's checker does not report either again."""

from django.urls import reverse
from kaohe_inspection_testutil import PHONE, TYPO

from kaohe.inspection import runner
from kaohe.inspection.models import AllowlistEntry, Finding


def test_ignored_wording_is_not_reported_next_run(inspected, run_inspection, login):
    code = inspected.campaign.code
    wording = inspected.findings.get(kind="wording")
    response = login("scorer-dsj").post(
        reverse("inspection:ignore", args=[code, wording.id]), {"reason": "引用原文件标题"}
    )
    assert response.status_code == 302
    wording.refresh_from_db()
    assert wording.status == Finding.Status.IGNORED
    entry = AllowlistEntry.objects.get(finding=wording)
    assert TYPO in entry.phrase and entry.phrase != TYPO  # this usage only, with its context
    assert entry.rule == "TY002" and entry.reason == "引用原文件标题" and not entry.mark

    phone = inspected.findings.get(kind="privacy", fields__rule="P002")
    login("scorer-dsj").post(reverse("inspection:ignore", args=[code, phone.id]), {"reason": "单位办公电话"})  # fmt: skip
    mark = AllowlistEntry.objects.get(finding=phone)
    assert mark.mark.startswith("P002:") and not mark.phrase and PHONE not in mark.mark

    second = run_inspection()
    kinds = [(f["kind"], f.get("rule")) for f in second.report["findings"]]
    assert ("wording", "TY002") not in kinds
    assert ("privacy", "P002") not in kinds
    assert ("privacy", "P001") in kinds  # the ID number was not ignored
    # not reported is not "fixed": the ignored findings simply end
    assert not second.findings.filter(kind__in=["wording"], change="fixed").exists()
    assert not second.findings.filter(fields__rule="P002").exists()


def test_an_ignored_phrase_still_catches_the_same_typo_elsewhere():
    phrase_checker = runner.build_checker(allowlist=["要认真部暑本年"])
    assert not phrase_checker("各单位要认真部暑本年度工作")
    found = phrase_checker("请各乡镇抓紧部暑落实")
    assert [f.rule for f in found] == ["TY002"]


def test_deactivated_entries_are_not_used(inspected, login):
    code = inspected.campaign.code
    wording = inspected.findings.get(kind="wording")
    login("office").post(reverse("inspection:ignore", args=[code, wording.id]))
    entry = AllowlistEntry.objects.get()
    assert login("scorer-dsj").get(reverse("inspection:allowlist", args=[code])).status_code == 403
    page = login("office").get(reverse("inspection:allowlist", args=[code]))
    assert entry.phrase in page.content.decode()
    login("office").post(reverse("inspection:allowlist", args=[code]), {"entry": entry.id})
    entry.refresh_from_db()
    assert not entry.active
    from kaohe.inspection.services import checker_for_next_run

    assert [f.rule for f in checker_for_next_run()(f"要认真{TYPO}本年")] == ["TY002"]
