"""Column dates, freshness and the CSV import format."""

from __future__ import annotations

from datetime import date

import pytest

from kaohe.crawler.columns import (
    ColumnConfig,
    ColumnState,
    find_dates,
    freshness,
    item_date,
    newest_item_date,
    parse_columns_csv,
)
from kaohe.crawler.extract import ListItem, parse_html

AS_OF = date(2024, 3, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("标题 2020-11-09", [date(2020, 11, 9)]),
        ("标题 2020年11月9日", [date(2020, 11, 9)]),
        ("标题 2020 年 11 月 09 日", [date(2020, 11, 9)]),
        ("标题 2020/11/09 10:30:00", [date(2020, 11, 9)]),
        ("标题 2020.11.09", [date(2020, 11, 9)]),
        ("标题 [11-09]", [date(2023, 11, 9)]),  # later than as_of this year -> last year
        ("标题 [02-20]", [date(2024, 2, 20)]),
        ("标题 【2-9】", [date(2024, 2, 9)]),
        ("标题 02-29", [date(2024, 2, 29)]),
        ("标题 11月9日", [date(2023, 11, 9)]),
        ("电话：0371-12345678", []),
        ("Copyright 2003-2024", []),
        ("2020-02-30 不存在的日期", []),
        ("2099-01-01 未来", []),
        ("1900-01-01 太早", []),
    ],
)
def test_find_dates(text: str, expected: list[date]) -> None:
    assert find_dates(text, AS_OF) == expected


def test_item_date_prefers_the_trailing_date_over_one_in_the_title() -> None:
    item = ListItem("http://h/a", "", "关于2020年11月9日召开会议的通知 2020-11-05")
    assert item_date(item, AS_OF) == date(2020, 11, 5)


def test_newest_date_from_a_list_page_ignores_nav_and_footer() -> None:
    page = parse_html(
        "http://h/col/",
        """<ul class=nav><li><a href="/">首页</a></li></ul>
        <table><tr><td><a href="a.html">一</a></td><td>2023-12-01</td></tr>
        <tr><td><a href="b.html">二</a></td><td>2024-01-15</td></tr></table>
        <div class=foot><a href="/about">关于我们</a> 更新于 2024-02-28 Copyright 2003-2024</div>""",
    )
    newest, count = newest_item_date(
        [i for i in page.items if "foot" not in i.text and "关于我们" not in i.text], AS_OF
    )
    assert (newest, count) == (date(2024, 1, 15), 2)


def test_freshness() -> None:
    col = ColumnConfig("单位", "栏目", "http://h/", 30)
    assert freshness(col, None, AS_OF) is ColumnState.EMPTY
    assert freshness(col, date(2024, 1, 31), AS_OF) is ColumnState.FRESH  # exactly 30 days
    assert freshness(col, date(2024, 1, 30), AS_OF) is ColumnState.STALE


HEADER = "单位,栏目,网址,更新周期(天)\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(encoding: str) -> None:
    data = (HEADER + "县财政局,财政预决算,http://www.county.gov.cn/czyjs/,365\n").encode(encoding)
    result = parse_columns_csv(data)
    assert result.ok
    assert result.columns == [
        ColumnConfig("县财政局", "财政预决算", "http://www.county.gov.cn/czyjs/", 365)
    ]


def test_csv_bad_rows_are_reported_with_row_and_field() -> None:
    data = (
        HEADER
        + "县财政局,财政预决算,http://a.gov.cn/cz/,365\n"
        + ",人事信息,www.a.gov.cn/rs,三十\n"
        + "县财政局,财政预决算,http://a.gov.cn/cz2/,３０\n"
        + "\n"
        + "县教育局,通知公告\n"
        + "县教育局,通知公告,http://a.gov.cn/tz/,0\n"
        + '县民政局,"社会救助,低保",http://a.gov.cn/jz/,90\n'
    ).encode("gb18030")
    result = parse_columns_csv(data)
    assert [(e.row, e.field) for e in result.errors] == [
        (3, "单位"),
        (3, "网址"),
        (3, "更新周期(天)"),
        (4, "栏目"),  # duplicate of row 2
        (6, "整行"),
        (7, "更新周期(天)"),
    ]
    assert "第 2 行" in result.errors[3].message
    assert [c.column for c in result.columns] == ["财政预决算", "社会救助,低保"]


def test_csv_header_must_match() -> None:
    result = parse_columns_csv("单位,栏目,网址,更新周期\n".encode())
    assert [(e.row, e.field) for e in result.errors] == [(1, "表头")]
    assert parse_columns_csv(b"").errors[0].row == 1


def test_csv_undecodable() -> None:
    with pytest.raises(ValueError, match="编码"):
        parse_columns_csv(b"\xff\xfe\x00\x81\x30")
