"""``inspect()``: crawl a site, run every check, return one report.

This is the seam for the CLI, a task queue worker, and later the Django views: it takes
plain values and returns plain data. The crawl is the only part that touches the network;
:func:`build_report` is pure, so a stored crawl can be re-checked (e.g. with new wording
rules) without fetching again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import aiohttp

from .checks import (
    TextChecker,
    check_columns,
    check_links,
    check_reachability,
    check_text,
)
from .columns import ColumnConfig
from .config import CrawlConfig
from .crawl import Crawler, CrawlResult
from .records import FetchRecord
from .report import InspectionReport
from .warc import WarcArchive


def build_report(
    crawl: CrawlResult,
    columns: Sequence[ColumnConfig],
    as_of: date,
    text_checkers: Sequence[TextChecker] = (),
) -> InspectionReport:
    errors: list[str] = []
    column_findings, statuses = check_columns(columns, crawl, as_of)
    findings = [
        *check_reachability(crawl),
        *column_findings,
        *check_links(crawl),
        *check_text(crawl, text_checkers, errors),
    ]
    if crawl.stopped:
        errors.append(f"crawl stopped early: {crawl.stopped}")
    return InspectionReport(
        site=crawl.start_url,
        as_of=as_of,
        pages_fetched=crawl.pages_fetched,
        findings=findings,  # type: ignore[arg-type]
        columns=statuses,
        crawl=crawl,
        errors=errors,
    )


def _as_date(value: date | str | None) -> date:
    if value is None:
        return date.today()
    return value if isinstance(value, date) else date.fromisoformat(value)


async def inspect_async(
    start_url: str,
    columns: Sequence[ColumnConfig] = (),
    as_of: date | str | None = None,
    max_pages: int = 200,
    concurrency: int = 2,
    rate: float | None = 1.0,
    text_checkers: Sequence[TextChecker] = (),
    *,
    config: CrawlConfig | None = None,
    warc_dir: str | Path | None = None,
    previous: Mapping[str, FetchRecord] | Iterable[FetchRecord] = (),
    resolver: aiohttp.abc.AbstractResolver | None = None,
) -> InspectionReport:
    """Inspect one site as of ``as_of`` (default today). ``rate`` is requests per second per
    host (None = unlimited); the explicit arguments override the same fields of ``config``.
    With ``warc_dir`` every exchange is archived there; ``previous`` (records of an earlier
    run, with their WARC files still present) enables conditional re-fetching."""
    day = _as_date(as_of)
    config = replace(
        config or CrawlConfig(), max_pages=max_pages, concurrency=concurrency, rate=rate
    )
    archive = WarcArchive(warc_dir, operator=config.user_agent) if warc_dir else None
    try:
        crawler = Crawler(config, archive=archive, previous=previous, resolver=resolver, as_of=day)
        crawl = await crawler.crawl(start_url, seeds=[c.url for c in columns])
    finally:
        if archive is not None:
            archive.close()
    return build_report(crawl, columns, day, text_checkers)


def inspect(
    start_url: str,
    columns: Sequence[ColumnConfig] = (),
    as_of: date | str | None = None,
    max_pages: int = 200,
    concurrency: int = 2,
    rate: float | None = 1.0,
    text_checkers: Sequence[TextChecker] = (),
    **kwargs: object,
) -> InspectionReport:
    """Synchronous :func:`inspect_async` (runs its own event loop; from async code, await
    ``inspect_async`` instead)."""
    # The report is handed out through a box rather than as the main task's result: on exit
    # asyncio.run() may format the task's repr, result included (signal.getsignal() does,
    # in CPython 3.11), and a whole site's report is a very long repr.
    box: list[InspectionReport] = []

    async def main() -> None:
        report = await inspect_async(
            start_url,
            columns,
            as_of,
            max_pages,
            concurrency,
            rate,
            text_checkers,
            **kwargs,  # type: ignore[arg-type]
        )
        box.append(report)

    asyncio.run(main())
    return box[0]
