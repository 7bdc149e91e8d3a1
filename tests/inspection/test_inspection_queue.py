"""The database task backend (the embedded default): runs queued from the web wait for a
worker; a site's schedule queues its next run with ``run_after``."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kaohe.inspection import services
from kaohe.inspection.models import Inspection

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_backend(settings):
    settings.TASKS = DB_BACKEND


def test_a_run_waits_in_the_queue_for_a_worker(
    database_backend, login, open_campaign, site, rules, work_task
):
    client = login("office")
    response = client.post(
        reverse("inspection:start", args=[open_campaign.code, site.id]),
        {"as_of": "2024-06-30", "max_pages": 50},
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(site=site)
    assert inspection.status == Inspection.Status.QUEUED
    task = DBTaskResult.objects.get(id=inspection.task_id)
    assert task.task_path == "kaohe.inspection.tasks.run_inspection"
    assert task.args_kwargs == {"args": [inspection.id], "kwargs": {}}
    page = client.get(response["Location"])
    assert "排队中" in page.content.decode() and 'hx-trigger="every 2s"' in page.content.decode()
    # a second start while it waits is refused
    again = client.post(reverse("inspection:start", args=[open_campaign.code, site.id]), {"as_of": "2024-06-30", "max_pages": 50})  # fmt: skip
    assert again.status_code == 409 and Inspection.objects.filter(site=site).count() == 1

    work_task(task)
    task.refresh_from_db()
    inspection.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.traceback
    assert task.return_value["inspection"] == inspection.id and task.return_value["new"] > 5
    assert inspection.status == Inspection.Status.DONE
    assert inspection.findings.filter(kind="stale_column").exists()
    # the same task delivered twice does not run the inspection twice
    assert services.execute(inspection.id) == {"inspection": inspection.id, "skipped": True}


@pytest.mark.postgresql_only
def test_db_worker_command_runs_the_queue(
    database_backend, open_campaign, site, people, monkeypatch
):
    # between tasks the worker closes "old" connections, which would end the test's transaction
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    inspection = services.start(open_campaign, site, people["office"])
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DONE


def test_schedule_queues_the_next_run(
    database_backend, login, open_campaign, site, rules, work_task
):
    client = login("office")
    response = client.post(
        reverse("inspection:schedule", args=[open_campaign.code, site.id]), {"schedule_days": 7}
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.schedule_days == 7 and site.schedule_campaign == open_campaign
    assert (
        timezone.now() + timedelta(days=6) < site.next_run_at <= timezone.now() + timedelta(days=7)
    )
    [task] = DBTaskResult.objects.filter(task_path="kaohe.inspection.tasks.scheduled_inspection")
    assert task.run_after == site.next_run_at
    assert task.args_kwargs["args"] == [site.id, site.next_run_at.isoformat()]
    assert not DBTaskResult.objects.ready().filter(pk=task.pk).exists()  # not due yet

    # when it comes due, the worker runs it, and it queues the one after
    work_task(task)
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.traceback
    run = Inspection.objects.get(site=site)
    assert run.trigger == Inspection.Trigger.SCHEDULED and run.status == Inspection.Status.DONE
    site.refresh_from_db()
    assert site.last_run_at and site.next_run_at > site.last_run_at + timedelta(days=6)
    queued = DBTaskResult.objects.filter(task_path=task.task_path).exclude(pk=task.pk)
    assert [t.args_kwargs["args"][1] for t in queued] == [site.next_run_at.isoformat()]


def test_a_changed_schedule_leaves_old_tasks_doing_nothing(
    database_backend, login, open_campaign, site
):
    client = login("office")
    url = reverse("inspection:schedule", args=[open_campaign.code, site.id])
    client.post(url, {"schedule_days": 7})
    old = DBTaskResult.objects.get()
    client.post(url, {"schedule_days": ""})  # stopped
    site.refresh_from_db()
    assert site.next_run_at is None and site.schedule_days is None
    assert services.run_scheduled(site.id, old.args_kwargs["args"][1])["skipped"] == "superseded"
    assert not Inspection.objects.filter(site=site).exists()


def test_immediate_backend_does_not_loop(open_campaign, site):
    """Without deferral (the immediate backend) a schedule only records when it is due."""
    site.schedule_days, site.schedule_campaign = 3, open_campaign
    site.save()
    services.schedule_next(site)
    assert site.next_run_at is not None and not Inspection.objects.exists()
