"""When was an article page published? The date-bound wording rules need it.

A renamed agency's old name (环保局 after the 2019 county reform) is an error only on pages
published after the reform, and "县长张三" is right only while 张三 was 县长; an undated page
gets those rules at information level. So each article page gets a publication date, from the
most deliberate statement of it to the least:

1. a ``<meta>`` tag a CMS writes for it (``PubDate`` of TRS/Hanweb sites, ``publishdate``,
   ``article:published_time``, Dublin Core ``DC.Date``…);
2. the visible line Chinese government templates print under the title
   (“发布时间：2020-03-15”, “发布日期：2020年3月15日”, the 信息公开 metadata table's
   “发布日期”, or a “来源：… 2020-03-15 浏览次数” line);
3. the date in the URL path (``/2020/03/15/``, ``/202003/t20200315_123.html``, ``/2020/03/``;
   a month without a day is read as its first day, the reading that never reports a rule
   that came into force later that month).

4. when none of these is there and the page is no list of dated entries, ``htmldate``
   reads the page's structured markup (``<time>``, JSON-LD ``datePublished``, date-classed
   elements…) — its cautious mode only: its free-text guessing would date a page by the
   year of a 文号 it cites (〔2020〕 → 2020-01-01).

Dates before 1990 or after the inspection date (plus a day) are noise and skipped. List pages
(the start page and the column pages) are not dated at all: they show entries of many dates,
so no one date applies to their text — the crawler does not even look (it is cheap that way).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from .columns import EARLIEST, FUTURE_TOLERANCE, find_dates

#: ``<meta name|property|itemprop=…>`` keys (lower-cased) whose content is the publication date.
META_DATE_KEYS = frozenset(
    {
        "pubdate",
        "publishdate",
        "publish_date",
        "publish-date",
        "publishtime",
        "publish_time",
        "firstpublishedtime",
        "article:published_time",
        "og:published_time",
        "datepublished",
        "dc.date",
        "dc.date.issued",
        "dc.date.created",
        "dcterms.issued",
        "dcterms.created",
    }
)

_DATE = r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
_DATE_PARTS = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
# Labels that name the publication date itself, then generic ones (“日期” also matches
# “成文日期”, the date a document was written: close enough when nothing better is printed).
_PUBLISHED_LINE = re.compile(
    r"(?:发布时间|发布日期|发表时间|发稿时间|公开日期|发文日期|上网时间)\s*[:：]?\s*(" + _DATE + ")"
)
_GENERIC_LINE = re.compile(r"(?:日期|时间)\s*[:：]\s*(" + _DATE + ")")
# The byline of a news page: “来源：县政府办 2020-03-15 浏览次数：…” without a label.
_BYLINE_WORDS = ("来源", "作者", "浏览", "点击", "字号")
_BYLINE_MAX = 200  # characters: a byline, not a paragraph that mentions 来源
# 20200315, or a compact timestamp 20200315102030
_EIGHT_DIGITS = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?:\d{4}(?:\d{2})?)?(?!\d)")
_URL_DAY = re.compile(
    r"(?:^|[/_\-.a-z])t?((?:19|20)\d{2})[-/_]?(\d{2})[-/_]?(\d{2})(?:[/_.\-]|$)", re.I
)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})[-/_]?(\d{1,2})/")
#: Pages with more text than this are no articles htmldate should read (it parses the
#: whole document again, which takes seconds for a multi-megabyte page).
MARKUP_TEXT = 100_000
#: A page showing this many dates is a list of entries (:func:`lists_dates`).
LIST_DATES = 3


@dataclass(frozen=True, slots=True)
class PageDate:
    value: date
    source: str  # "meta:pubdate", "text:发布时间", "text:来源", "url"


def _plausible(value: date | None, as_of: date) -> date | None:
    if value is None or not EARLIEST <= value <= as_of + FUTURE_TOLERANCE:
        return None
    return value


def _valid(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _first_full_date(text: str, as_of: date) -> date | None:
    """The first full date in ``text`` (2020-03-15, 2020年3月15日, 2020/3/15, 20200315,
    2020-03-15T10:20:00+08:00); month-day forms need a year, so they do not count here."""
    m = _DATE_PARTS.search(text)
    if m is not None:
        found = _plausible(_valid(*m.groups()), as_of)
        if found is not None:
            return found
    m8 = _EIGHT_DIGITS.search(text)
    return _plausible(_valid(*m8.groups()), as_of) if m8 else None


def from_meta(meta: Iterable[tuple[str, str]], as_of: date) -> PageDate | None:
    """The first plausible date among ``(key, content)`` of known publication-date tags."""
    for key, content in meta:
        if key.lower() in META_DATE_KEYS:
            found = _first_full_date(content, as_of)
            if found is not None:
                return PageDate(found, f"meta:{key.lower()}")
    return None


def from_text(text: str, as_of: date) -> PageDate | None:
    """The date of the labelled “发布时间/发布日期/日期：” line, else of the byline."""
    for pattern in (_PUBLISHED_LINE, _GENERIC_LINE):
        for m in pattern.finditer(text):
            found = _first_full_date(m.group(1), as_of)
            if found is not None:
                label = m.group(0)[: m.start(1) - m.start(0)].strip(" :：\n")
                return PageDate(found, f"text:{label}")
    for line in text.split("\n"):
        if len(line) <= _BYLINE_MAX and any(word in line for word in _BYLINE_WORDS):
            found = _first_full_date(line, as_of)
            if found is not None:
                return PageDate(found, "text:来源")
    return None


def from_url(url: str, as_of: date) -> PageDate | None:
    """``/2020/03/15/``, ``t20200315_1.html``, ``/20200315/``; else ``/2020/03/`` or
    ``/202003/`` as the month's first day."""
    path = urlsplit(url).path
    for m in _URL_DAY.finditer(path):
        found = _plausible(_valid(*m.groups()), as_of)
        if found is not None:
            return PageDate(found, "url")
    for m in _URL_MONTH.finditer(path):
        found = _plausible(_valid(m.group(1), m.group(2), "1"), as_of)
        if found is not None:
            return PageDate(found, "url")
    return None


def from_markup(html: str, url: str, as_of: date) -> PageDate | None:
    """htmldate's reading of the page's date markup; imported on first use (it is a fallback,
    and its import costs a tenth of a second)."""
    from htmldate import find_date

    found = find_date(
        html,
        extensive_search=False,
        original_date=True,
        url=url,
        min_date=EARLIEST.isoformat(),
        max_date=(as_of + FUTURE_TOLERANCE).isoformat(),
    )
    value = _plausible(date.fromisoformat(found), as_of) if found else None
    return PageDate(value, "htmldate") if value else None


def page_date(
    url: str,
    meta: Iterable[tuple[str, str]],
    text: str,
    as_of: date,
    html: Callable[[], str] | None = None,
) -> PageDate | None:
    """The publication date of an article page: meta tag, else visible line, else URL, else
    (given the page's ``html``, produced only if needed) its date markup."""
    found = from_meta(meta, as_of) or from_text(text, as_of) or from_url(url, as_of)
    if (
        found is None
        and html is not None
        and len(text) <= MARKUP_TEXT
        and not lists_dates(text, as_of)
    ):
        found = from_markup(html(), url, as_of)
    return found


def lists_dates(text: str, as_of: date) -> bool:
    """Does the page show several dates, as a list page does (a column's second page,
    ``index_1.html``, is no configured column URL)? Then no one date is its own, and
    htmldate, which would pick one of the entries', is not asked."""
    return len(find_dates(text, as_of)) >= LIST_DATES
