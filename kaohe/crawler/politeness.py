"""Per-host politeness: concurrency, request rate, backoff and robots.txt.

A county government site is often a single small server behind a WAF that bans aggressive
clients; being banned mid-inspection would turn every link "unverified". So by default each
host (origin) gets at most 2 concurrent requests and 1 request per second, a 429/503 pushes
the next request to that host back (honouring ``Retry-After`` up to a cap), and robots.txt —
including ``Crawl-delay`` — is obeyed. Tests and local runs lift the limits via the config.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.robotparser import RobotFileParser

from .records import ErrorKind
from .urls import origin


@dataclass
class _HostState:
    semaphore: asyncio.Semaphore
    lock: asyncio.Lock
    interval: float
    next_at: float = 0.0


class HostLimiter:
    """Hands out request slots per origin: ``async with limiter.slot(url): ...``."""

    def __init__(
        self,
        concurrency: int = 2,
        rate: float | None = 1.0,
        max_backoff: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self.interval = 1.0 / rate if rate else 0.0
        self.max_backoff = max_backoff
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _HostState] = {}

    def _state(self, url: str) -> _HostState:
        key = origin(url)
        state = self._hosts.get(key)
        if state is None:
            state = _HostState(asyncio.Semaphore(self.concurrency), asyncio.Lock(), self.interval)
            self._hosts[key] = state
        return state

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        state = self._state(url)
        async with state.semaphore:
            async with state.lock:  # serialise the spacing, not the requests themselves
                wait = state.next_at - self._clock()
                if wait > 0:
                    await self._sleep(wait)
                state.next_at = self._clock() + state.interval
            yield

    def set_min_interval(self, url: str, seconds: float) -> None:
        """Slow a host down (robots.txt ``Crawl-delay``); never speeds it up."""
        state = self._state(url)
        state.interval = max(state.interval, min(seconds, self.max_backoff))

    def back_off(self, url: str, retry_after: float | None) -> None:
        """After 429/503: keep away from the host for ``Retry-After`` (capped) or a bit."""
        state = self._state(url)
        delay = retry_after if retry_after is not None else max(2 * state.interval, 1.0)
        delay = min(delay, self.max_backoff)
        state.next_at = max(state.next_at, self._clock() + delay)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    allowed: bool
    error: ErrorKind | None = None  # set when not allowed


@dataclass(frozen=True, slots=True)
class RobotsFetch:
    """What fetching ``/robots.txt`` gave: the fetcher's view, without aiohttp types."""

    status: int | None
    error: ErrorKind | None
    text: str


class RobotsPolicy:
    """robots.txt per origin, fetched once (concurrent first requests share the fetch).

    Reading of RFC 9309: 2xx -> obey the file; other 4xx -> no restrictions; 5xx, 429 or a
    timeout -> assume complete disallow (the URL is then *unverified*, not dead). A host that
    does not resolve or refuses connections has no robots.txt to obey: we let the request go
    ahead so that it fails the same way and the link can be judged dead.
    """

    def __init__(
        self,
        user_agent: str,
        fetch: Callable[[str], Awaitable[RobotsFetch]],
        limiter: HostLimiter | None = None,
        max_crawl_delay: float = 10.0,
    ) -> None:
        self.user_agent = user_agent
        self._fetch = fetch
        self._limiter = limiter
        self._max_crawl_delay = max_crawl_delay
        self._rules: dict[str, asyncio.Task[RobotFileParser | ErrorKind | None]] = {}

    async def check(self, url: str) -> RobotsAnswer:
        key = origin(url)
        task = self._rules.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key))
            self._rules[key] = task
        rules = await asyncio.shield(task)
        if rules is None:
            return RobotsAnswer(True)
        if isinstance(rules, ErrorKind):
            return RobotsAnswer(False, rules)
        if rules.can_fetch(self.user_agent, url):
            return RobotsAnswer(True)
        return RobotsAnswer(False, ErrorKind.ROBOTS_DISALLOWED)

    async def _load(self, key: str) -> RobotFileParser | ErrorKind | None:
        got = await self._fetch(key + "/robots.txt")
        status = got.status
        if got.error in (ErrorKind.DNS_FAILURE, ErrorKind.CONNECTION_REFUSED):
            return None
        if status is not None and 200 <= status < 300:
            parser = RobotFileParser()
            parser.parse(got.text.splitlines())
            parser.modified()  # can_fetch() refuses everything until this is set
            delay = parser.crawl_delay(self.user_agent)
            if delay and self._limiter is not None:
                self._limiter.set_min_interval(key, min(float(delay), self._max_crawl_delay))
            return parser
        if status is not None and 400 <= status < 500 and status != 429:
            return None
        return ErrorKind.ROBOTS_UNAVAILABLE
