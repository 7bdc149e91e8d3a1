"""A run end to end through the tasks API (immediate backend): crawl the planted site, archive to
WARC, store findings with their unit, then a second run after the site changed."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from kaohe_inspection_testutil import ID_NUMBER, PHONE, TYPO, listing, page

from kaohe.inspection import services
from kaohe.inspection.models import Finding, Inspection
from kaohe.registry.names import UnitNames


def _by_kind(inspection: Inspection) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}
    for f in inspection.findings.select_related("unit", "column"):
        found.setdefault(f.kind, []).append(f)
    return found


def test_started_from_the_web_runs_and_stores_findings(login, open_campaign, site, planted):
    client = login("office")
    url = reverse("inspection:start", args=[open_campaign.code, site.id])
    response = client.post(url, {"as_of": "2024-06-30", "max_pages": 50})
    inspection = Inspection.objects.get(site=site)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "inspection:run", args=[open_campaign.code, inspection.id]
    )
    assert inspection.status == Inspection.Status.DONE, inspection.errors
    assert inspection.task_id
    assert inspection.started_at and inspection.finished_at
    assert inspection.pages_total >= inspection.pages_done >= 8
    assert inspection.report["site"] == planted.base + "/"
    assert inspection.report["as_of"] == "2024-06-30"
    assert inspection.report["pages_fetched"] >= 8
    assert len(inspection.report["findings"]) == inspection.findings.count()

    names = UnitNames()
    zjj, tlz, nyj = (names.resolve(n) for n in ("住建局", "托里镇", "农业农村局"))
    kinds = _by_kind(inspection)
    assert [f.unit for f in kinds["stale_column"]] == [zjj]
    assert kinds["stale_column"][0].fields["last_update"] == "2023-01-02"
    assert [f.unit for f in kinds["empty_column"]] == [tlz]
    assert [f.unit for f in kinds["missing_column"]] == [nyj]
    # the article linked from the 住建局 column is the 住建局's page
    [wording] = kinds["wording"]
    assert (wording.unit, wording.fields["text"], wording.fields["rule"]) == (zjj, TYPO, "TY002")
    assert wording.column.name == "保障性住房"
    assert wording.context_before.endswith("认真") and wording.rule_mark.startswith("TY002:")
    privacy = {f.fields["rule"]: f for f in kinds["privacy"]}
    assert set(privacy) == {"P001", "P002"} and all(f.unit == zjj for f in privacy.values())
    stored = repr([f.fields for f in kinds["privacy"]]) + repr(
        [f.context_before + f.context_after for f in kinds["privacy"]]
    )
    assert PHONE not in stored and ID_NUMBER not in stored  # personal data only masked
    assert not any(
        ch.isdigit() for f in kinds["privacy"] for ch in f.context_before + f.context_after
    )
    # links on the home page belong to the portal itself (no unit); 503 is never dead
    assert {f.fields["status"] for f in kinds["dead_link"]} == {404, "connection_refused"}
    assert [f.fields["status"] for f in kinds["unverified_link"]] == [503]
    assert all(f.unit is None for f in kinds["dead_link"])
    # every finding is new on a first run, with its page archived
    assert {f.change for f in inspection.findings.all()} == {Finding.Change.NEW}
    assert inspection.previous is None
    assert all(
        f.warc_file and f.warc_offset is not None for f in kinds["wording"] + kinds["stale_column"]
    )
    warcs = list(Path(inspection.warc_dir).glob("*.warc.gz"))
    assert len(warcs) == 1 and (Path(inspection.warc_dir) / "records.jsonl").exists()

    page_response = client.get(response["Location"])
    assert page_response.status_code == 200
    assert (
        "栏目未按期更新" in page_response.content.decode()
        and "已完成" in page_response.content.decode()
    )
    progress = client.get(reverse("inspection:progress", args=[open_campaign.code, inspection.id]))
    assert b"100%" in progress.content


def test_second_run_marks_fixed_and_persisting(run_inspection, planted):
    first = run_inspection()
    # the unit fixes its column and its typo; the rest stays as it was
    planted.pages["/col/zjj/"] = (200, page("住建局重点领域", listing([
        ("保障性住房分配公示", "/col/zjj/a1.html", "2024-06-25"),
    ])))  # fmt: skip
    planted.pages["/col/zjj/a1.html"] = (200, page("保障性住房分配公示", (
        "<p>各单位要认真部署本年度保障性住房分配工作。</p>"
        f"<p>联系人手机：{PHONE}。</p><p>申请人身份证号：{ID_NUMBER}。</p>"
    )))  # fmt: skip
    second = run_inspection()
    assert second.status == Inspection.Status.DONE and second.previous == first
    changes = {(f.kind, f.change) for f in second.findings.all()}
    assert ("stale_column", "fixed") in changes and ("wording", "fixed") in changes
    assert ("stale_column", "new") not in changes and ("wording", "new") not in changes
    for kind in ("empty_column", "missing_column", "dead_link", "privacy", "unverified_link"):
        assert (kind, "persisting") in changes, kind
        assert (kind, "new") not in changes, kind
    fixed = second.findings.get(kind="wording")
    assert fixed.previous.inspection == first and fixed.fields["text"] == TYPO
    # the crawl report itself no longer carries what was fixed
    assert not [f for f in second.report["findings"] if f["kind"] in ("stale_column", "wording")]


def test_one_run_at_a_time_per_site(open_campaign, site, people):
    Inspection.objects.create(campaign=open_campaign, site=site, as_of="2024-06-30")
    with pytest.raises(ValidationError, match="请等它结束"):
        services.start(open_campaign, site, people["office"])


def test_failed_run_is_recorded(open_campaign, site, people, settings):
    site.base_url = "not a url"
    site.save()
    inspection = services.start(open_campaign, site, people["office"])
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.FAILED
    assert "not an http(s) URL" in inspection.errors[0]
