"""Breadth-first crawl of one site, link-checking everything its pages point to.

The crawl fetches in-scope HTML pages (the start URL's host plus the hosts of configured
columns) up to ``max_depth``/``max_pages`` and parses them; every other discovered URL —
off-site links, attachments, pages past the limits — is fetched once, lightly, just to learn
whether it is alive. A dead-looking answer is retried once before it counts.

Results are plain data (:class:`CrawlResult`) so that the checks can be pure functions and
so that a crawl can be stored and re-checked without the network.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import aiohttp

from .config import CrawlConfig
from .dates import PageDate, page_date
from .decode import decode_html
from .extract import ListItem, ParsedPage, parse_html
from .fetch import Fetcher, is_html
from .politeness import HostLimiter
from .records import Attempts, ErrorKind, FetchRecord, Verdict
from .soft404 import soft_404, soft_404_html
from .urls import TrapGuard, host, normalize
from .warc import WarcArchive

log = logging.getLogger(__name__)

#: Bodies up to this size are parsed on the event loop itself, larger ones on a thread.
#: A page of this size parses in a few milliseconds; the worst markup found (thousands of
#: nested blocks, which lexbor handles in quadratic time) holds the loop for ~0.3 s.
INLINE_PARSE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Page:
    """An in-scope HTML page that was fetched and parsed."""

    url: str  # as requested (the key other data refers to)
    depth: int
    record: FetchRecord
    title: str
    text: str
    links: tuple[str, ...]
    items: tuple[ListItem, ...]
    date_source: str = ""  # where the date was read: "meta:pubdate", "text:发布时间", "url"
    refresh: str | None = None  # a <meta http-equiv="refresh"> target

    @property
    def date(self) -> date | None:
        """Publication date of an article page (never of a list page): the record's."""
        return self.record.page_date


def new_session(
    config: CrawlConfig, resolver: aiohttp.abc.AbstractResolver | None = None
) -> aiohttp.ClientSession:
    """The HTTP session every fetch of a crawl (or a probe) goes through."""
    c = config
    connector = aiohttp.TCPConnector(
        limit=max(2 * c.workers, 10),
        ssl=None if c.verify_tls else False,
        resolver=resolver,
        ttl_dns_cache=300,
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(
            total=None, connect=c.connect_timeout, sock_connect=c.connect_timeout
        ),
        auto_decompress=False,  # BoundedBody inflates, with a cap
        trust_env=c.trust_env,
        cookie_jar=aiohttp.CookieJar(unsafe=True),  # WAF cookie bounces, IP hosts too
        max_field_size=16 * 1024,
    )


@dataclass(slots=True)
class CrawlResult:
    start_url: str
    scope: set[str]  # hosts crawled as "the site"; the rest is only link-checked
    started_at: datetime
    finished_at: datetime | None = None
    # The bulky fields stay out of repr(): a whole site's text, links and records would make
    # it tens of millions of characters (and asyncio formats the repr of a task's result).
    pages: dict[str, Page] = field(default_factory=dict, repr=False)
    fetches: dict[str, Attempts] = field(default_factory=dict, repr=False)  # every URL fetched
    robots: list[FetchRecord] = field(default_factory=list, repr=False)  # robots.txt fetches
    skipped: dict[str, str] = field(default_factory=dict, repr=False)  # URL -> why not fetched
    stopped: str | None = None  # "time_budget" or "max_fetches" when cut short
    requests: int = 0
    warc_file: str | None = None
    page_urls: set[str] = field(default_factory=set, repr=False)  # URLs requested as pages

    def records(self) -> list[FetchRecord]:
        """Every fetch made, retries and robots.txt included."""
        return [*self.robots, *(r for a in self.fetches.values() for r in a.records)]

    def verdict(self, url: str) -> Verdict | None:
        attempts = self.fetches.get(url)
        return attempts.verdict if attempts else None

    @property
    def pages_fetched(self) -> int:
        """In-scope pages that were requested as pages and got an HTTP answer."""
        fetches = self.fetches
        return sum(
            1 for url in self.page_urls if url in fetches and fetches[url].last.status is not None
        )


@dataclass(frozen=True, slots=True)
class _Job:
    url: str
    depth: int
    page: bool


class Crawler:
    """One crawl. Create, ``await crawl(...)``, read the result; not reusable.

    List items (:attr:`Page.items`: each link with the text of its list entry, which the
    column checks read dates from) are extracted on the start and seed (column) pages only:
    on every page they were most of the parsing work and of the memory kept. Pass
    ``items_everywhere=True`` to have them on every page, e.g. to check the stored crawl
    later against columns that were not seeds.
    """

    def __init__(
        self,
        config: CrawlConfig | None = None,
        *,
        archive: WarcArchive | None = None,
        previous: Mapping[str, FetchRecord] | Iterable[FetchRecord] = (),
        resolver: aiohttp.abc.AbstractResolver | None = None,
        as_of: date | None = None,
        items_everywhere: bool = False,
    ) -> None:
        self.config = config or CrawlConfig()
        self.items_everywhere = items_everywhere
        self._item_pages: set[str] = set()  # the start and seed URLs
        self.archive = archive
        if isinstance(previous, Mapping):
            self.previous = dict(previous)
        else:
            self.previous = {r.url: r for r in previous}
        self.resolver = resolver
        self.as_of = as_of or date.today()
        c = self.config
        self.guard = TrapGuard(
            max_url_length=c.max_url_length,
            max_query_variants=c.max_query_variants,
            max_calendar_variants=c.max_calendar_variants,
            max_segment_repeats=c.max_segment_repeats,
            max_year=self.as_of.year + 1,
        )
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._seen: set[str] = set()
        self._pages_planned = 0
        self._fetches_planned = 0
        self.result: CrawlResult | None = None
        # Parsing is CPU-bound. Ordinary pages are parsed inline, on the event loop: the
        # Python around lexbor holds the GIL, so a thread gives them no parallelism, only a
        # cross-thread hand-off per page. Large ones (INLINE_PARSE_BYTES) go to one thread,
        # so that a slow parse (lexbor releases the GIL while parsing) cannot starve other
        # requests into timeouts. At most one large and one small DOM exist at a time.
        self._parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kaohe-parse")

    async def crawl(self, start_url: str, seeds: Sequence[str] = ()) -> CrawlResult:
        """Crawl from ``start_url``; ``seeds`` (column URLs) are always fetched as pages."""
        start = normalize(start_url)
        if start is None:
            raise ValueError(f"not an http(s) URL: {start_url!r}")
        seed_urls = [u for u in (normalize(s) for s in seeds) if u]
        result = CrawlResult(
            start_url=start,
            scope={host(start), *(host(u) for u in seed_urls)},
            started_at=datetime.now(UTC),
            warc_file=str(self.archive.path) if self.archive else None,
        )
        self.result = result
        limiter = HostLimiter(self.config.concurrency, self.config.rate, self.config.max_backoff)
        async with new_session(self.config, self.resolver) as session:
            fetcher = Fetcher(session, self.config, limiter, self.archive)
            self._item_pages = {start, *seed_urls}
            for url in [start, *seed_urls]:
                self._schedule(url, 0, seed=True)
            workers = [
                asyncio.create_task(self._work(fetcher)) for _ in range(max(1, self.config.workers))
            ]
            try:
                async with asyncio.timeout(self.config.time_budget):
                    await self._queue.join()
            except TimeoutError:
                result.stopped = "time_budget"
                log.warning("crawl of %s stopped: time budget exhausted", start)
            finally:
                for worker in workers:
                    worker.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                self._parser.shutdown(wait=False, cancel_futures=True)
            result.requests = fetcher.requests
            result.robots = list(fetcher.robots_records)
        result.finished_at = datetime.now(UTC)
        return result

    def _schedule(self, url: str, depth: int, seed: bool = False) -> None:
        result = self.result
        assert result is not None
        if url in self._seen:
            return
        self._seen.add(url)
        if not seed:
            reason = self.guard.reason_to_skip(url)
            if reason:
                result.skipped[url] = reason
                return
            if self._fetches_planned >= self.config.fetch_limit:
                result.skipped[url] = "fetch_limit"
                result.stopped = result.stopped or "max_fetches"
                return
        in_scope = host(url) in result.scope
        page = seed or (
            in_scope
            and depth <= self.config.max_depth
            and self._pages_planned < self.config.max_pages
        )
        if page:
            self._pages_planned += 1
            result.page_urls.add(url)
        self._fetches_planned += 1
        self._queue.put_nowait(_Job(url, depth, page))

    async def _work(self, fetcher: Fetcher) -> None:
        while True:
            job = await self._queue.get()
            try:
                await self._handle(fetcher, job)
            except Exception:  # a bug here must not stall the whole crawl
                log.exception("crawler failed on %s", job.url)
            finally:
                self._queue.task_done()

    async def _handle(self, fetcher: Fetcher, job: _Job) -> None:
        result = self.result
        assert result is not None
        fetched = await fetcher.fetch(job.url, page=job.page, previous=self.previous.get(job.url))
        attempts = Attempts([fetched.record])  # only now: a cancelled job leaves no trace
        result.fetches[job.url] = attempts
        if fetched.record.verdict is Verdict.DEAD:
            await asyncio.sleep(self.config.retry_delay)
            fetched = await fetcher.fetch(job.url, page=job.page)
            attempts.records.append(fetched.record)

        record = fetched.record
        answered = record.not_modified or (record.status is not None and 200 <= record.status < 300)
        if not (answered and fetched.body is not None):
            return
        final_host = host(record.final_url)
        if job.page and job.url == result.start_url:
            result.scope.add(final_host)  # county.gov.cn -> www.county.gov.cn
        html = (
            is_html(record.content_type) and record.error_kind is not ErrorKind.DECOMPRESSION_BOMB
        )
        if not html:
            return  # a hostile body is not worth parsing either
        if not (job.page and final_host in result.scope):
            # Fetched only to learn whether a link is alive: a cheap look for a "not found" page.
            reason = soft_404_html(fetched.body, record.content_type)
            if reason:
                attempts.records[-1] = replace(record, soft_404=reason)
            return
        items = self.items_everywhere or job.url in self._item_pages
        # List pages (start and column pages) show entries of many dates: no page date.
        dated = job.url not in self._item_pages
        args = (record.final_url, fetched.body, record.content_type, items, dated)
        if len(fetched.body) <= INLINE_PARSE_BYTES:
            encoding, parsed, date_ = self._parse(*args)
        else:  # parsing and dating a big page would hold up every other request
            loop = asyncio.get_running_loop()
            encoding, parsed, date_ = await loop.run_in_executor(self._parser, self._parse, *args)
        record = replace(
            record,
            encoding=encoding,
            page_date=date_.value if date_ else None,
            soft_404=soft_404(parsed.title, parsed.text),
        )
        attempts.records[-1] = record
        result.pages[job.url] = Page(
            job.url, job.depth, record, parsed.title, parsed.text, parsed.links, parsed.items,
            date_.source if date_ else "", parsed.refresh,
        )  # fmt: skip
        seen = self._seen
        for link in parsed.links:
            if link not in seen:  # most links were met on earlier pages already
                self._schedule(link, job.depth + 1)

    def _parse(
        self,
        url: str,
        body: bytes,
        content_type: str | None,
        items: bool = True,
        dated: bool = False,
    ) -> tuple[str, ParsedPage, PageDate | None]:
        """Decode and parse a page, and (``dated``) find its publication date."""
        decoded = decode_html(body, content_type)
        parsed = parse_html(url, decoded.text, self.config.max_parse_chars, items=items)
        found = None
        if dated:
            html = decoded.text
            found = page_date(url, parsed.meta, parsed.text, self.as_of, html=lambda: html)
        return decoded.encoding, parsed, found
