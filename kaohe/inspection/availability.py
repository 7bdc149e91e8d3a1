"""Weekly availability of each site: visits of its home page recorded, a week of them judged.

The national rule (《政府网站与政务新媒体检查指标》, 单项否决指标“站点无法访问”): a site is
unavailable when 5% or more of its visits over a week fail. Its visits are sampled here in two
ways: every inspection's fetch of the home page, and a cheap probe (one GET, no crawl) that a
site can have run every N minutes by the task worker (``scheduled_probe``, chained with
``run_after`` like the periodic inspections) or from cron (``kaohe probe``). The judgement
itself is the crawler's (:func:`kaohe.crawler.availability_of`), made over counts that one
query takes for a whole list of sites.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from kaohe.crawler import Availability, FetchRecord, availability_of, visit, visit_failed

from .models import AvailabilitySample, Inspection, Site

log = logging.getLogger(__name__)

WINDOW = timedelta(days=7)
THRESHOLD = 0.05
RULE = "《政府网站与政务新媒体检查指标》单项否决“站点无法访问”：一周内访问失败率≥5%"
DEFAULT_PROBE_MINUTES = 60  # 24 visits a day; the indicators sample at least 15 a day
MIN_WEEKLY_VISITS = 15 * 7


def record_visit(
    site: Site,
    record: FetchRecord | None,
    source: str,
    inspection: Inspection | None = None,
    at: datetime | None = None,
) -> AvailabilitySample:
    """Store one visit. ``record`` None is a visit that could not be made at all (the
    probe itself failed to run): counted as failed, as the rule counts what visitors get."""
    status = record.status_or_error if record is not None else "probe_failed"
    return AvailabilitySample.objects.create(
        site=site,
        checked_at=at or (record.fetched_at if record is not None else timezone.now()),
        ok=not visit_failed(record),
        status="" if status is None else str(status)[:30],
        elapsed=record.elapsed if record is not None else None,
        source=source,
        inspection=inspection,
    )


def probe(site: Site, *, resolver: Any = None) -> AvailabilitySample:
    """Visit the site's home page once now and record it."""
    from .services import crawl_config

    try:
        record = visit(site.base_url, crawl_config(), resolver)
    except ValueError:  # not an http(s) URL: the probe cannot run, which counts as failed
        log.exception("availability probe of %s could not run", site.base_url)
        record = None
    return record_visit(site, record, AvailabilitySample.Source.PROBE)


@dataclass(frozen=True, slots=True)
class Week:
    """A site's last seven days, as the pages show them."""

    availability: Availability

    @property
    def visits(self) -> int:
        return self.availability.visits

    @property
    def failures(self) -> int:
        return self.availability.failures

    @property
    def flagged(self) -> bool:
        return self.availability.flagged

    @property
    def percent(self) -> str:
        """The failure rate as “2.5%”; “—” without visits."""
        rate = self.availability.failure_rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    @property
    def thin(self) -> bool:
        """Fewer visits than the indicators' sampling (15 a day): the rate says little yet."""
        return self.visits < MIN_WEEKLY_VISITS


def week(site_ids: list[int], now: datetime | None = None) -> dict[int, Week]:
    """The last seven days' availability of each site, in one query."""
    since = (now or timezone.now()) - WINDOW
    rows = (
        AvailabilitySample.objects.filter(site_id__in=site_ids, checked_at__gte=since)
        .values("site_id")
        .annotate(visits=Count("id"), failures=Count("id", filter=Q(ok=False)))
    )
    counts = {row["site_id"]: (row["visits"], row["failures"]) for row in rows}
    return {sid: Week(availability_of(*counts.get(sid, (0, 0)), THRESHOLD)) for sid in site_ids}


def recent_failures(site: Site, now: datetime | None = None, limit: int = 20) -> list:
    """The week's failed visits, newest first: what a unit is shown to check its server."""
    since = (now or timezone.now()) - WINDOW
    return list(
        site.availability_samples.filter(checked_at__gte=since, ok=False).order_by(
            "-checked_at", "-id"
        )[:limit]
    )


# ---------------------------------------------------------------- the probe schedule


def schedule_probe(site: Site) -> None:
    """Queue the site's next probe (``run_after``) if it has an interval and the task backend
    can defer; otherwise clear the plan (cron with ``kaohe probe`` still works)."""
    from .tasks import scheduled_probe

    if not site.probe_minutes:
        Site.objects.filter(pk=site.pk).update(next_probe_at=None)
        site.next_probe_at = None
        return
    due = timezone.now() + timedelta(minutes=site.probe_minutes)
    Site.objects.filter(pk=site.pk).update(next_probe_at=due)
    site.next_probe_at = due
    if scheduled_probe.get_backend().supports_defer:
        scheduled_probe.using(run_after=due).enqueue(site.pk, due.isoformat())


def run_scheduled_probe(site_id: int, due: str, *, resolver: Any = None) -> dict[str, Any]:
    """A probe of the chain the site still expects (a changed interval leaves older queued
    tasks behind; they end here doing nothing), then the next one is queued."""
    site = Site.objects.filter(pk=site_id).first()
    if site is None or site.next_probe_at is None or site.next_probe_at.isoformat() != due:
        return {"site": site_id, "skipped": "superseded"}
    try:
        sample = probe(site, resolver=resolver)
    finally:  # whatever happened to this probe, the chain goes on
        schedule_probe(site)
    return {"site": site_id, "ok": sample.ok, "status": sample.status}
