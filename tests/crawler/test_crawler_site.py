"""End-to-end: a generated county site with planted defects; every one must be found."""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from crawler_sites import (
    AS_OF,
    NO_DNS,
    OTHER,
    SITE,
    RequestLog,
    StubResolver,
    closed_port,
    column_list,
    html,
    new_app,
    respond,
    serve,
    status,
    toy_checker,
)

from kaohe.crawler import ColumnConfig, CrawlConfig, InspectionReport, inspect_async, read_response


@dataclass
class Run:
    report: InspectionReport
    log: RequestLog
    base: str
    other: str
    refused: str


def _home_links(port: int, refused_port: int) -> list[str]:
    other = f"http://{OTHER}:{port}"
    return [
        "/col/news/",
        "/col/budget/",
        "/col/empty/",
        "/col/rules/",
        "/col/relief/",
        "/art/1.html",
        "/art/2.html",
        "/dead.html",
        "/gone.html",
        "/flaky.html",
        "/busy",
        "/down",
        "/forbidden",
        "/private/secret.html",
        "/files/report.pdf",
        "/moved",
        f"{other}/ok.html",
        f"{other}/missing.html",
        f"http://{NO_DNS}:{port}/page.html",
        f"http://127.0.0.1:{refused_port}/x.html",
        "mailto:office@county.test",
        "javascript:void(0)",
    ]


def county_app(log: RequestLog, refused_port: int) -> web.Application:
    """Absolute links need the server's port, so handlers read it from the request."""
    app = new_app(log)
    r = app.router

    async def home(request: web.Request) -> web.Response:
        links = _home_links(request.url.port or 80, refused_port)
        body = "".join(f'<p><a href="{h}">链接{i}</a></p>' for i, h in enumerate(links))
        return web.Response(
            text=html("某县人民政府", f"<h1>欢迎</h1>{body}"), content_type="text/html"
        )

    r.add_get("/", home)

    # Fresh column, UTF-8, bracketed month-day dates with the year inferred.
    news = column_list([("县长调研", "/art/1.html", "[06-28]"), ("旧闻", "/art/2.html", "[05-02]")])
    r.add_get("/col/news/", respond(html("政务动态", news)))
    # Stale column: GBK bytes, but the server claims UTF-8.
    budget = column_list(
        [
            ("2023年县级预算公开", "/art/1.html", "2023-01-15"),
            ("2022年决算", "/art/2.html", "2022-12-01"),
        ]
    )
    r.add_get(
        "/col/budget/",
        respond(
            html("财政预决算", "<h2>财政预决算信息公开</h2>" + budget),
            "gbk",
            "text/html; charset=utf-8",
        ),
    )
    # Empty column.
    r.add_get("/col/empty/", respond(html("通知公告", '<div class="list">暂无信息</div>')))
    # Stale by a month: GBK bytes behind a wrong <meta charset="utf-8">, no header charset.
    rules = column_list([("关于规范行政执法的规定", "/art/2.html", "2024/05/20")])
    r.add_get(
        "/col/rules/", respond(html("规范性文件", rules, meta_charset="utf-8"), "gbk", "text/html")
    )
    # Fresh column: GBK with no declaration anywhere, 年月日 dates.
    relief = column_list([("社会救助资金发放公示", "/art/2.html", "2024年6月1日")])
    r.add_get("/col/relief/", respond(html("社会救助", relief), "gbk", "text/html"))
    r.add_get("/col/busy/", status(503, **{"Retry-After": "120"}))
    # /col/removed/ is not routed: 404 -> missing column.

    # Articles: a typo in a GBK page without declaration, an ID number in a UTF-8 page.
    r.add_get(
        "/art/1.html",
        respond(
            html("县长调研", "<p>县长对下一步工作进行了<b>部暑</b>。</p>"), "gb18030", "text/html"
        ),
    )
    r.add_get(
        "/art/2.html",
        respond(html("公示", "<p>申请人：张某，身份证号：110101199003074514。</p>")),
    )
    r.add_get("/gone.html", status(410))
    flaky_hits = {"n": 0}

    async def flaky(request: web.Request) -> web.Response:
        flaky_hits["n"] += 1
        if flaky_hits["n"] == 1:
            return web.Response(status=404, text="临时故障")
        return web.Response(text="ok", content_type="text/html")

    r.add_get("/flaky.html", flaky)
    r.add_get("/busy", status(429, **{"Retry-After": "3600"}))
    r.add_get("/down", status(503))
    r.add_get("/forbidden", status(403))
    r.add_get("/private/secret.html", respond(html("内部", "机密")))
    r.add_get("/files/report.pdf", respond("%PDF-1.4 " + "x" * 300_000, "ascii", "application/pdf"))

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(f"http://{OTHER}:{request.url.port}/ok.html")

    r.add_get("/moved", moved)
    r.add_get(
        "/ok.html", respond(html("外站", "<p>外部网站</p><a href='/never-crawled.html'>x</a>"))
    )
    return app


COLUMNS = [
    ColumnConfig("县政府办", "政务动态", f"http://{SITE}:{{port}}/col/news/", 30),
    ColumnConfig("县财政局", "财政预决算", f"http://{SITE}:{{port}}/col/budget/", 365),
    ColumnConfig("县教育局", "通知公告", f"http://{SITE}:{{port}}/col/empty/", 30),
    ColumnConfig("县司法局", "规范性文件", f"http://{SITE}:{{port}}/col/rules/", 30),
    ColumnConfig("县民政局", "社会救助", f"http://{SITE}:{{port}}/col/relief/", 90),
    ColumnConfig("县卫健委", "人事信息", f"http://{SITE}:{{port}}/col/removed/", 90),
    ColumnConfig("县应急局", "应急管理", f"http://{SITE}:{{port}}/col/busy/", 90),
]


async def _run(config: CrawlConfig, resolver: StubResolver, warc_dir: Path) -> Run:
    log = RequestLog()
    refused = closed_port()
    async with serve(county_app(log, refused)) as port:
        columns = [
            ColumnConfig(c.unit, c.column, c.url.format(port=port), c.max_age_days) for c in COLUMNS
        ]
        report = await inspect_async(
            f"http://{SITE}:{port}/",
            columns,
            AS_OF,
            max_pages=50,
            concurrency=config.concurrency,
            rate=config.rate,
            text_checkers=[toy_checker],
            config=config,
            resolver=resolver,
            warc_dir=warc_dir,
        )
    base, other = f"http://{SITE}:{port}", f"http://{OTHER}:{port}"
    return Run(report, log, base, other, f"http://127.0.0.1:{refused}")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    config = CrawlConfig().lifted(request_timeout=3.0, connect_timeout=2.0, time_budget=30.0)
    return asyncio.run(_run(config, StubResolver(), tmp_path_factory.mktemp("warc")))


def _pairs(report: InspectionReport, kind: str) -> dict[str, object]:
    return {d["target"]: d["status"] for d in report.of_kind(kind)}


def test_dead_links_found_and_confirmed(run: Run) -> None:
    dead = _pairs(run.report, "dead_link")
    assert dead == {
        f"{run.base}/dead.html": 404,
        f"{run.base}/gone.html": 410,
        f"{run.other}/missing.html": 404,
        f"http://{NO_DNS}:{run.base.rsplit(':', 1)[1]}/page.html": "dns_failure",
        f"{run.refused}/x.html": "connection_refused",
    }
    assert all(d["page"] == f"{run.base}/" for d in run.report.of_kind("dead_link"))
    assert run.log.hits["/dead.html"] == 2  # confirmed on one retry
    assert run.log.hits["/flaky.html"] == 2  # 404 then 200: not dead


def test_busy_and_failing_links_are_unverified_never_dead(run: Run) -> None:
    unverified = _pairs(run.report, "unverified_link")
    assert unverified[f"{run.base}/busy"] == 429
    assert unverified[f"{run.base}/down"] == 503
    assert unverified[f"{run.base}/forbidden"] == 403
    assert unverified[f"{run.base}/private/secret.html"] == "robots_disallowed"
    dead = _pairs(run.report, "dead_link")
    for path in ("/busy", "/down", "/forbidden", "/col/busy/"):
        assert f"{run.base}{path}" not in dead
    assert run.log.hits["/busy"] == 1  # no retry hammering a 429


def test_columns(run: Run) -> None:
    report = run.report
    stale = {d["column"]: d for d in report.of_kind("stale_column")}
    assert stale == {
        "财政预决算": {
            "kind": "stale_column",
            "unit": "县财政局",
            "column": "财政预决算",
            "url": f"{run.base}/col/budget/",
            "last_update": "2023-01-15",
            "max_age_days": 365,
        },
        "规范性文件": {
            "kind": "stale_column",
            "unit": "县司法局",
            "column": "规范性文件",
            "url": f"{run.base}/col/rules/",
            "last_update": "2024-05-20",
            "max_age_days": 30,
        },
    }
    assert report.of_kind("empty_column") == [
        {
            "kind": "empty_column",
            "unit": "县教育局",
            "column": "通知公告",
            "url": f"{run.base}/col/empty/",
        }
    ]
    assert report.of_kind("missing_column") == [
        {
            "kind": "missing_column",
            "unit": "县卫健委",
            "column": "人事信息",
            "url": f"{run.base}/col/removed/",
        }
    ]
    busy = [d for d in report.of_kind("unverified_link") if d["target"] == f"{run.base}/col/busy/"]
    assert busy == [
        {
            "kind": "unverified_link",
            "page": f"{run.base}/",
            "target": f"{run.base}/col/busy/",
            "status": 503,
        }
    ]
    states = {s.config.column: (s.state, s.last_update) for s in report.columns}
    assert str(states["政务动态"][0]) == "fresh" and str(states["政务动态"][1]) == "2024-06-28"
    assert str(states["社会救助"][0]) == "fresh" and str(states["社会救助"][1]) == "2024-06-01"


def test_gbk_pages_decode_despite_wrong_or_missing_declarations(run: Run) -> None:
    pages = run.report.crawl.pages  # type: ignore[union-attr]
    budget = pages[f"{run.base}/col/budget/"]
    assert "财政预决算信息公开" in budget.text and budget.title == "财政预决算"
    assert budget.record.encoding == "gb18030"
    assert "关于规范行政执法的规定" in pages[f"{run.base}/col/rules/"].text
    assert "社会救助资金发放公示" in pages[f"{run.base}/col/relief/"].text
    assert "县长对下一步工作进行了部暑。" in pages[f"{run.base}/art/1.html"].text


def test_text_checkers_and_report_shape(run: Run) -> None:
    data = json.loads(run.report.to_json())
    assert set(data) == {"site", "as_of", "pages_fetched", "findings"}
    assert data["site"] == f"{run.base}/" and data["as_of"] == "2024-06-30"
    assert data["pages_fetched"] >= 9
    wording = run.report.of_kind("wording")
    assert [(d["page"], d["text"], d["suggestion"]) for d in wording] == [
        (f"{run.base}/art/1.html", "部暑", "部署")
    ]
    privacy = run.report.of_kind("privacy")
    assert [(d["page"], d["text"], d["rule"]) for d in privacy] == [
        (f"{run.base}/art/2.html", "110101********4514", "id_card")
    ]
    assert set(privacy[0]) == {
        "kind",
        "page",
        "text",
        "offset",
        "category",
        "severity",
        "suggestion",
        "rule",
        "page_date",  # added with page dates; every earlier field is still there
    }
    kinds = {d["kind"] for d in data["findings"]}
    assert kinds == {
        "dead_link",
        "unverified_link",
        "stale_column",
        "empty_column",
        "missing_column",
        "wording",
        "privacy",
    }
    assert not run.report.errors


def test_politeness_and_scope(run: Run) -> None:
    assert run.log.user_agents == {"kaohe-inspector/0.1 (+operator contact)"}
    assert run.log.hits["/private/secret.html"] == 0  # robots.txt honoured
    assert run.log.hits["/never-crawled.html"] == 0  # other.test is link-checked, not crawled
    assert run.log.hits["/files/report.pdf"] == 1
    pdf = run.report.crawl.fetches[f"{run.base}/files/report.pdf"].last  # type: ignore[union-attr]
    assert pdf.truncated and pdf.size == 64 * 1024 and pdf.error_kind is None
    moved = run.report.crawl.fetches[f"{run.base}/moved"].last  # type: ignore[union-attr]
    assert moved.final_url == f"{run.other}/ok.html" and moved.redirects == (moved.final_url,)


def test_every_fetch_is_recorded_and_archived(run: Run) -> None:
    crawl = run.report.crawl
    assert crawl is not None and crawl.warc_file
    page = crawl.fetches[f"{run.base}/col/budget/"].last
    assert page.status == 200 and page.sha256 and page.size > 0 and page.elapsed >= 0
    assert page.content_type == "text/html; charset=utf-8"
    archived = read_response(page.warc_file, page.warc_offset)  # type: ignore[arg-type]
    assert archived.status == 200 and archived.url == page.url
    assert "财政预决算信息公开" in archived.body.decode("gbk")
    assert hashlib.sha256(archived.body).hexdigest() == page.sha256
    for record in crawl.records():
        assert record.fetched_at.tzinfo is not None
        if record.status is not None:
            assert record.warc_file == crawl.warc_file and record.warc_offset is not None
