"""The 政府信息公开工作年度报告 must be published by 1月31日: read from the annual-report
column's list (report year from the title, date from the entry), reported as a
``stale_column`` with a Chinese reason when missing or late."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from aiohttp import web
from crawler_sites import SITE, RequestLog, StubResolver, column_list, html, new_app, respond, serve

from kaohe.crawler import ColumnConfig, CrawlConfig, InspectionReport, inspect_async
from kaohe.crawler.annual import annual_report_problem, due, report_year
from kaohe.crawler.columns import parse_columns_csv
from kaohe.crawler.extract import ListItem

AS_OF = date(2024, 6, 30)


def entry(title: str, when: str) -> ListItem:
    return ListItem("http://h/a.html", title, f"{title} {when}")


def test_report_year_from_titles() -> None:
    assert report_year("2023年政府信息公开工作年度报告") == 2023
    assert report_year("精河县住房和城乡建设局2023年度政府信息公开工作年度报告") == 2023
    assert report_year("政府信息公开工作年度报告（2022年）") == 2022
    assert report_year("2023年政府信息公开年报") == 2023
    # “2024年1月发布的2023年度…”: the year written 年度 is the report's
    assert report_year("2024年1月修订：2023年度政府信息公开工作年度报告") == 2023
    assert report_year("2023年政府信息公开指南") is None  # not a report
    assert report_year("政府信息公开工作年度报告") is None  # no year


def test_which_report_is_due() -> None:
    assert due(date(2024, 6, 30)) == (2023, date(2024, 1, 31))
    assert due(date(2024, 2, 1)) == (2023, date(2024, 1, 31))
    # until 1月31日 has passed, the latest deadline is last year's, for the year before
    assert due(date(2024, 1, 31)) == (2022, date(2023, 1, 31))
    assert due(date(2024, 1, 5)) == (2022, date(2023, 1, 31))


def test_missing_late_and_on_time() -> None:
    older = entry("2022年政府信息公开工作年度报告", "2023-01-20")
    assert annual_report_problem([older], AS_OF) == "2023年度报告未在2024年1月31日前发布"
    late = entry("2023年政府信息公开工作年度报告", "2024-02-05")
    assert annual_report_problem([late, older], AS_OF) == (
        "2023年度报告于2024年2月5日发布，晚于规定的2024年1月31日"
    )
    on_time = entry("2023年度政府信息公开工作年度报告", "2024年1月31日")
    assert annual_report_problem([on_time, older], AS_OF) is None
    # listed without a date: it cannot be shown to be late
    assert (
        annual_report_problem([ListItem("http://h/a", "2023年年度报告", "2023年年度报告")], AS_OF)
        is None
    )
    # in January the 2022 report (due 2023-01-31) is what is checked
    assert annual_report_problem([older], date(2024, 1, 20)) is None
    assert annual_report_problem([], date(2024, 1, 20)) == "2022年度报告未在2023年1月31日前发布"


def test_column_files_mark_annual_report_columns_by_name() -> None:
    data = (
        "单位,栏目,网址,更新周期(天)\n"
        "县财政局,政府信息公开年度报告,http://h/ndbg/,365\n"
        "县财政局,财政预决算,http://h/czyjs/,365\n"
    )
    columns = parse_columns_csv(data).columns
    assert [c.annual_report for c in columns] == [True, False]


def annual_site(log: RequestLog) -> web.Application:
    app = new_app(log)
    r = app.router
    r.add_get("/", respond(html("某县人民政府", "<a href='/ndbg/a/'>年报</a>", nav=False)))
    lists = {
        # the 2023 report never appeared (fresh entries, but not the report)
        "a": [
            ("2023年第四季度政务公开工作情况", "/art/1.html", "2024-05-06"),
            ("2022年政府信息公开工作年度报告", "/art/2.html", "2023-01-18"),
        ],
        # published, but in March
        "b": [("2023年政府信息公开工作年度报告", "/art/3.html", "2024-03-01")],
        # published in time
        "c": [("2023年度政府信息公开工作年度报告", "/art/4.html", "2024-01-26")],
        # in time, but the column is older than its 90 days: stale the ordinary way
        "d": [("2023年政府信息公开工作年度报告", "/art/5.html", "2024-01-10")],
        # nothing dated at all: empty, not a second finding
        "e": [],
    }
    for key, entries in lists.items():
        body = column_list(entries) if entries else "<p>暂无信息</p>"
        r.add_get(f"/ndbg/{key}/", respond(html("政府信息公开年度报告", body, nav=False)))
    for n in range(1, 6):
        r.add_get(f"/art/{n}.html", respond(html("报告", "<p>报告全文</p>", nav=False)))
    return app


@pytest.fixture(scope="module")
def run() -> tuple[InspectionReport, str]:
    config = CrawlConfig().lifted(request_timeout=3.0, connect_timeout=2.0, time_budget=30.0)

    async def go() -> tuple[InspectionReport, str]:
        async with serve(annual_site(RequestLog())) as port:
            base = f"http://{SITE}:{port}"
            columns = [
                ColumnConfig(
                    f"单位{k.upper()}", "政府信息公开年度报告", f"{base}/ndbg/{k}/", days, True
                )
                for k, days in (("a", 365), ("b", 365), ("c", 365), ("d", 90), ("e", 365))
            ]
            report = await inspect_async(
                f"{base}/", columns, AS_OF, rate=None, config=config, resolver=StubResolver()
            )
            return report, base

    return asyncio.run(go())


def test_annual_report_findings(run) -> None:
    report, base = run
    stale = {d["unit"]: d for d in report.of_kind("stale_column")}
    assert stale["单位A"] == {
        "kind": "stale_column",
        "unit": "单位A",
        "column": "政府信息公开年度报告",
        "url": f"{base}/ndbg/a/",
        "last_update": "2024-05-06",
        "max_age_days": 365,
        "reason": "2023年度报告未在2024年1月31日前发布",
    }
    assert stale["单位B"]["reason"] == "2023年度报告于2024年3月1日发布，晚于规定的2024年1月31日"
    assert stale["单位B"]["last_update"] == "2024-03-01"
    assert "单位C" not in stale
    # the ordinary rule still applies to a report column, without a reason
    assert "reason" not in stale["单位D"] and stale["单位D"]["max_age_days"] == 90
    assert [d["unit"] for d in report.of_kind("empty_column")] == ["单位E"]
    assert set(stale) == {"单位A", "单位B", "单位D"}  # one finding per column
    states = {s.config.unit: s for s in report.columns}
    assert states["单位A"].state == "stale" and states["单位A"].reason.startswith("2023年度报告")
