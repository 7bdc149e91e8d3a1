"""The 政府信息公开工作年度报告 must be out by 1月31日.

《政府信息公开条例》第四十九条: government departments publish their report on the previous
year's disclosure work by 31 January (the county government's own report, compiled by its
disclosure office, is due by 31 March; the assessment holds every unit's column to 1月31日). A column that lists reports is “updated” when a new
report appears, not every N days, so its check is a rule of its own: as of a date D after
1月31日, the report on year D.year−1 must be listed with a date not after 1月31日 of D.year
(in January, the latest deadline that has passed is the year before's, for year D.year−2).

The report's year is read from its title (“2023年政府信息公开工作年度报告”, “…2023年度政府信息
公开工作年度报告”, “政府信息公开工作年度报告（2023年）”), its date from the list entry, the
way column freshness reads dates. A report listed without a date cannot be shown to be late,
so it counts as published in time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from .columns import ANNUAL_REPORT_WORDS, item_date
from .extract import ListItem

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(度)?")


def report_year(title: str) -> int | None:
    """The year a report's title is about: the year written “YYYY年度”, else the first
    “YYYY年”; None when the title is not an annual report's."""
    if not any(word in title for word in ANNUAL_REPORT_WORDS):
        return None
    years = list(_YEAR.finditer(title))
    if not years:
        return None
    chosen = next((m for m in years if m.group(2)), years[0])
    return int(chosen.group(1))


def due(as_of: date) -> tuple[int, date]:
    """(report year, deadline) of the latest report whose deadline has passed by ``as_of``."""
    this_year = date(as_of.year, 1, 31)
    if as_of > this_year:
        return as_of.year - 1, this_year
    return as_of.year - 2, date(as_of.year - 1, 1, 31)


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def annual_report_problem(items: Iterable[ListItem], as_of: date) -> str | None:
    """Why the column fails the 1月31日 rule as of ``as_of`` (missing or late), else None."""
    year, deadline = due(as_of)
    dates: list[date | None] = []
    for item in items:
        # the anchor text may be cut short (“…年度报…”): the entry's text has it whole
        if (report_year(item.title) or report_year(item.text)) == year:
            dates.append(item_date(item, as_of))
    if not dates:
        return f"{year}年度报告未在{cn_date(deadline)}前发布"
    if any(d is None or d <= deadline for d in dates):
        return None
    first = min(d for d in dates if d is not None)
    return f"{year}年度报告于{cn_date(first)}发布，晚于规定的{cn_date(deadline)}"
