"""Per-host limits, backoff and robots.txt."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from aiohttp import web
from crawler_sites import SITE, RequestLog, StubResolver, html, new_app, serve

from kaohe.crawler import DEFAULT_USER_AGENT, CrawlConfig, Crawler
from kaohe.crawler.politeness import HostLimiter, RobotsFetch, RobotsPolicy, parse_retry_after
from kaohe.crawler.records import ErrorKind


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def test_rate_is_spaced_per_host() -> None:
    clock = FakeClock()
    limiter = HostLimiter(concurrency=2, rate=1.0, clock=clock, sleep=clock.sleep)

    async def go() -> None:
        for _ in range(3):
            async with limiter.slot("http://a.gov.cn/x"):
                pass
        async with limiter.slot("http://b.gov.cn/x"):  # another host: no wait
            pass

    asyncio.run(go())
    assert clock.sleeps == [1.0, 1.0]


def test_backoff_and_crawl_delay_are_capped() -> None:
    clock = FakeClock()
    limiter = HostLimiter(concurrency=2, rate=None, max_backoff=30, clock=clock, sleep=clock.sleep)

    async def go() -> None:
        async with limiter.slot("http://a.gov.cn/"):
            limiter.back_off("http://a.gov.cn/", 3600)
        async with limiter.slot("http://a.gov.cn/"):
            pass
        limiter.set_min_interval("http://a.gov.cn/", 5)
        async with limiter.slot("http://a.gov.cn/"):
            pass
        async with limiter.slot("http://a.gov.cn/"):
            pass

    asyncio.run(go())
    assert clock.sleeps == [30.0, 5.0]


def test_concurrency_per_host() -> None:
    limiter = HostLimiter(concurrency=2, rate=None)
    active = {"now": 0, "max": 0}

    async def one() -> None:
        async with limiter.slot("http://a.gov.cn/"):
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
            await asyncio.sleep(0.01)
            active["now"] -= 1

    async def go() -> None:
        await asyncio.gather(*(one() for _ in range(10)))

    asyncio.run(go())
    assert active["max"] == 2


def test_parse_retry_after() -> None:
    now = datetime(2024, 6, 30, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Sun, 30 Jun 2024 12:01:00 GMT", now) == 60.0
    assert parse_retry_after("Sun, 30 Jun 2024 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def _policy(fetch: RobotsFetch) -> RobotsPolicy:
    async def fetcher(url: str) -> RobotsFetch:
        return fetch

    return RobotsPolicy(DEFAULT_USER_AGENT, fetcher)


def test_robots_rfc9309_readings() -> None:
    async def check(fetch: RobotsFetch, url: str = "http://a.gov.cn/private/x") -> object:
        return await _policy(fetch).check(url)

    text = "User-agent: *\nDisallow: /private/\n\nUser-agent: kaohe-inspector\nDisallow: /ours/\n"
    ok = asyncio.run(check(RobotsFetch(200, None, text), "http://a.gov.cn/public"))
    assert ok.allowed  # type: ignore[attr-defined]
    ours = asyncio.run(check(RobotsFetch(200, None, text), "http://a.gov.cn/ours/x"))
    assert not ours.allowed and ours.error is ErrorKind.ROBOTS_DISALLOWED  # type: ignore[attr-defined]
    assert asyncio.run(check(RobotsFetch(404, None, ""))).allowed  # type: ignore[attr-defined]
    assert asyncio.run(check(RobotsFetch(403, None, ""))).allowed  # type: ignore[attr-defined]
    for down in (
        RobotsFetch(503, None, ""),
        RobotsFetch(429, None, ""),
        RobotsFetch(None, ErrorKind.TIMEOUT, ""),
    ):
        answer = asyncio.run(check(down))
        assert not answer.allowed and answer.error is ErrorKind.ROBOTS_UNAVAILABLE  # type: ignore[attr-defined]
    # No host at all: let the fetch fail by itself so the link can be judged dead.
    assert asyncio.run(check(RobotsFetch(None, ErrorKind.DNS_FAILURE, ""))).allowed  # type: ignore[attr-defined]


def test_polite_defaults_against_a_live_server() -> None:
    """Default concurrency (2/host) and a rate limit are observed by the server itself."""
    log = RequestLog()
    app = new_app(log)
    links = "".join(f'<a href="/p{i}">{i}</a>' for i in range(6))

    async def home(request: web.Request) -> web.Response:
        return web.Response(text=html("首页", links, nav=False), content_type="text/html")

    async def page(request: web.Request) -> web.Response:
        await asyncio.sleep(0.05)
        return web.Response(text=html("页", "<p>内容</p>", nav=False), content_type="text/html")

    app.router.add_get("/", home)
    app.router.add_get("/p{n}", page)
    config = CrawlConfig(rate=20.0, request_timeout=2.0)  # polite except for the rate

    async def go() -> float:
        async with serve(app) as port:
            t0 = time.monotonic()
            crawl = await Crawler(config, resolver=StubResolver()).crawl(f"http://{SITE}:{port}/")
            assert len(crawl.pages) == 7
            return time.monotonic() - t0

    elapsed = asyncio.run(go())
    assert log.max_inflight <= 2
    assert log.user_agents == {DEFAULT_USER_AGENT}
    assert elapsed >= 8 / 20 * 0.8  # 8 requests (robots.txt included) at 20/s
