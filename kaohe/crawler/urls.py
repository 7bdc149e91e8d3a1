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
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

from yarl import URL

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:", "ftp:", "file:", "about:")


def normalize(href: str, base: str | None = None) -> str | None:
    """Absolute, canonical http(s) URL for ``href`` (relative to ``base``), or None if not one.

    Resolving costs tens of microseconds (``urljoin`` + ``yarl``), and a site's pages repeat
    the same header, footer and sibling links: results relative to a base are memoised in a
    small bounded LRU, keyed on the part of the base they depend on (see below).
    """
    href = href.strip().replace("\\", "/")
    if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
        return None
    if base and len(href) <= CACHE_MAX_HREF and len(base) <= CACHE_MAX_BASE:
        m = _CACHEABLE.match(href)
        if m is not None:
            prefixes = _base_prefixes(base)
            if prefixes is not None:
                root, directory = prefixes
                return _resolve_cached(href, directory if m.lastgroup == "directory" else root)
    return _resolve(href, base)


def _resolve(href: str, base: str | None) -> str | None:
    """:func:`normalize` of a cleaned ``href`` (stripped, backslashes made slashes, not a
    fragment or a skipped scheme), without the cache."""
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


# --- the normalisation cache --------------------------------------------------------------
#
# ``urljoin(base, href)`` reads only part of ``base`` for most references: its scheme and
# authority for "/path", "//host/path" and "http(s)://host/..." ones, and also its directory
# (the path up to its last "/") for relative paths such as "a.html" or "../b/?p=2". Only a
# reference whose own path is empty ("", "?q", ";p", "http:") reads the rest of the base
# (last segment, params, query); such references, and any that urlsplit would first rewrite
# (tab/CR/LF inside, leading control characters), are never cached. For the others,
# resolving against that prefix of the base gives what resolving against the base gives,
# so the prefix is the cache key and a cached answer is always the uncached one.

CACHE_SIZE = 2048  # entries (a site's shared links are used on every page: they stay in)
# References and bases longer than these (characters) are resolved every time, so that no
# page, however hostile, can make the entries large: the cache stays within a few MB.
CACHE_MAX_HREF = 200
CACHE_MAX_BASE = 512

_CACHEABLE = re.compile(
    r"""(?:
        (?P<origin>
            /(?!/)[^\t\r\n]*                          # /absolute/path
          | //[^?#\t\r\n][^\t\r\n]*                  # //host/path, ///path
          | (?i:https?)://[^/?#\t\r\n][^\t\r\n]*     # http(s)://host...
        )
      | (?P<directory>
            [^\x00-\x20:/?#;][^:?#\t\r\n]*          # relative path: no scheme, and
            (?:[?#][^\t\r\n]*)?                       # not empty
        )
    )\Z""",
    re.X,
)
_AUTHORITY_END = re.compile(r"[/?#]")
_PATH_END = re.compile(r"[?#]")


@lru_cache(maxsize=64)
def _base_prefixes(base: str) -> tuple[str, str] | None:
    """(``scheme://authority``, ``scheme://authority/directory/``) of an http(s) ``base``."""
    if not base.startswith(("http://", "https://")):
        return None
    start = base.index("//") + 2
    m = _AUTHORITY_END.search(base, start)
    end = m.start() if m else len(base)
    m = _PATH_END.search(base, end)
    slash = base.rfind("/", end, m.start() if m else len(base))
    return base[:end], (base[: slash + 1] if slash >= 0 else base[:end])


# Most references on a real site are plain paths ("/zwdt/202406/t1.html", "../202405/t2.html")
# against a plain, already canonical base: for those the answer is string arithmetic, the
# same urljoin + yarl would give (the tests compare the two), at a tenth of the cost.
_SEGMENT = r"[A-Za-z0-9_~-][A-Za-z0-9_.~-]*"  # unreserved characters, never "." or ".."
_SIMPLE_PREFIX = re.compile(rf"(https?://[a-z0-9.-]+(?::[0-9]+)?)((?:/{_SEGMENT})*)/?\Z")
_SIMPLE_ABSOLUTE = re.compile(rf"(?:/{_SEGMENT})+/?\Z")
_SIMPLE_RELATIVE = re.compile(rf"(?:\./|(?:\.\./)*)({_SEGMENT}(?:/{_SEGMENT})*/?)\Z")


@lru_cache(maxsize=64)
def _simple_prefix(prefix: str) -> tuple[str, tuple[str, ...]] | None:
    """(origin, directory segments) of a plain prefix that normalisation leaves unchanged."""
    m = _SIMPLE_PREFIX.match(prefix)
    if m is None:
        return None
    as_url = prefix if prefix.endswith("/") else prefix + "/"
    if _resolve(as_url, None) != as_url:  # e.g. a default port, to be dropped
        return None
    return m[1], tuple(m[2].split("/")[1:])


def _join_simple(href: str, prefix: str) -> str | None:
    """``_resolve(href, prefix)`` for a plain ``href`` and prefix; None for any other."""
    plain = _simple_prefix(prefix)
    if plain is None:
        return None
    origin, segments = plain
    if href[0] == "/":
        return origin + href if _SIMPLE_ABSOLUTE.match(href) else None
    m = _SIMPLE_RELATIVE.match(href)
    if m is None:
        return None
    ups = m.start(1) // 3  # "../" each; a leading "./" (2 characters) counts none
    kept = segments[: max(0, len(segments) - ups)]
    return "/".join([origin, *kept, m[1]])


@lru_cache(maxsize=CACHE_SIZE)
def _resolve_cached(href: str, prefix: str) -> str | None:
    return _join_simple(href, prefix) or _resolve(href, prefix)


def normalize_cache_info() -> Any:
    """Hits, misses, maxsize and current size of the normalisation cache."""
    return _resolve_cached.cache_info()


def normalize_cache_clear() -> None:
    _resolve_cached.cache_clear()
    _base_prefixes.cache_clear()
    _simple_prefix.cache_clear()


def origin(url: str) -> str:
    """``scheme://host:port``: the unit of politeness and of robots.txt."""
    authority = _authority(url)
    return _origin(authority) if authority else _origin.__wrapped__(url)


def host(url: str) -> str:
    authority = _authority(url)
    return _host(authority) if authority else _host.__wrapped__(url)


# origin() and host() run for every URL scheduled and fetched; they read only the URL's
# scheme and authority, so they are memoised on that prefix (a handful per crawl).
def _authority(url: str) -> str | None:
    """``scheme://authority`` of an http(s) URL, if short enough to memoise."""
    if not url.startswith(("http://", "https://")):
        return None
    m = _AUTHORITY_END.search(url, url.index("//") + 2)
    prefix = url[: m.start()] if m else url
    return prefix if len(prefix) <= 256 else None


@lru_cache(maxsize=256)
def _origin(url: str) -> str:
    u = URL(url)
    return f"{u.scheme}://{u.host}:{u.port}"


@lru_cache(maxsize=256)
def _host(url: str) -> str:
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
