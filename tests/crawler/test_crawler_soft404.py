"""Soft 404s: columns sent to the home page or answered 200 with a “page not found” body are
missing columns (with the reason); links answering so are unverified (“疑似软404”), never dead."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from crawler_sites import (
    AS_OF,
    OTHER,
    SITE,
    RequestLog,
    StubResolver,
    column_list,
    html,
    new_app,
    respond,
    serve,
)

from kaohe.crawler import ColumnConfig, CrawlConfig, InspectionReport, inspect_async
from kaohe.crawler.checks import check_text
from kaohe.crawler.soft404 import is_root, redirected_to_root, soft_404, soft_404_html

NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html><head><title>页面不存在</title></head>"
    "<body><p>对不起，您访问的页面不存在或已被删除。</p><a href='/'>返回首页</a></body></html>"
)
ARTICLE = "<p>" + "为方便群众办事，原“页面不存在”的问题已经整改，服务指南已更新。" * 20 + "</p>"


def test_not_found_pages_are_told_from_articles() -> None:
    assert soft_404("页面不存在", "") == "疑似软404（页面标题为“页面不存在”）"
    assert soft_404("404 Not Found", "").startswith("疑似软404")
    assert soft_404("某县人民政府", "首页\n对不起，您访问的页面不存在！\n返回首页").startswith(
        "疑似软404（页面内容为“"
    )
    assert soft_404("错误", "HTTP 404 错误").startswith("疑似软404")
    # a long page that mentions the phrase is an article; short pages without it are fine
    assert soft_404("办事指南", ARTICLE) is None
    assert soft_404("通知公告", "通知公告\n暂无信息") is None
    assert soft_404("国道404公里处路段养护公告", "...") is not None  # a bare 404 in a title
    assert soft_404("养护公告", "国道404公里处路段养护，请绕行。") is None  # not in text
    body = NOT_FOUND_PAGE.encode("gbk")
    assert soft_404_html(body, "text/html; charset=gbk") == "疑似软404（页面标题为“页面不存在”）"
    assert soft_404_html(b"<html><title>ok</title><p>fine</p></html>", None) is None


def test_home_addresses() -> None:
    for url in ("http://h/", "http://h/index.html", "http://h/Default.aspx", "http://h/index.jsp"):
        assert is_root(url), url
    for url in ("http://h/col/", "http://h/?id=3", "http://h/index.html?page=2", "http://h/a.html"):
        assert not is_root(url), url
    assert redirected_to_root("http://h/art/9.html", "http://h/")
    assert not redirected_to_root("http://h/index.html", "http://h/")  # home to home
    assert not redirected_to_root("http://h/col/", "http://h/col/index.html")


def soft_site(log: RequestLog) -> web.Application:
    app = new_app(log)
    r = app.router

    async def home(request: web.Request) -> web.Response:
        other = f"http://{OTHER}:{request.url.port}"
        links = [
            "/col/ok/", "/col/gone/", "/col/notfound/", "/col/refresh/", "/col/empty/",
            "/art/deleted.html", "/art/moved.html", "/art/real.html", "/index.html",
            f"{other}/missing.html", f"{other}/fine.html",
        ]  # fmt: skip
        body = "".join(f'<p><a href="{h}">链接{i}</a></p>' for i, h in enumerate(links))
        return web.Response(text=html("某县人民政府", body, nav=False), content_type="text/html")

    async def to_home(request: web.Request) -> web.Response:
        raise web.HTTPFound("/")

    async def to_index(request: web.Request) -> web.Response:
        raise web.HTTPFound("/index.html")

    r.add_get("/", home)
    r.add_get("/index.html", home)
    fresh = column_list([("县政府常务会议召开", "/art/real.html", "2024-06-28")])
    r.add_get("/col/ok/", respond(html("政务动态", fresh, nav=False)))
    r.add_get("/col/gone/", to_home)  # a removed column the CMS sends home
    r.add_get("/col/notfound/", respond(NOT_FOUND_PAGE))  # 200 with a "not found" page
    refresh = (
        "<html><head><meta http-equiv='refresh' content='0;url=/'><title>跳转中</title></head>"
        "<body>正在跳转…</body></html>"
    )
    r.add_get("/col/refresh/", respond(refresh))
    r.add_get("/col/empty/", respond(html("通知公告", "<p>暂无信息</p>", nav=False)))
    deleted = (
        "<html><head><title>某县人民政府</title></head><body>您访问的页面不存在！</body></html>"
    )
    r.add_get("/art/deleted.html", respond(deleted))
    r.add_get("/art/moved.html", to_index)
    r.add_get("/art/real.html", respond(html("办事指南", ARTICLE, nav=False)))
    # the other host: served by the same app, fetched only as link checks
    r.add_get("/missing.html", respond(html("404 Not Found", "", nav=False)))
    r.add_get("/fine.html", respond(html("外站", "<p>外部网站</p>", nav=False)))
    return app


COLUMNS = [
    ("县政府办", "政务动态", "/col/ok/"),
    ("县教育局", "教育动态", "/col/gone/"),
    ("县民政局", "社会救助", "/col/notfound/"),
    ("县卫健委", "卫生健康", "/col/refresh/"),
    ("县财政局", "通知公告", "/col/empty/"),
]


@pytest.fixture(scope="module")
def run() -> tuple[InspectionReport, str, str]:
    config = CrawlConfig().lifted(request_timeout=3.0, connect_timeout=2.0, time_budget=30.0)

    async def go() -> tuple[InspectionReport, str, str]:
        async with serve(soft_site(RequestLog())) as port:
            base = f"http://{SITE}:{port}"
            columns = [ColumnConfig(u, c, base + p, 30) for u, c, p in COLUMNS]
            report = await inspect_async(
                f"{base}/", columns, AS_OF, rate=None, config=config, resolver=StubResolver()
            )
            return report, base, f"http://{OTHER}:{port}"

    return asyncio.run(go())


def test_columns_sent_home_or_not_found_are_missing(run) -> None:
    report, base, _ = run
    missing = {d["url"][len(base) :]: d for d in report.of_kind("missing_column")}
    assert set(missing) == {"/col/gone/", "/col/notfound/", "/col/refresh/"}
    assert missing["/col/gone/"] == {
        "kind": "missing_column",
        "unit": "县教育局",
        "column": "教育动态",
        "url": f"{base}/col/gone/",
        "reason": f"打开后跳转到网站首页（{base}/）",
    }
    assert missing["/col/notfound/"]["reason"] == "疑似软404（页面标题为“页面不存在”）"
    assert missing["/col/refresh/"]["reason"] == f"页面自动跳转到网站首页（{base}/）"
    # the home page's fresh dates did not make the redirected column fresh
    states = {s.config.column: (s.state, s.reason) for s in report.columns}
    assert states["教育动态"][0] == "missing" and states["政务动态"] == ("fresh", "")
    assert [d["column"] for d in report.of_kind("empty_column")] == ["通知公告"]
    assert not report.of_kind("stale_column")


def test_soft_404_links_are_unverified_never_dead(run) -> None:
    report, base, other = run
    assert report.of_kind("dead_link") == []
    unverified = {d["target"]: d for d in report.of_kind("unverified_link")}
    deleted = unverified[f"{base}/art/deleted.html"]
    assert deleted["status"] == 200 and deleted["page"] in (f"{base}/", f"{base}/index.html")
    assert deleted["reason"] == "疑似软404（页面内容为“您访问的页面不存在”）"
    assert unverified[f"{base}/art/moved.html"]["reason"] == (
        f"疑似软404（跳转到首页 {base}/index.html）"
    )
    # off-site, fetched only to check the link: its title is looked at all the same
    assert unverified[f"{other}/missing.html"]["reason"] == "疑似软404（页面标题为“404 Not Found”）"
    for fine in ("/art/real.html", "/index.html", "/col/ok/", "/col/empty/"):
        assert f"{base}{fine}" not in unverified, fine
    assert f"{other}/fine.html" not in unverified
    assert all(d["reason"].startswith(("疑似软404", "打开后")) for d in unverified.values())


def test_redirected_page_text_is_checked_once(run) -> None:
    report, base, _ = run
    assert report.crawl is not None
    gone = report.crawl.pages[f"{base}/col/gone/"]
    assert gone.record.final_url == f"{base}/" and gone.record.redirects == (f"{base}/",)
    checked: list[str] = []

    def spy(text: str) -> list:
        checked.append(text)
        return []

    check_text(report.crawl, [spy])
    # /col/gone/ and /art/moved.html are the home page reached by a redirect: checked there
    assert len(checked) == len(report.crawl.pages) - 2
