"""URL normalisation and crawler-trap defences.

Normalisation makes "the same page" one key (fragment dropped, host lower-cased, default port
removed, non-ASCII paths percent-encoded) so a page is fetched once however it is linked.

Trap defences matter because county CMSs generate endless URL spaces: search and filter pages
(``list.jsp?sid=…&page=…``), "next month" links on event calendars, session ids in the query,
relative links that nest path segments forever. Depth and page limits bound the damage; the
guard below stops wasting that budget — and the site's goodwill — on such URLs at all.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import urljoin

from yarl import URL

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:", "ftp:", "file:", "about:")


def normalize(href: str, base: str | None = None) -> str | None:
    """Absolute, canonical http(s) URL for ``href`` (relative to ``base``), or None if not one."""
    href = href.strip().replace("\\", "/")
    if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        joined = urljoin(base, href) if base else href
        url = URL(joined)
    except (ValueError, TypeError):
        return None
    if url.scheme not in ("http", "https") or not url.host:
        return None
    try:
        text = str(url.with_fragment(None))
    except (ValueError, UnicodeError):
        return None
    scheme, rest = text.split("://", 1)
    authority, sep, tail = rest.partition("/")
    if not sep:  # "http://host" or "http://host?q": the path is "/"
        authority, qsep, query = rest.partition("?")
        tail = qsep + query
    text = f"{scheme}://{authority}/{tail}"
    return text[:-1] if text.endswith("?") else text


def origin(url: str) -> str:
    """``scheme://host:port``: the unit of politeness and of robots.txt."""
    u = URL(url)
    return f"{u.scheme}://{u.host}:{u.port}"


def host(url: str) -> str:
    return (URL(url).host or "").lower()


_CALENDAR = re.compile(
    r"calendar|kalender|rili|richeng|日历|日程|"
    r"(?:^|[/_.?&=-])(?:cal|date|day|month|year|yyyy|ym|ymd|week)(?:[/_.?&=-]|$)",
    re.I,
)
_YEAR = re.compile(r"(?<!\w)(\d{4})(?!\w)")  # a whole 4-digit token, e.g. year=2031


@dataclass
class TrapGuard:
    """Decides, once per newly discovered URL, whether it is worth fetching.

    Stateful: the caps count distinct URLs admitted so far per path (or per calendar shape).
    Returns a reason string for URLs to skip, None for URLs to admit.
    """

    max_url_length: int = 1024
    max_query_variants: int = 30  # distinct query strings per (origin, path)
    max_calendar_variants: int = 12  # a year of "next month" links is plenty
    max_segment_repeats: int = 3  # /a/b/a/b/a/b/... from broken relative links
    min_year: int = 1990
    max_year: int = 2100

    def __post_init__(self) -> None:
        self._queries: defaultdict[str, set[str]] = defaultdict(set)
        self._calendar: Counter[str] = Counter()

    def reason_to_skip(self, url: str) -> str | None:
        if len(url) > self.max_url_length:
            return "url_too_long"
        u = URL(url)
        segments = [s for s in u.raw_path.split("/") if s]
        if segments and max(Counter(segments).values()) > self.max_segment_repeats:
            return "repeated_path_segments"
        key = f"{u.scheme}://{u.host}:{u.port}{u.raw_path}"
        query = u.raw_query_string
        if _CALENDAR.search(u.path + "?" + u.query_string):
            years = [int(y) for y in _YEAR.findall(u.path + "?" + u.query_string)]
            if any(not self.min_year <= y <= self.max_year for y in years):
                return "calendar_out_of_range"
            if years or query:
                shape = key + "?" + "&".join(sorted(u.query.keys()))
                self._calendar[shape] += 1
                if self._calendar[shape] > self.max_calendar_variants:
                    return "calendar_trap"
        if query:
            seen = self._queries[key]
            if query not in seen:
                if len(seen) >= self.max_query_variants:
                    return "query_variants_cap"
                seen.add(query)
        return None
