"""Every page renders for the roles that may see it, and the office maps finding kinds to
indicators from the rules page."""

from django.urls import reverse

from kaohe.assessment.models import Indicator
from kaohe.audit.models import AuditRecord
from kaohe.inspection.models import FindingRule


def test_pages_render(inspected, login):
    code = inspected.campaign.code
    site_id = inspected.site_id
    wording = inspected.findings.get(kind="wording")
    office = login("office")
    for url in (
        reverse("inspection:sites", args=[code]),
        reverse("inspection:site", args=[code, site_id]),
        reverse("inspection:run", args=[code, inspected.id]) + "?kind=wording&change=new",
        reverse("inspection:progress", args=[code, inspected.id]),
        reverse("inspection:rules", args=[code]),
        reverse("inspection:review", args=[code]) + "?status=&kind=privacy",
        reverse("inspection:finding", args=[code, wording.id]),
        reverse("inspection:evidence", args=[code, wording.id]),
        reverse("inspection:allowlist", args=[code]),
    ):
        response = office.get(url)
        assert response.status_code == 200, url
    template = office.get(reverse("inspection:template", args=[code, site_id]))
    assert template.content.decode("utf-8-sig") == "单位,栏目,网址,更新周期(天)\n"
    detail = login("scorer-dsj").get(reverse("inspection:finding", args=[code, wording.id]))
    assert "记为误报" in detail.content.decode() and "扣分" in detail.content.decode()


def test_rules_page(open_campaign, login):
    code = open_campaign.code
    url = reverse("inspection:rules", args=[code])
    leaf = Indicator.objects.get(
        scorecard__campaign=open_campaign, scorecard__code="zwgk", code="3.3"
    )
    office = login("office")
    response = office.post(url, {"kind": "wording", "indicator": leaf.id, "amount": "０.5", "reason_template": ""})  # fmt: skip
    assert response.status_code == 302
    rule = FindingRule.objects.get()
    assert (rule.kind, rule.indicator, str(rule.amount)) == ("wording", leaf, "0.50")
    assert "{text}" in rule.reason_template  # the default template
    assert AuditRecord.objects.filter(action="inspection.rule.add").exists()
    # refused: the same mapping twice, a broken template, unverified links (never deducted)
    bad = office.post(url, {"kind": "wording", "indicator": leaf.id, "amount": "1", "reason_template": ""})  # fmt: skip
    assert bad.status_code == 422
    bad = office.post(url, {"kind": "dead_link", "indicator": leaf.id, "amount": "1", "reason_template": "{page"})  # fmt: skip
    assert bad.status_code == 422 and "花括号" in bad.content.decode()
    bad = office.post(url, {"kind": "unverified_link", "indicator": leaf.id, "amount": "1", "reason_template": ""})  # fmt: skip
    assert bad.status_code == 422
    assert login("scorer-dsj").post(url, {"delete": rule.id}).status_code == 403
    assert office.post(url, {"delete": rule.id}).status_code == 302
    assert not FindingRule.objects.exists()
