"""URL normalisation and trap defences."""

from __future__ import annotations

import pytest

from kaohe.crawler.urls import TrapGuard, normalize, origin

BASE = "http://www.county.gov.cn/col/col123/index.html"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("art_1.html", "http://www.county.gov.cn/col/col123/art_1.html"),
        ("../col456/index.html#top", "http://www.county.gov.cn/col/col456/index.html"),
        ("/县情/概况.html", "http://www.county.gov.cn/%E5%8E%BF%E6%83%85/%E6%A6%82%E5%86%B5.html"),
        ("HTTP://WWW.Example.GOV.CN:80/a?", "http://www.example.gov.cn/a"),
        ("https://x.gov.cn:443", "https://x.gov.cn/"),
        ("//cdn.gov.cn/a.js", "http://cdn.gov.cn/a.js"),
        ("\\col\\a.html", "http://www.county.gov.cn/col/a.html"),
        ("?page=2", "http://www.county.gov.cn/col/col123/index.html?page=2"),
        ("javascript:void(0)", None),
        ("mailto:gk@county.gov.cn", None),
        ("tel:0371-12345678", None),
        ("#", None),
        ("", None),
        ("ftp://files.gov.cn/x", None),
        ("http://[::1", None),
    ],
)
def test_normalize(href: str, expected: str | None) -> None:
    assert normalize(href, BASE) == expected


def test_origin() -> None:
    assert origin("https://a.gov.cn/x") == "https://a.gov.cn:443"
    assert origin("http://a.gov.cn:8080/x?y") == "http://a.gov.cn:8080"


def test_query_variants_cap_is_per_path() -> None:
    guard = TrapGuard(max_query_variants=3)
    answers = [guard.reason_to_skip(f"http://h/search?q={i}") for i in range(5)]
    assert answers == [None, None, None, "query_variants_cap", "query_variants_cap"]
    assert guard.reason_to_skip("http://h/other?q=9") is None
    assert guard.reason_to_skip("http://h/search") is None  # no query: not a variant


def test_calendar_trap_and_range() -> None:
    guard = TrapGuard(max_calendar_variants=3, max_year=2025)
    months = [guard.reason_to_skip(f"http://h/cal.jsp?year=2024&month={m}") for m in range(1, 6)]
    assert months == [None, None, None, "calendar_trap", "calendar_trap"]
    assert guard.reason_to_skip("http://h/calendar/2031-01/") == "calendar_out_of_range"
    assert guard.reason_to_skip("http://h/rili?date=1970-01-01") == "calendar_out_of_range"
    # Ordinary dated article paths are not calendars.
    assert guard.reason_to_skip("http://h/art/2024/5/9/art_2345_1.html") is None


def test_length_and_repeated_segments() -> None:
    guard = TrapGuard(max_url_length=100)
    assert guard.reason_to_skip("http://h/" + "a" * 200) == "url_too_long"
    assert guard.reason_to_skip("http://h/x/y/x/y/x/y/x/y/z.html") == "repeated_path_segments"
    assert guard.reason_to_skip("http://h/x/y/x/y/z.html") is None
