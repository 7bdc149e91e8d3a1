"""Weekly availability: each inspection's home-page fetch and each probe are recorded per site;
the site's page and the sites list show the last seven days' visits, failures and failure rate,
red at 5% with the rule named; probes are planned from the site's page and chained as tasks,
or run from cron with ``kaohe probe``."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from kaohe.audit.models import AuditRecord
from kaohe.inspection import availability
from kaohe.inspection.models import AvailabilitySample, Site


def _samples(site: Site, ok: int, failed: int, days_ago: float = 0) -> None:
    at = timezone.now() - timedelta(days=days_ago)
    AvailabilitySample.objects.bulk_create(
        AvailabilitySample(
            site=site,
            checked_at=at - timedelta(minutes=i),
            ok=i >= failed,
            status="200" if i >= failed else "503",
            source=AvailabilitySample.Source.PROBE,
        )
        for i in range(ok + failed)
    )


def test_an_inspection_counts_as_a_visit(inspected):
    [sample] = AvailabilitySample.objects.filter(site=inspected.site)
    assert sample.source == "inspection" and sample.inspection == inspected
    assert sample.ok and sample.status == "200"


def test_probes_record_success_and_failure(site, planted):
    assert availability.probe(site).ok
    planted.pages["/"] = (503, "系统维护中")
    failed = availability.probe(site)
    assert not failed.ok and failed.status == "503"
    week = availability.week([site.id])[site.id]
    assert (week.visits, week.failures, week.percent, week.flagged) == (2, 1, "50.0%", True)
    assert availability.recent_failures(site) == [failed]


def test_five_percent_over_the_last_seven_days(site):
    _samples(site, ok=19, failed=1)  # 5%: unavailable
    _samples(site, ok=0, failed=30, days_ago=8)  # older than a week: not counted
    week = availability.week([site.id])[site.id]
    assert (week.visits, week.failures, week.percent, week.flagged) == (20, 1, "5.0%", True)
    AvailabilitySample.objects.create(
        site=site, checked_at=timezone.now(), ok=True, status="200", source="probe"
    )
    assert availability.week([site.id])[site.id].flagged is False  # 1 of 21: 4.8%


def test_pages_show_the_week_in_red_with_the_rule(site, login, open_campaign):
    _samples(site, ok=19, failed=1)
    page = login("leader").get(reverse("inspection:site", args=[open_campaign.code, site.id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "可用性（近 7 天）" in text and 'class="tag bad"' in text
    assert "不可用 失败率 5.0%" in text and "20 次访问，失败 1 次" in text
    assert "站点无法访问" in text and "≥5%" in text  # the rule, named
    assert "访问样本不足" in text  # 20 visits: fewer than 15 a day
    listed = login("office").get(reverse("inspection:sites", args=[open_campaign.code]))
    assert "不可用 失败率 5.0%" in listed.content.decode()


def test_a_site_without_visits_says_so(site, login, open_campaign):
    text = login("office").get(reverse("inspection:sites", args=[open_campaign.code]))
    assert "近 7 天无访问记录" in text.content.decode()


def test_the_probe_interval_is_set_on_the_site_page(site, login, open_campaign, planted):
    client = login("office")
    url = reverse("inspection:schedule", args=[open_campaign.code, site.id])
    response = client.post(url, {"schedule_days": "", "probe_minutes": "60"})
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.probe_minutes == 60 and site.next_probe_at is not None
    assert AuditRecord.objects.filter(action="inspection.site.schedule").exists()
    # the chained task: only the probe the site still expects runs, and plans the next one
    due = site.next_probe_at.isoformat()
    assert availability.run_scheduled_probe(site.id, "2000-01-01T00:00:00+00:00") == {
        "site": site.id,
        "skipped": "superseded",
    }
    assert availability.run_scheduled_probe(site.id, due)["ok"] is True
    site.refresh_from_db()
    assert site.next_probe_at.isoformat() != due
    assert AvailabilitySample.objects.filter(site=site, source="probe").count() == 1
    too_often = client.post(url, {"probe_minutes": "1"})
    assert too_often.status_code == 422
    client.post(url, {"probe_minutes": ""})
    site.refresh_from_db()
    assert site.probe_minutes is None and site.next_probe_at is None


def test_kaohe_probe_for_cron(site, planted):
    out = io.StringIO()
    call_command("probe", stdout=out)
    assert (
        f"{site.name} {site.base_url}：本次成功（200）；近 7 天 1 次，失败 0 次" in out.getvalue()
    )
    with pytest.raises(CommandError, match="没有编号为 9999 的网站"):
        call_command("probe", "--site", "9999")


def test_probes_chain_through_the_database_queue(settings, site, planted, work_task):
    """With the embedded task backend, each probe is a task with ``run_after`` that, run by a
    worker, records its visit and queues the next."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    site.probe_minutes = 30
    site.save(update_fields=["probe_minutes"])
    availability.schedule_probe(site)
    [task] = DBTaskResult.objects.filter(task_path="kaohe.inspection.tasks.scheduled_probe")
    assert task.run_after == site.next_probe_at
    assert task.args_kwargs["args"] == [site.id, site.next_probe_at.isoformat()]

    work_task(task)
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.traceback
    assert task.return_value["ok"] is True
    assert AvailabilitySample.objects.filter(site=site, source="probe", ok=True).count() == 1
    assert DBTaskResult.objects.filter(task_path=task.task_path).count() == 2  # the next one
