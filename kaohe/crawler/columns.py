"""Column (栏目) configuration and freshness: is each key-area column kept up to date?

Assessment rules say e.g. "财政预决算 updated at least every 365 days". A column's list page
shows entries with dates in many styles (2020-11-09, 2020年11月9日, 2020/11/09, [11-09]),
so the newest entry date is read from the list items — the link plus its surrounding text —
rather than from the whole page, whose header and footer carry unrelated dates.

Dates without a year are given the most recent year that does not put them in the future.
That is the kindest reading, so a column is never called stale because of our guess.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .extract import ListItem
from .urls import normalize

CSV_HEADER = ("单位", "栏目", "网址", "更新周期(天)")
EARLIEST = date(1990, 1, 1)  # no county site predates this; earlier "dates" are noise
FUTURE_TOLERANCE = timedelta(days=1)  # servers in other time zones, midnight runs

_FULL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)"
    r"|(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?(?!\d)"
)
# Month-day only: zero-padded 11-09, bracketed [1-9], or 11月9日. Not after a year or digit.
_SHORT_DATE = re.compile(
    r"(?<![\d\-/.年])(?:"
    r"[\[【(（](\d{1,2})[-/.](\d{1,2})[\]】)）]"
    r"|(\d{2})[-/](\d{2})(?![\d\-/])"
    r"|(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r")"
)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_inferred_year(month: int, day: int, as_of: date) -> date | None:
    latest = as_of + FUTURE_TOLERANCE
    for year in range(latest.year, latest.year - 5, -1):  # 5: Feb 29 needs a leap year
        found = _valid(year, month, day)
        if found is not None and found <= latest:
            return found
    return None


def find_dates(text: str, as_of: date) -> list[date]:
    """All plausible dates in ``text``, in order of appearance."""
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []
    for m in _FULL_DATE.finditer(text):
        if m.group(1):
            d = _valid(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        else:
            d = _valid(int(m.group(5)), int(m.group(6)), int(m.group(7)))
        taken.append(m.span())
        if d is not None:
            found.append((m.start(), d))
    for m in _SHORT_DATE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        groups = [g for g in m.groups() if g is not None]
        d = _with_inferred_year(int(groups[0]), int(groups[1]), as_of)
        if d is not None:
            found.append((m.start(), d))
    latest = as_of + FUTURE_TOLERANCE
    return [d for _, d in sorted(found, key=lambda x: x[0]) if EARLIEST <= d <= latest]


def item_date(item: ListItem, as_of: date) -> date | None:
    """The entry's date: the *last* date in its text, since titles may contain dates too
    ("关于2020年11月9日召开…的通知 2020-11-05") and list templates put the date after."""
    dates = find_dates(item.text, as_of)
    return dates[-1] if dates else None


# --- configuration ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnConfig:
    unit: str
    column: str
    url: str
    max_age_days: int
    # lists the 政府信息公开工作年度报告: also held to the 1月31日 rule (annual.py)
    annual_report: bool = False
    # the site's home page, checked without being configured (see ``home_column``)
    home: bool = False


#: 《政府网站与政务新媒体检查指标》: a home page not updated for two weeks fails the site.
HOME_COLUMN = "首页"
HOME_MAX_AGE_DAYS = 14


def home_column(start_url: str) -> ColumnConfig:
    """The home page as a column held to two weeks: every inspection checks it, whether or
    not the column file names it."""
    return ColumnConfig("", HOME_COLUMN, start_url, HOME_MAX_AGE_DAYS, home=True)


#: Column names that hold the annual reports, for column files that do not say (CLI, CSV).
ANNUAL_REPORT_WORDS = ("年度报告", "年报")


def is_annual_report_column(name: str) -> bool:
    """Does a column's name say it lists the annual reports (the platform infers so too)?"""
    return any(word in name for word in ANNUAL_REPORT_WORDS)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # line number in the file as a spreadsheet shows it; the header is row 1
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class ColumnImport:
    columns: list[ColumnConfig]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves GB18030/GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("文件编码无法识别：请保存为 UTF-8 或 GB18030 编码的 CSV")


def parse_columns_csv(data: bytes | str) -> ColumnImport:
    """Parse ``单位,栏目,网址,更新周期(天)``; every bad row is reported, good rows kept."""
    text = _decode_csv(data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    rows = csv.reader(io.StringIO(text, newline=""))
    columns: list[ColumnConfig] = []
    errors: list[RowError] = []
    header = next(rows, None)
    if header is None or tuple(h.strip() for h in header) != CSV_HEADER:
        got = ",".join(header) if header else "（空文件）"
        errors.append(RowError(1, "表头", f"表头应为“{','.join(CSV_HEADER)}”，实际为“{got}”"))
        return ColumnImport(columns, errors)
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_HEADER):
            errors.append(RowError(number, "整行", f"应有 4 列，实际 {len(row)} 列"))
            continue
        unit, column, url, period = (cell.strip() for cell in row)
        row_errors = []
        if not unit:
            row_errors.append(RowError(number, "单位", "单位不能为空"))
        if not column:
            row_errors.append(RowError(number, "栏目", "栏目不能为空"))
        normalized = normalize(url) if url.lower().startswith(("http://", "https://")) else None
        if normalized is None:
            row_errors.append(RowError(number, "网址", f"不是有效的 http(s) 网址：“{url}”"))
        try:
            days = int(period)  # also accepts full-width digits
            if days <= 0:
                raise ValueError
        except ValueError:
            days = 0
            row_errors.append(RowError(number, "更新周期(天)", f"应为正整数天数：“{period}”"))
        if unit and column and (unit, column) in seen:
            row_errors.append(
                RowError(number, "栏目", f"与第 {seen[(unit, column)]} 行重复：{unit} / {column}")
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[(unit, column)] = number
        assert normalized is not None
        columns.append(
            ColumnConfig(unit, column, normalized, days, is_annual_report_column(column))
        )
    return ColumnImport(columns, errors)


# --- freshness --------------------------------------------------------------------------


class ColumnState(enum.StrEnum):
    FRESH = "fresh"
    STALE = "stale"
    EMPTY = "empty"
    MISSING = "missing"  # 404/410 (or the host is gone), confirmed on retry
    UNVERIFIED = "unverified"  # could not be fetched right now (403/429/5xx/timeout...)
    NOT_FETCHED = "not_fetched"  # crawl stopped before reaching it


@dataclass(frozen=True, slots=True)
class ColumnStatus:
    config: ColumnConfig
    state: ColumnState
    last_update: date | None = None
    items: int = 0  # list entries with a date
    status: int | str | None = None  # HTTP status or error kind of the column page
    reason: str = ""  # why, when a status code alone would not say (soft 404, annual report)


def newest_item_date(items: Iterable[ListItem], as_of: date) -> tuple[date | None, int]:
    """(newest entry date, number of dated entries) over a column list page's items."""
    dates = [d for d in (item_date(i, as_of) for i in items) if d is not None]
    return (max(dates) if dates else None), len(dates)


def freshness(config: ColumnConfig, newest: date | None, as_of: date) -> ColumnState:
    if newest is None:
        return ColumnState.EMPTY
    if (as_of - newest).days > config.max_age_days:
        return ColumnState.STALE
    return ColumnState.FRESH
