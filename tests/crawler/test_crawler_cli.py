"""The synchronous entry points: ``inspect()`` and the CLI, plus the crawl time budget."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from aiohttp import web
from crawler_sites import (
    SITE,
    RequestLog,
    StubResolver,
    closed_port,
    column_list,
    html,
    new_app,
    respond,
    serve,
    serve_in_thread,
)

from kaohe.crawler import CrawlConfig, Crawler, inspect
from kaohe.crawler.cli import main


def small_site() -> web.Application:
    app = new_app(RequestLog())
    app.router.add_get("/", respond(html("首页", '<a href="/col/">栏目</a>', nav=False)))
    listing = column_list([("旧文", "/col/a.html", "2023-01-02")])
    app.router.add_get("/col/", respond(html("栏目", listing, nav=False), "gb18030", "text/html"))
    app.router.add_get("/col/a.html", respond(html("旧文", "<p>正文</p>", nav=False)))
    return app


def test_cli_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve_in_thread(small_site()) as port:
        base = f"http://127.0.0.1:{port}"
        csv_file = tmp_path / "columns.csv"
        csv_file.write_bytes(
            f"单位,栏目,网址,更新周期(天)\n县档案馆,档案公开,{base}/col/,180\n".encode("gb18030")
        )
        code = main(
            [
                f"{base}/",
                "--columns",
                str(csv_file),
                "--as-of",
                "2024-06-30",
                "--rate",
                "0",
                "--concurrency",
                "4",
                "--warc-dir",
                str(tmp_path / "warc"),
                "--records",
                str(tmp_path / "records.jsonl"),
            ]
        )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["findings"] == [
        {
            "kind": "stale_column",
            "unit": "县档案馆",
            "column": "档案公开",
            "url": f"{base}/col/",
            "last_update": "2023-01-02",
            "max_age_days": 180,
        }
    ]
    assert data["pages_fetched"] == 3
    assert (tmp_path / "records.jsonl").read_text(encoding="utf-8").count("\n") == 4  # + robots
    assert len(list((tmp_path / "warc").glob("*.warc.gz"))) == 1


def test_cli_rejects_bad_column_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(
        "单位,栏目,网址,更新周期(天)\n县档案馆,档案公开,not-a-url,x\n", encoding="utf-8"
    )
    assert main(["http://127.0.0.1:9/", "--columns", str(csv_file)]) == 2
    err = capsys.readouterr().err
    assert ":2 [网址]" in err and ":2 [更新周期(天)]" in err


def test_inspect_sync_unreachable_site() -> None:
    report = inspect(
        f"http://127.0.0.1:{closed_port()}/",
        as_of="2024-06-30",
        rate=None,
        config=CrawlConfig(retry_delay=0),
    )
    data = report.to_dict()
    assert data["pages_fetched"] == 0
    assert data["findings"] == [
        {"kind": "unreachable", "url": data["site"], "status": "connection_refused"}
    ]


def test_time_budget_stops_the_crawl() -> None:
    app = new_app(RequestLog())
    links = "".join(f'<a href="/s{i}">{i}</a>' for i in range(40))
    app.router.add_get("/", respond(html("首页", links, nav=False)))

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.3)
        return web.Response(text="慢", content_type="text/html")

    app.router.add_get("/s{n}", slow)
    config = CrawlConfig().lifted(concurrency=1, time_budget=1.0, request_timeout=2.0)

    async def go() -> tuple[float, object]:
        async with serve(app) as port:
            t0 = time.monotonic()
            crawl = await Crawler(config, resolver=StubResolver()).crawl(f"http://{SITE}:{port}/")
            return time.monotonic() - t0, crawl

    elapsed, crawl = asyncio.run(go())
    assert crawl.stopped == "time_budget"  # type: ignore[attr-defined]
    assert elapsed < 3
    assert 1 < len(crawl.fetches) < 40  # type: ignore[attr-defined]


def test_start_redirect_to_www_extends_the_scope() -> None:
    app = new_app(RequestLog())

    async def home(request: web.Request) -> web.Response:
        if request.host.startswith("county.test"):
            raise web.HTTPMovedPermanently(f"http://www.county.test:{request.url.port}/")
        return web.Response(
            text=html("首页", '<a href="/col/">栏目</a>', nav=False), content_type="text/html"
        )

    app.router.add_get("/", home)
    app.router.add_get("/col/", respond(html("栏目", '<a href="/col/a.html">文</a>', nav=False)))
    app.router.add_get("/col/a.html", respond(html("文", "正文", nav=False)))

    async def go() -> object:
        async with serve(app) as port:
            crawler = Crawler(CrawlConfig().lifted(), resolver=StubResolver())
            return await crawler.crawl(f"http://county.test:{port}/")

    crawl = asyncio.run(go())
    www = "http://www.county.test:" + crawl.start_url.rsplit(":", 1)[1]  # type: ignore[attr-defined]
    assert set(crawl.pages) == {crawl.start_url, www + "col/", www + "col/a.html"}  # type: ignore[attr-defined]
    assert "www.county.test" in crawl.scope  # type: ignore[attr-defined]
