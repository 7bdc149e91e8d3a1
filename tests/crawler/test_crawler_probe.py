"""One visit of a home page for the weekly availability rule: what counts as failed, and that a
probe is one plain GET (no robots.txt, no retry)."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from crawler_sites import SITE, RequestLog, StubResolver, closed_port, html, new_app, serve, status

from kaohe.crawler import (
    CrawlConfig,
    availability,
    availability_of,
    visit,
    visit_async,
    visit_failed,
)
from kaohe.crawler.records import FetchRecord


def probe_site(log: RequestLog) -> web.Application:
    app = new_app(log)

    async def home(request: web.Request) -> web.Response:
        return web.Response(text=html("首页", "<p>欢迎</p>"), content_type="text/html")

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound("/")

    app.router.add_get("/", home)
    app.router.add_get("/old/", moved)
    app.router.add_get("/down/", status(503))
    app.router.add_get("/gone/", status(404))
    return app


def test_visits_and_what_counts_as_failed(fast_config: CrawlConfig) -> None:
    log = RequestLog()
    refused = closed_port()

    async def go() -> dict[str, FetchRecord]:
        async with serve(probe_site(log)) as port:
            base = f"http://{SITE}:{port}"
            urls = {
                "ok": f"{base}/",
                "moved": f"{base}/old/",
                "down": f"{base}/down/",
                "gone": f"{base}/gone/",
                "refused": f"http://127.0.0.1:{refused}/",
            }
            return {k: await visit_async(u, fast_config, StubResolver()) for k, u in urls.items()}

    records = asyncio.run(go())
    assert records["ok"].status == 200 and records["ok"].elapsed >= 0
    assert records["moved"].final_url.endswith("/") and records["moved"].redirects
    assert records["down"].status == 503
    assert records["refused"].status_or_error == "connection_refused"
    failed = {k for k, r in records.items() if visit_failed(r)}
    assert failed == {"down", "gone", "refused"}  # 5xx counts here, unlike link checking
    assert log.hits["/gone/"] == 1  # no confirming retry: a failed visit is what is counted
    assert "/robots.txt" not in log.hits  # a visit, not a crawl
    week = availability(records.values())
    assert (week.visits, week.failures, week.flagged) == (5, 3, True)


def test_the_five_percent_rule_from_counts() -> None:
    assert availability_of(100, 4).flagged is False
    assert availability_of(100, 5).flagged is True  # 5% is already unavailable
    assert availability_of(0, 0).failure_rate is None and not availability_of(0, 0).flagged


def test_a_bad_address_is_an_error_not_a_visit() -> None:
    with pytest.raises(ValueError, match="not an http"):
        visit("ftp://example.test/")
