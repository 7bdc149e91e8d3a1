"""One visit of a site's home page, for the weekly availability rule.

The national inspection indicators call a site unavailable when 5% or more of its visits over
a week fail, sampling it many times a day. A probe is one such visit: a GET of the home page,
redirects followed, the body read only as far as a link check reads it (status is what
counts), no retry — a failed visit is exactly what is being counted. It does not fetch
robots.txt: a visitor's look at the home page is not crawling, and a robots.txt that
answers 5xx would otherwise count as the site being down. :func:`checks.availability`
turns a week of probes into the verdict.
"""

from __future__ import annotations

import asyncio

import aiohttp

from .config import CrawlConfig
from .crawl import new_session
from .fetch import Fetcher
from .politeness import HostLimiter
from .records import FetchRecord
from .urls import normalize


async def visit_async(
    url: str,
    config: CrawlConfig | None = None,
    resolver: aiohttp.abc.AbstractResolver | None = None,
) -> FetchRecord:
    """Visit ``url`` once; the record says whether a visitor got the page
    (:func:`checks.visit_failed`). Never raises for what the server does."""
    start = normalize(url)
    if start is None:
        raise ValueError(f"not an http(s) URL: {url!r}")
    config = config or CrawlConfig()
    limiter = HostLimiter(1, None, config.max_backoff)
    async with new_session(config, resolver) as session:
        fetcher = Fetcher(session, config, limiter)
        fetched = await fetcher.fetch(start, page=False, check_robots=False)
    return fetched.record


def visit(
    url: str,
    config: CrawlConfig | None = None,
    resolver: aiohttp.abc.AbstractResolver | None = None,
) -> FetchRecord:
    """Synchronous :func:`visit_async` (its own event loop; from async code, await that)."""
    return asyncio.run(visit_async(url, config, resolver))
