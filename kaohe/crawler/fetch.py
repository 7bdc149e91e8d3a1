"""One URL in, one :class:`FetchRecord` (plus the body) out — whatever the server does.

Redirects are followed by hand (aiohttp's ``allow_redirects=False``) so that every hop goes
through the per-host limiter and robots.txt, is archived, and is checked for loops. Each hop
runs under a hard timeout covering the body too, so a server that trickles bytes cannot hold
a worker. Exceptions never escape: they become an :class:`ErrorKind` on the record, because
the checks need to tell "nothing there" (dead) from "could not tell" (unverified).
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp

from .body import BodyLimitExceeded, BoundedBody, UnsupportedEncoding
from .config import CrawlConfig
from .politeness import HostLimiter, RobotsFetch, RobotsPolicy, parse_retry_after
from .records import ANSWERED_ERRORS, ErrorKind, FetchRecord
from .urls import normalize
from .warc import WarcArchive, read_response

_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES = ("text/html", "application/xhtml+xml")
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB

REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
    "Accept-Encoding": "gzip, deflate",  # only what BoundedBody can inflate
}


def is_html(content_type: str | None) -> bool:
    """HTML, or undeclared (old county servers often send no Content-Type at all)."""
    if not content_type:
        return True
    return content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES


def classify_exception(exc: BaseException) -> ErrorKind:
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return ErrorKind.DNS_FAILURE
    if isinstance(exc, aiohttp.ClientSSLError):
        return ErrorKind.TLS_ERROR
    if isinstance(exc, TimeoutError):  # includes aiohttp's ServerTimeoutError
        return ErrorKind.TIMEOUT
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = exc.os_error
        if isinstance(os_error, ConnectionRefusedError) or os_error.errno == errno.ECONNREFUSED:
            return ErrorKind.CONNECTION_REFUSED
        if "refused" in str(os_error).lower():  # happy-eyeballs wraps several attempts
            return ErrorKind.CONNECTION_REFUSED
        return ErrorKind.CONNECTION_ERROR
    if isinstance(exc, aiohttp.InvalidURL | ValueError):
        return ErrorKind.INVALID_URL
    return ErrorKind.CONNECTION_ERROR


@dataclass(slots=True)
class Fetched:
    record: FetchRecord
    body: bytes | None = None  # content-decoded; None when nothing usable was received


@dataclass(slots=True)
class _Hop:
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    body: BoundedBody | None = None
    error: ErrorKind | None = None
    truncated: bool = False
    warc_offset: int | None = None


class Fetcher:
    """Fetches through a shared aiohttp session, limiter, robots policy and WARC archive."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        config: CrawlConfig,
        limiter: HostLimiter,
        archive: WarcArchive | None = None,
    ) -> None:
        self.session = session
        self.config = config
        self.limiter = limiter
        self.archive = archive
        self.robots = RobotsPolicy(
            config.user_agent, self._fetch_robots, limiter, config.max_crawl_delay
        )
        self.requests = 0  # every HTTP request attempted, robots.txt and hops included
        self.robots_records: list[FetchRecord] = []  # fetches of robots.txt, for the record

    async def fetch(
        self,
        url: str,
        *,
        page: bool = True,
        previous: FetchRecord | None = None,
        check_robots: bool = True,
        limit: int | None = None,
    ) -> Fetched:
        """Fetch ``url`` following redirects. ``page`` reads HTML up to ``max_bytes``; other
        bodies (and all bodies when ``page`` is False) only up to ``link_max_bytes``."""
        started = datetime.now(UTC)
        t0 = time.monotonic()
        current = url
        hops: list[str] = []
        visits = Counter([url])
        conditional = self._conditional_headers(previous)

        def record(hop: _Hop | None, error: ErrorKind | None, **extra: object) -> FetchRecord:
            body = hop.body.data if hop and hop.body is not None else None
            headers = hop.headers if hop else {}
            values: dict[str, object] = dict(
                url=url,
                final_url=current,
                status=hop.status if hop else None,
                fetched_at=started,
                elapsed=round(time.monotonic() - t0, 4),
                size=len(body) if body is not None else 0,
                sha256=hashlib.sha256(body).hexdigest() if body is not None else None,
                content_type=headers.get("content-type"),
                error_kind=error,
                redirects=tuple(hops),
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
                truncated=hop.truncated if hop else False,
                warc_file=str(self.archive.path)
                if self.archive and hop and hop.warc_offset is not None
                else None,
                warc_offset=hop.warc_offset if hop else None,
            )
            values.update(extra)
            return FetchRecord(**values)  # type: ignore[arg-type]

        while True:
            if check_robots:
                answer = await self.robots.check(current)
                if not answer.allowed:
                    return Fetched(record(None, answer.error))
            hop = await self._exchange(current, page, conditional if current == url else {}, limit)
            if hop.status is None or (hop.error and hop.error not in ANSWERED_ERRORS):
                return Fetched(record(hop, hop.error))
            if hop.status in _REDIRECTS:
                location = hop.headers.get("location")
                target = normalize(location, current) if location else None
                if target is None:
                    return Fetched(record(hop, ErrorKind.BAD_REDIRECT))
                visits[target] += 1
                if visits[target] > 2:  # once more is a cookie-setting bounce, thrice a loop
                    return Fetched(record(hop, ErrorKind.REDIRECT_LOOP))
                if len(hops) >= self.config.max_redirects:
                    return Fetched(record(hop, ErrorKind.TOO_MANY_REDIRECTS))
                hops.append(target)
                current = target
                continue
            if hop.status == 304 and previous is not None and conditional:
                reused = self._reuse(previous, limit)
                if reused is None:  # evidence gone: fetch afresh
                    return await self.fetch(url, page=page, check_robots=check_robots, limit=limit)
                body, warc = reused
                return Fetched(
                    record(
                        hop,
                        None,
                        size=len(body),
                        sha256=hashlib.sha256(body).hexdigest(),
                        content_type=previous.content_type,
                        etag=hop.headers.get("etag") or previous.etag,
                        last_modified=hop.headers.get("last-modified") or previous.last_modified,
                        not_modified=True,
                        warc_file=warc[0],
                        warc_offset=warc[1],
                    ),
                    body,
                )
            body = bytes(hop.body.data) if hop.body is not None else None
            return Fetched(record(hop, hop.error), body)

    @staticmethod
    def _conditional_headers(previous: FetchRecord | None) -> dict[str, str]:
        """Only ask for a 304 if we still hold the old body to check against (and the old
        body belongs to this URL, not to the end of a redirect chain)."""
        if previous is None or previous.status != 200 or previous.truncated or previous.redirects:
            return {}
        if not previous.warc_file or previous.warc_offset is None:
            return {}
        if not os.path.exists(previous.warc_file):
            return {}
        headers = {}
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
        return headers

    def _reuse(
        self, previous: FetchRecord, limit: int | None
    ) -> tuple[bytes, tuple[str, int]] | None:
        assert previous.warc_file is not None and previous.warc_offset is not None
        try:
            old = read_response(
                previous.warc_file, previous.warc_offset, limit or self.config.max_bytes
            )
        except (OSError, ValueError, StopIteration):
            return None
        return old.body, (previous.warc_file, previous.warc_offset)

    async def _exchange(
        self, url: str, page: bool, extra_headers: dict[str, str], limit: int | None
    ) -> _Hop:
        hop = _Hop()
        async with self.limiter.slot(url):
            self.requests += 1
            try:
                async with asyncio.timeout(self.config.request_timeout):
                    await self._request(url, page, extra_headers, limit, hop)
            except Exception as exc:  # noqa: BLE001 - every failure becomes a record
                hop.error = hop.error or classify_exception(exc)
                if hop.body is not None and hop.status is not None:
                    hop.truncated = True
        return hop

    async def _request(
        self, url: str, page: bool, extra_headers: dict[str, str], limit: int | None, hop: _Hop
    ) -> None:
        headers = {**REQUEST_HEADERS, "User-Agent": self.config.user_agent, **extra_headers}
        async with self.session.get(url, headers=headers, allow_redirects=False) as resp:
            hop.status = resp.status
            raw_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.raw_headers]
            hop.headers = {k.lower(): v for k, v in raw_headers}
            if resp.status in (429, 503):
                self.limiter.back_off(url, parse_retry_after(hop.headers.get("retry-after")))
            full_page = page and is_html(hop.headers.get("content-type"))
            cap = limit or (self.config.max_bytes if full_page else self.config.link_max_bytes)
            usable = True
            try:
                body = BoundedBody(hop.headers.get("content-encoding"), cap)
            except UnsupportedEncoding:
                hop.error, usable = ErrorKind.BAD_ENCODING, False
                body = BoundedBody(None, self.config.link_max_bytes)  # raw, for evidence
            hop.body = body  # partial content stays visible if a timeout cuts the read
            try:
                async for chunk in resp.content.iter_chunked(_CHUNK):
                    body.feed(chunk)
                body.finish()
            except BodyLimitExceeded as exc:
                hop.truncated = True
                if full_page or exc.kind is ErrorKind.DECOMPRESSION_BOMB:
                    hop.error = exc.kind  # a capped link check is by design, not an error
                resp.close()  # drop the connection rather than drain the rest
            except ValueError:  # corrupt gzip/deflate stream
                hop.error, usable = ErrorKind.BAD_ENCODING, False
            if self.archive is not None:
                sent = list(resp.request_info.headers.items())
                hop.warc_offset = self.archive.write_exchange(
                    url,
                    "GET",
                    sent,
                    resp.status,
                    resp.reason or "",
                    raw_headers,
                    bytes(body.raw),
                    truncated=hop.truncated,
                )
            if not usable:
                hop.body = None  # raw bytes are not the content: nothing to parse or hash

    async def _fetch_robots(self, url: str) -> RobotsFetch:
        got = await self.fetch(url, page=False, check_robots=False, limit=ROBOTS_MAX_BYTES)
        self.robots_records.append(got.record)
        text = got.body.decode("utf-8", "replace") if got.body else ""
        return RobotsFetch(got.record.status, got.record.error_kind, text)
