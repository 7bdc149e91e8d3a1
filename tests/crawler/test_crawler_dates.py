"""Page dates: read from meta tags, the visible 发布时间 line or the URL, and handed to text
checkers, so date-bound wording rules (renamed agencies, leaders' tenures) judge each crawled
article as of its own publication date."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from aiohttp import web
from crawler_sites import (
    SITE,
    RequestLog,
    StubResolver,
    column_list,
    html,
    new_app,
    respond,
    serve,
    toy_checker,
)

from kaohe.core.wording import Checker, load_default_packs
from kaohe.core.wording.roster import Tenure
from kaohe.crawler import (
    ColumnConfig,
    CrawlConfig,
    InspectionReport,
    inspect_async,
    load_records,
    save_records,
)
from kaohe.crawler.checks import accepts_page_date
from kaohe.crawler.dates import (
    MARKUP_TEXT,
    from_markup,
    from_meta,
    from_text,
    from_url,
    page_date,
)
from kaohe.crawler.extract import parse_html

AS_OF = date(2024, 6, 30)
OLD_NAME = "县环保局"  # RA055 环保局 → 生态环境局, in force from 2019-03-31 (county reform)
LEADER = "李四（示例）"  # 县长 from 2019-01-05 to 2021-08-31 in the roster below
ROSTER = [Tenure(LEADER, "县长", date(2019, 1, 5), date(2021, 8, 31))]


# ---------------------------------------------------------------- where a date is read from


def test_meta_tags_of_county_cms_and_standards() -> None:
    def meta(tag: str) -> date | None:
        parsed = parse_html("http://h/a.html", f"<html><head>{tag}</head><body>x</body></html>")
        found = from_meta(parsed.meta, AS_OF)
        return found.value if found else None

    assert meta('<meta name="PubDate" content="2018-06-01 09:30">') == date(2018, 6, 1)
    assert meta('<meta name="publishdate" content="2020年3月15日">') == date(2020, 3, 15)
    published = '<meta property="article:published_time" content="2021-07-08T10:20:00+08:00">'
    assert meta(published) == date(2021, 7, 8)
    assert meta('<meta name="firstpublishedtime" content="20190402103000">') == date(2019, 4, 2)
    assert meta('<meta name="keywords" content="2018-06-01">') is None  # not a date tag
    assert meta('<meta name="PubDate" content="2031-01-01">') is None  # after the check date


def test_visible_lines_of_chinese_government_templates() -> None:
    def seen(text: str) -> tuple[date, str] | None:
        found = from_text(text, AS_OF)
        return (found.value, found.source) if found else None

    assert seen("标题\n发布时间：2020-03-15 10:20 来源：县政府办") == (
        date(2020, 3, 15),
        "text:发布时间",
    )
    assert seen("发布日期：2020年3月5日") == (date(2020, 3, 5), "text:发布日期")
    # the 信息公开 metadata table: one cell per line, 成文日期 before 发布日期
    table = "索引号\n000-2020-01\n成文日期\n2020-02-28\n发布日期\n2020-03-02\n"
    assert seen(table) == (date(2020, 3, 2), "text:发布日期")
    assert seen("日期：2019/12/01") == (date(2019, 12, 1), "text:日期")
    assert seen("来源：县政府办 2020-04-01 浏览次数：12") == (date(2020, 4, 1), "text:来源")
    assert seen("会议要求狠抓落实。") is None


def test_url_dates_and_the_order_of_sources() -> None:
    def in_url(url: str) -> date | None:
        found = from_url(url, AS_OF)
        return found.value if found else None

    assert in_url("http://h/art/2022/03/t20220301_9.html") == date(2022, 3, 1)
    assert in_url("http://h/xxgk/202003/t20200315_123.html") == date(2020, 3, 15)
    assert in_url("http://h/news/2020/03/15/1.html") == date(2020, 3, 15)
    assert in_url("http://h/news/20200315/1.html") == date(2020, 3, 15)
    assert in_url("http://h/news/2019/04/a.html") == date(2019, 4, 1)  # the month's first day
    assert in_url("http://h/art/2020123456.html") is None  # an id, not a date
    assert in_url("http://h/art/1.html") is None
    # meta first, then the visible line, then the URL
    meta = (("PubDate", "2018-06-01"),)
    url = "http://h/2020/03/t20200315_1.html"
    assert page_date(url, meta, "发布时间：2019-01-02", AS_OF).source == "meta:pubdate"
    assert page_date(url, (), "发布时间：2019-01-02", AS_OF).value == date(2019, 1, 2)
    assert page_date(url, (), "正文", AS_OF).source == "url"


def test_date_markup_read_by_htmldate_when_nothing_else_dates_a_page() -> None:
    time_tag = '<html><body><h1>通知</h1><time datetime="2021-04-02">4月2日</time></body></html>'
    assert from_markup(time_tag, "http://h/a.html", AS_OF).value == date(2021, 4, 2)
    json_ld = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "2019-07-08T10:00:00+08:00"}</script></head><body>x</body></html>'
    )
    assert from_markup(json_ld, "http://h/a.html", AS_OF).source == "htmldate"
    # cautious mode: a cited 文号's year is not the page's date
    cited = "<html><body><p>根据精政办发〔2020〕6号文件要求，认真落实。</p></body></html>"
    assert from_markup(cited, "http://h/a.html", AS_OF) is None
    future = '<html><body><time datetime="2031-01-01">x</time></body></html>'
    assert from_markup(future, "http://h/a.html", AS_OF) is None
    # the fallback is asked for the page's HTML only when the other sources found nothing
    asked: list[bool] = []

    def markup() -> str:
        asked.append(True)
        return time_tag

    assert page_date("http://h/a.html", (), "发布时间：2019-01-02", AS_OF, markup).source != (
        "htmldate"
    )
    assert asked == []
    assert page_date("http://h/a.html", (), "正文", AS_OF, markup).value == date(2021, 4, 2)
    assert asked == [True]
    # a column's later list pages (index_1.html) list dated entries: no one date is theirs
    listing = "政务动态\n关于开展检查的通知 2024-06-01\n会议纪要 2024-05-20\n工作简报 05-11"
    assert page_date("http://h/col/index_1.html", (), listing, AS_OF, markup) is None
    # nor of a page too big to be an article (htmldate would parse megabytes again)
    assert page_date("http://h/big.html", (), "填充" * MARKUP_TEXT, AS_OF, markup) is None
    assert asked == [True]


def test_checkers_taking_text_only_keep_working() -> None:
    checker = Checker(load_default_packs())
    assert accepts_page_date(checker.scan)
    assert not accepts_page_date(toy_checker)
    assert accepts_page_date(lambda text, **kwargs: [])
    assert not accepts_page_date(len)  # a builtin without a page_date parameter


# ---------------------------------------------------------------- a local site, end to end


def dated_site(log: RequestLog) -> web.Application:
    app = new_app(log)
    r = app.router
    links = "".join(
        f'<li><a href="{h}">文章{i}</a></li>'
        for i, h in enumerate(
            [
                "/col/news/",
                "/art/old.html",
                "/art/new.html",
                "/art/undated.html",
                "/art/leader-2020.html",
                "/art/2022/03/t20220301_9.html",
                "/art/marked.html",
            ]
        )
    )
    r.add_get("/", respond(html("某县人民政府", f"<ul>{links}</ul>")))
    # a list page: its titles are of many dates, so it is checked undated
    news = column_list([(f"{OLD_NAME}开展检查", "/art/old.html", "2018-06-01")])
    r.add_get("/col/news/", respond(html("政务动态", news)))
    old = (
        "<!DOCTYPE html><html><head><title>执法检查</title>"
        '<meta name="PubDate" content="2018-06-01 09:30"></head>'
        f"<body><h1>执法检查</h1><p>{OLD_NAME}开展执法检查。</p></body></html>"
    )
    r.add_get("/art/old.html", respond(old))
    new = f"<h1>执法检查</h1><p>发布时间：2020-03-15 来源：县政府办</p><p>{OLD_NAME}开展执法检查。</p>"
    r.add_get("/art/new.html", respond(html("执法检查", new)))
    undated = f"<p>{OLD_NAME}开展执法检查，各单位要认真部暑。</p>"
    r.add_get("/art/undated.html", respond(html("执法检查", undated)))
    meeting = f"<p>县长{LEADER}主持召开常务会议。</p>"
    r.add_get(
        "/art/leader-2020.html",
        respond(html("常务会议", "<p>发布日期：2020年5月6日</p>" + meeting)),
    )
    r.add_get("/art/2022/03/t20220301_9.html", respond(html("常务会议", meeting)))
    marked = f'<h1>常务会议</h1><time datetime="2022-05-06T09:00">5月6日</time>{meeting}'
    r.add_get("/art/marked.html", respond(html("常务会议", marked)))
    return app


def _run(tmp_path: Path) -> InspectionReport:
    checker = Checker(load_default_packs(), roster=ROSTER)
    config = CrawlConfig().lifted(request_timeout=3.0, connect_timeout=2.0, time_budget=30.0)

    async def go() -> InspectionReport:
        async with serve(dated_site(RequestLog())) as port:
            base = f"http://{SITE}:{port}"
            return await inspect_async(
                f"{base}/",
                [ColumnConfig("县政府办", "政务动态", f"{base}/col/news/", 30)],
                AS_OF,
                rate=None,
                text_checkers=[checker.scan, toy_checker],
                config=config,
                resolver=StubResolver(),
                warc_dir=tmp_path,
            )

    return asyncio.run(go())


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> InspectionReport:
    return _run(tmp_path_factory.mktemp("warc"))


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_renamed_agency_only_on_pages_dated_after_the_reform(report: InspectionReport) -> None:
    renamed = {_path(d["page"]): d for d in report.of_kind("wording") if d["rule"] == "RA055"}
    assert "/art/old.html" not in renamed  # 2018-06-01, before the reform: the name was right
    new = renamed["/art/new.html"]
    assert (new["text"], new["suggestion"], new["severity"]) == ("环保局", "生态环境局", "error")
    assert new["page_date"] == "2020-03-15"
    # undated pages (an undated article, the list page) get the rule at information level
    assert renamed["/art/undated.html"]["severity"] == "info"
    assert renamed["/art/undated.html"]["page_date"] is None
    assert renamed["/col/news/"]["page_date"] is None
    assert renamed["/col/news/"]["severity"] == "info"


def test_leader_titles_against_the_roster_by_page_date(report: InspectionReport) -> None:
    roster = {_path(d["page"]): d for d in report.of_kind("wording") if d["rule"] == "L001"}
    assert "/art/leader-2020.html" not in roster  # 2020-05-06: 李四 was 县长
    late = roster["/art/2022/03/t20220301_9.html"]  # dated by its URL, after he left office
    assert late["page_date"] == "2022-03-01" and late["severity"] == "error"
    assert late["text"] == f"县长{LEADER}"
    marked = roster["/art/marked.html"]  # dated only by its <time> markup (htmldate)
    assert marked["page_date"] == "2022-05-06" and marked["severity"] == "error"


def test_text_only_checker_runs_beside_dated_ones(report: InspectionReport) -> None:
    typos = [d for d in report.of_kind("wording") if d["rule"] == "typo"]
    assert [(_path(d["page"]), d["text"], d["page_date"]) for d in typos] == [
        ("/art/undated.html", "部暑", None)
    ]
    assert not report.errors


def test_page_dates_are_kept_on_pages_and_fetch_records(
    report: InspectionReport, tmp_path: Path
) -> None:
    assert report.crawl is not None
    pages = {_path(p.url): p for p in report.crawl.pages.values()}
    assert (pages["/art/old.html"].date, pages["/art/old.html"].date_source) == (
        date(2018, 6, 1),
        "meta:pubdate",
    )
    assert pages["/art/new.html"].date_source == "text:发布时间"
    assert pages["/art/2022/03/t20220301_9.html"].date_source == "url"
    assert pages["/art/marked.html"].date_source == "htmldate"
    assert pages["/"].date is None and pages["/col/news/"].date is None  # list pages
    assert pages["/art/old.html"].record.page_date == date(2018, 6, 1)
    path = tmp_path / "records.jsonl"
    save_records(path, report.crawl.records())
    dated = {_path(r.url): r.page_date for r in load_records(path) if r.page_date}
    assert dated["/art/new.html"] == date(2020, 3, 15)
