"""Column rules beyond "updated within N days", through the platform: the annual report due by
1月31日 (a ``stale_column`` with the reason) and a column that answers as a “not found” page
(a ``missing_column`` with the reason); both placed on their unit, shown, mapped to the
indicator and deducted with a ledger reason that says what was wrong."""

from django.urls import reverse
from kaohe_inspection_testutil import listing, page

from kaohe.assessment.models import LedgerEntry
from kaohe.inspection import services
from kaohe.inspection.models import Column
from kaohe.registry.names import UnitNames

LATE = "2023年度报告未在2024年1月31日前发布"


def _plant(site, planted) -> None:
    b = planted.base
    extra = (
        "单位,栏目,网址,更新周期(天)\n"
        f"托里镇,政府信息公开年度报告,{b}/col/ndbg/,365\n"
        f"农业农村局,重点领域信息,{b}/col/removed/,180\n"
    ).encode()
    assert services.import_columns(site, extra, "extra.csv", None).ok
    planted.pages["/col/ndbg/"] = (200, page("政府信息公开年度报告", listing([
        ("2023年第四季度政务公开工作情况", "/col/ndbg/q4.html", "2024-05-06"),
        ("2022年政府信息公开工作年度报告", "/col/ndbg/2022.html", "2023-01-18"),
    ])))  # fmt: skip
    planted.pages["/col/ndbg/q4.html"] = (200, page("工作情况", "<p>正文</p>"))
    planted.pages["/col/ndbg/2022.html"] = (200, page("年度报告", "<p>报告全文</p>"))
    gone = "<html><head><title>页面不存在</title></head><body>您访问的页面不存在</body></html>"
    planted.pages["/col/removed/"] = (200, gone)


def test_annual_report_and_soft_404_columns(site, planted, run_inspection, rules, login):
    _plant(site, planted)
    assert Column.objects.get(site=site, name="政府信息公开年度报告").kind == "annual_report"
    inspection = run_inspection()
    assert inspection.status == "done", inspection.errors
    names = UnitNames()

    [report] = inspection.findings.filter(kind="stale_column", unit=names.resolve("托里镇"))
    assert report.fields == {
        "unit": "托里镇人民政府", "column": "政府信息公开年度报告", "url": f"{planted.base}/col/ndbg/",
        "last_update": "2024-05-06", "max_age_days": 365, "reason": LATE,
    }  # fmt: skip
    assert report.column.name == "政府信息公开年度报告" and report.reviewable
    [removed] = inspection.findings.filter(kind="missing_column", column__name="重点领域信息")
    assert removed.unit == names.resolve("农业农村局")
    assert removed.fields["reason"] == "疑似软404（页面标题为“页面不存在”）"
    # the ordinary stale column keeps its contract fields, nothing added
    [ordinary] = inspection.findings.filter(kind="stale_column", unit=names.resolve("住建局"))
    assert "reason" not in ordinary.fields

    code = inspection.campaign.code
    office = login("office")
    shown = office.get(reverse("inspection:run", args=[code, inspection.id]) + "?kind=stale_column")
    assert LATE in shown.content.decode()
    shown = office.get(reverse("inspection:finding", args=[code, removed.id]))
    assert "无法打开：疑似软404（页面标题为“页面不存在”）" in shown.content.decode()

    # the lead agency owning 1.3 sees both on its review page and deducts with the reason
    scorer = login("scorer-dsj")
    review = scorer.get(reverse("inspection:review", args=[code]) + "?kind=stale_column")
    assert LATE in review.content.decode()
    accepted = scorer.post(reverse("inspection:accept", args=[code, report.id]), {"amount": "1.5"})
    assert accepted.status_code == 302
    report.refresh_from_db()
    assert report.ledger_entry.source == LedgerEntry.Source.ONLINE
    assert report.ledger_entry.reason == (
        f"网上核验（{inspection.as_of.isoformat()}）：“政府信息公开年度报告”栏目{LATE}。"
    )
    scorer.post(reverse("inspection:accept", args=[code, removed.id]), {"amount": "1"})
    removed.refresh_from_db()
    assert removed.ledger_entry.reason.endswith(
        f"栏目无法打开（{planted.base}/col/removed/）：疑似软404（页面标题为“页面不存在”）。"
    )
    ordinary_reason = services.render_reason(services.DEFAULT_REASONS["stale_column"], ordinary)
    assert ordinary_reason.endswith("栏目最近更新于 2023-01-02，超过规定的 180 天未更新。")


def test_a_rule_written_before_reasons_still_says_why(inspected, planted):
    [ordinary] = inspected.findings.filter(kind="stale_column")
    ordinary.fields = {**ordinary.fields, "reason": LATE}
    old_template = "“{column}”栏目最近更新于 {last_update}。"
    assert services.render_reason(old_template, ordinary).endswith(f"。（{LATE}）")
