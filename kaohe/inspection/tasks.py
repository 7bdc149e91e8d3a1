"""Background work through the Django tasks API (the django-tasks backport until Django 6).

The database backend (``django_tasks_db``) is the embedded default: the task row is written in
the same database as everything else, and ``kaohe db_worker`` runs it — on one laptop, or on
several hosts against the same PostgreSQL with the same code. Tests use the immediate backend.
"""

from typing import Any

from django_tasks import task


@task()
def run_inspection(inspection_id: int) -> dict[str, Any]:
    """Crawl, check, archive and store one queued inspection."""
    from . import services

    return services.execute(inspection_id)


@task()
def scheduled_inspection(site_id: int, due: str) -> dict[str, Any]:
    """A site's periodic run, queued with ``run_after`` by ``services.schedule_next``."""
    from . import services

    return services.run_scheduled(site_id, due)


@task()
def scheduled_probe(site_id: int, due: str) -> dict[str, Any]:
    """One availability probe of a site's home page, queued with ``run_after`` by
    ``availability.schedule_probe``; it queues the next one."""
    from . import availability

    return availability.run_scheduled_probe(site_id, due)
