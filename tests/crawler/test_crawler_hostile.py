"""Hostile and broken servers: the crawl must stay bounded in time and memory, and must not
call anything dead that merely misbehaved."""

from __future__ import annotations

import asyncio
import random
import time
import tracemalloc
from dataclasses import dataclass

import pytest
from aiohttp import web
from crawler_sites import (
    AS_OF,
    SITE,
    RequestLog,
    StubResolver,
    gzip_bomb,
    html,
    new_app,
    respond,
    serve,
    status,
)

from kaohe.crawler import CrawlConfig, Crawler, CrawlResult, ErrorKind, build_report
from kaohe.crawler.report import InspectionReport

MB = 1024 * 1024


def hostile_app(log: RequestLog) -> web.Application:
    app = new_app(log)
    r = app.router
    bomb = gzip_bomb(200)
    targets = [
        "/slow",
        "/drip",
        "/loop1",
        "/chain/0",
        "/huge",
        "/bomb",
        "/trap?n=0",
        "/calendar?year=2024&month=6",
        "/deep/1",
        "/busy",
        "/down",
        "/ok",
    ]
    links = "".join(f'<li><a href="{t}">{t}</a></li>' for t in targets)
    r.add_get("/", respond(html("首页", f"<ul>{links}</ul>", nav=False)))

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response(text="too late")

    async def drip(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        for _ in range(300):
            await resp.write(b" ")
            await asyncio.sleep(0.1)
        return resp

    async def loop1(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop2")

    async def loop2(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop1")

    async def chain(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"/chain/{int(request.match_info['n']) + 1}")

    async def huge(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await resp.prepare(request)
        chunk = ("<p>填充<b>内容</b></p>" * 3000).encode()  # ~64 KB
        try:
            for _ in range(50 * MB // len(chunk)):
                await resp.write(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the crawler hung up, as it should
        return resp

    async def bomb_handler(request: web.Request) -> web.Response:
        return web.Response(
            body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        )

    async def trap(request: web.Request) -> web.Response:
        n = int(request.query.get("n", "0"))
        sid = random.randrange(10**9)
        body = f'<a href="/trap?n={n + 1}">下一页</a><a href="/trap?n={n}&sid={sid}">刷新</a>'
        return web.Response(text=html("检索", body, nav=False), content_type="text/html")

    async def calendar(request: web.Request) -> web.Response:
        year, month = int(request.query["year"]), int(request.query["month"])
        prev_y, prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
        next_y, next_m = (year, month + 1) if month < 12 else (year + 1, 1)
        body = (
            f'<a href="/calendar?year={prev_y}&month={prev_m}">上月</a>'
            f'<a href="/calendar?year={next_y}&month={next_m}">下月</a>'
        )
        return web.Response(text=html("活动日历", body, nav=False), content_type="text/html")

    async def deep(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        return web.Response(
            text=html("层级", f'<a href="/deep/{n + 1}">更深</a>', nav=False),
            content_type="text/html",
        )

    r.add_get("/slow", slow)
    r.add_get("/drip", drip)
    r.add_get("/loop1", loop1)
    r.add_get("/loop2", loop2)
    r.add_get("/chain/{n}", chain)
    r.add_get("/huge", huge)
    r.add_get("/bomb", bomb_handler)
    r.add_get("/trap", trap)
    r.add_get("/calendar", calendar)
    r.add_get("/deep/{n}", deep)
    r.add_get("/busy", status(429, **{"Retry-After": "3600"}))
    r.add_get("/down", status(503))
    r.add_get("/ok", respond("ok"))
    return app


@dataclass
class Hostile:
    crawl: CrawlResult
    report: InspectionReport
    log: RequestLog
    base: str
    seconds: float
    peak_bytes: int


@pytest.fixture(scope="module")
def hostile() -> Hostile:
    config = CrawlConfig().lifted(
        request_timeout=1.0,
        connect_timeout=1.0,
        time_budget=20.0,
        max_depth=4,
        max_pages=60,
        max_query_variants=10,
        max_calendar_variants=6,
    )
    log = RequestLog()
    app = hostile_app(log)  # builds the bomb: outside the measured window

    async def go() -> tuple[CrawlResult, str]:
        async with serve(app) as port:
            base = f"http://{SITE}:{port}"
            crawl = await Crawler(config, resolver=StubResolver()).crawl(base + "/")
            return crawl, base

    tracemalloc.start()
    t0 = time.monotonic()
    try:
        crawl, base = asyncio.run(go())
        seconds = time.monotonic() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return Hostile(crawl, build_report(crawl, [], AS_OF), log, base, seconds, peak)


def _last(h: Hostile, path: str):  # type: ignore[no-untyped-def]
    return h.crawl.fetches[h.base + path].last


def test_bounded_time_and_memory(hostile: Hostile) -> None:
    # 50 MB body + 200 MB gzip bomb + endless trickle/slow/trap pages:
    assert hostile.seconds < 15, hostile.seconds
    assert hostile.peak_bytes < 64 * MB, hostile.peak_bytes / MB
    assert hostile.crawl.stopped is None  # finished by itself, not by the time budget


def test_size_caps(hostile: Hostile) -> None:
    huge = _last(hostile, "/huge")
    assert huge.status == 200 and huge.error_kind is ErrorKind.TOO_LARGE and huge.truncated
    assert huge.size == 5 * MB
    bomb = _last(hostile, "/bomb")
    assert bomb.status == 200 and bomb.error_kind is ErrorKind.DECOMPRESSION_BOMB
    assert bomb.size <= 5 * MB
    assert hostile.log.hits["/huge"] == 1 and hostile.log.hits["/bomb"] == 1
    # The truncated page was still parsed (a prefix of it, to bound the DOM's memory).
    page = hostile.crawl.pages[hostile.base + "/huge"]
    assert page.text.startswith("填充") and len(page.text) < 500_000
    assert hostile.base + "/bomb" not in hostile.crawl.pages  # bombs are not parsed at all


def test_timeouts_and_redirects(hostile: Hostile) -> None:
    assert _last(hostile, "/slow").error_kind is ErrorKind.TIMEOUT
    assert _last(hostile, "/drip").error_kind is ErrorKind.TIMEOUT
    assert _last(hostile, "/loop1").error_kind is ErrorKind.REDIRECT_LOOP
    chain = _last(hostile, "/chain/0")
    assert chain.error_kind is ErrorKind.TOO_MANY_REDIRECTS and len(chain.redirects) == 5
    assert hostile.log.hits["/loop1"] <= 3


def test_nothing_hostile_is_called_dead(hostile: Hostile) -> None:
    assert hostile.report.of_kind("dead_link") == []
    unverified = {
        d["target"].removeprefix(hostile.base): d["status"]
        for d in hostile.report.of_kind("unverified_link")
    }
    assert unverified == {
        "/slow": "timeout",
        "/drip": "timeout",
        "/loop1": "redirect_loop",
        "/chain/0": "too_many_redirects",
        "/busy": 429,
        "/down": 503,
    }


def test_trap_defences(hostile: Hostile) -> None:
    log = hostile.log
    assert 5 <= len(log.paths("/trap")) <= 10  # per-path cap on distinct query strings
    assert 3 <= len(log.paths("/calendar")) <= 6  # calendar cap
    assert sorted(log.paths("/deep/")) == [
        f"/deep/{n}" for n in range(1, 6)
    ]  # depth 4 + link check
    reasons = set(hostile.crawl.skipped.values())
    assert {"query_variants_cap", "calendar_trap"} <= reasons
