"""WARC evidence, and conditional re-fetch from a previous run's records."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

from aiohttp import web
from crawler_sites import SITE, RequestLog, StubResolver, column_list, html, new_app, serve
from warcio.archiveiterator import ArchiveIterator

from kaohe.crawler import CrawlConfig, Crawler, CrawlResult, WarcArchive, read_response

LIST = html("政务动态", column_list([("县长调研", "/a.html", "2024-06-28")]), nav=False)


def etag_app(log: RequestLog) -> web.Application:
    app = new_app(log)

    async def home(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        body = gzip.compress(LIST.encode("gbk"))
        headers = {"ETag": '"v1"', "Content-Type": "text/html", "Content-Encoding": "gzip"}
        return web.Response(body=body, headers=headers)

    async def dated(request: web.Request) -> web.Response:
        if request.headers.get("If-Modified-Since") == "Sat, 29 Jun 2024 00:00:00 GMT":
            return web.Response(status=304)
        headers = {"Last-Modified": "Sat, 29 Jun 2024 00:00:00 GMT"}
        return web.Response(
            text=html("文章", "<p>正文</p>", nav=False), content_type="text/html", headers=headers
        )

    app.router.add_get("/", home)
    app.router.add_get("/a.html", dated)
    return app


async def _crawl(port: int, warc_dir: Path, previous: list | None = None) -> CrawlResult:  # type: ignore[type-arg]
    config = CrawlConfig().lifted(request_timeout=2.0)
    with WarcArchive(warc_dir) as archive:
        crawler = Crawler(config, archive=archive, previous=previous or (), resolver=StubResolver())
        return await crawler.crawl(f"http://{SITE}:{port}/")


def _two_runs(
    log: RequestLog, tmp_path: Path, between=lambda first: None
) -> tuple[CrawlResult, CrawlResult]:  # type: ignore[no-untyped-def]
    """Crawl twice against the same server, the second run with the first one's records."""

    async def go() -> tuple[CrawlResult, CrawlResult]:
        async with serve(etag_app(log)) as port:
            first = await _crawl(port, tmp_path / "run1")
            between(first)
            return first, await _crawl(port, tmp_path / "run2", first.records())

    return asyncio.run(go())


async def _one(log: RequestLog, tmp_path: Path) -> CrawlResult:
    async with serve(etag_app(log)) as port:
        return await _crawl(port, tmp_path)


def test_warc_records_request_and_response(tmp_path: Path) -> None:
    crawl = asyncio.run(_one(RequestLog(), tmp_path))
    home = crawl.fetches[crawl.start_url].last
    assert home.warc_file == crawl.warc_file and home.warc_offset is not None
    archived = read_response(home.warc_file, home.warc_offset)
    assert archived.status == 200 and archived.body.decode("gbk") == LIST  # gzip undone
    assert ("ETag", '"v1"') in archived.headers
    with open(crawl.warc_file, "rb") as f:  # type: ignore[arg-type]
        kinds = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(f)
        ]
    assert kinds[0][0] == "warcinfo"
    assert ("request", crawl.start_url) in kinds and ("response", crawl.start_url) in kinds
    assert ("response", crawl.start_url + "robots.txt") in kinds
    assert [r.url for r in crawl.robots] == [crawl.start_url + "robots.txt"]


def test_conditional_refetch_reuses_the_archived_body(tmp_path: Path) -> None:
    log = RequestLog()
    first, second = _two_runs(log, tmp_path)
    home = second.fetches[second.start_url].last
    assert home.status == 304 and home.not_modified
    assert home.warc_file == first.warc_file  # evidence of the content: the first run's record
    assert home.sha256 == first.fetches[first.start_url].last.sha256
    assert "县长调研" in second.pages[second.start_url].text  # parsed from the old WARC
    article = next(u for u in second.fetches if u.endswith("/a.html"))
    assert second.fetches[article].last.not_modified
    assert log.headers["/"]["If-None-Match"] == '"v1"'


def test_missing_old_warc_means_plain_refetch(tmp_path: Path) -> None:
    log = RequestLog()
    first, second = _two_runs(log, tmp_path, lambda first: Path(first.warc_file).unlink())
    assert second.fetches[second.start_url].last.status == 200
    assert "If-None-Match" not in log.headers["/"]
