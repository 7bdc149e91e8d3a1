"""Checks as pure functions over hand-made crawl results; report and record plumbing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from kaohe.crawler import (
    ColumnConfig,
    CrawlResult,
    ErrorKind,
    FetchRecord,
    Page,
    TextFinding,
    availability,
    build_report,
    load_records,
    save_records,
)
from kaohe.crawler.checks import check_links, check_reachability, check_text
from kaohe.crawler.extract import ListItem
from kaohe.crawler.records import Attempts, Verdict

NOW = datetime(2024, 6, 30, 8, 0, tzinfo=UTC)
HOME = "http://www.county.gov.cn/"


def rec(url: str, status: int | None, error: ErrorKind | None = None, **kw: object) -> FetchRecord:
    return FetchRecord(url, url, status, NOW, 0.1, 0, None, "text/html", error, **kw)  # type: ignore[arg-type]


def crawl_with(fetches: dict[str, list[FetchRecord]], pages: list[Page]) -> CrawlResult:
    crawl = CrawlResult(HOME, {"www.county.gov.cn"}, NOW)
    crawl.fetches = {u: Attempts(list(rs)) for u, rs in fetches.items()}
    crawl.pages = {p.url: p for p in pages}
    crawl.page_urls = set(crawl.pages)
    return crawl


def page(
    url: str, links: tuple[str, ...] = (), text: str = "", items: tuple[ListItem, ...] = ()
) -> Page:
    return Page(url, 0, rec(url, 200), "", text, links, items)


def test_verdicts() -> None:
    assert rec("u", 200).verdict is Verdict.OK
    assert rec("u", 304).verdict is Verdict.OK
    assert rec("u", 200, ErrorKind.TOO_LARGE).verdict is Verdict.OK  # it answered
    for status in (404, 410):
        assert rec("u", status).verdict is Verdict.DEAD
    for error in (ErrorKind.DNS_FAILURE, ErrorKind.CONNECTION_REFUSED):
        assert rec("u", None, error).verdict is Verdict.DEAD
    for status in (400, 401, 403, 429, 500, 502, 503, 504):
        assert rec("u", status).verdict is Verdict.UNVERIFIED
    for error in (ErrorKind.TIMEOUT, ErrorKind.CONNECTION_ERROR, ErrorKind.TLS_ERROR):
        assert rec("u", None, error).verdict is Verdict.UNVERIFIED
    # Dead needs a confirming retry; a retry that answers clears it.
    assert Attempts([rec("u", 404)]).verdict is Verdict.UNVERIFIED
    assert Attempts([rec("u", 404), rec("u", 404)]).verdict is Verdict.DEAD
    assert Attempts([rec("u", 404), rec("u", 200)]).verdict is Verdict.OK
    assert Attempts([rec("u", 404), rec("u", 503)]).verdict is Verdict.UNVERIFIED


def test_check_links() -> None:
    a, b, c, d = (HOME + x for x in ("a", "b", "c", "d"))
    crawl = crawl_with(
        {
            HOME: [rec(HOME, 200)],
            a: [rec(a, 404), rec(a, 404)],
            b: [rec(b, None, ErrorKind.TIMEOUT)],
            c: [rec(c, 200)],
        },
        [page(HOME, (a, b, c, d))],  # d was never fetched (trap/limit): no finding
    )
    assert [f.to_dict() for f in check_links(crawl)] == [
        {"kind": "dead_link", "page": HOME, "target": a, "status": 404},
        {"kind": "unverified_link", "page": HOME, "target": b, "status": "timeout"},
    ]


def test_unreachable() -> None:
    down = crawl_with({HOME: [rec(HOME, 503)]}, [])
    assert [f.to_dict() for f in check_reachability(down)] == [
        {"kind": "unreachable", "url": HOME, "status": 503}
    ]
    refused = crawl_with({HOME: [rec(HOME, None, ErrorKind.CONNECTION_REFUSED)] * 2}, [])
    assert check_reachability(refused)[0].status == "connection_refused"
    assert check_reachability(crawl_with({HOME: [rec(HOME, 200)]}, [page(HOME)])) == []
    # Columns on an unreachable site get no findings of their own.
    col = ColumnConfig("单位", "栏目", HOME + "col/", 30)
    report = build_report(
        crawl_with({HOME: [rec(HOME, 503)], col.url: [rec(col.url, 503)]}, []),
        [col],
        date(2024, 6, 30),
    )
    assert [f["kind"] for f in report.to_dict()["findings"]] == ["unreachable"]


def test_home_page_not_updated_for_two_weeks() -> None:
    """Checked on every inspection, configured or not; it only ever reports being stale."""
    as_of = date(2024, 6, 30)

    def home(day: str) -> CrawlResult:
        items = (ListItem(HOME + "art/1.html", "要闻", f"要闻 {day}"),) if day else ()
        return crawl_with({HOME: [rec(HOME, 200)]}, [page(HOME, items=items)])

    stale = build_report(home("2024-06-10"), [], as_of).to_dict()["findings"]
    assert stale == [
        {
            "kind": "stale_column",
            "unit": "",
            "column": "首页",
            "url": HOME,
            "last_update": "2024-06-10",
            "max_age_days": 14,
        }
    ]
    assert build_report(home("2024-06-20"), [], as_of).to_dict()["findings"] == []
    assert build_report(home(""), [], as_of).to_dict()["findings"] == []  # no dates: no finding
    # a column file that names the home page is held to its own interval instead
    own = ColumnConfig("县政府办", "首页要闻", HOME, 30)
    report = build_report(home("2024-06-10"), [own], as_of)
    assert report.to_dict()["findings"] == []
    assert [status.config.column for status in report.columns] == ["首页要闻"]


@dataclass
class Duck:
    """A finding from another engineer's checker, not our class."""

    text: str
    offset: int
    category: str
    severity: str = "info"
    suggestion: str = ""
    rule: str = "duck"


def test_text_checkers_duck_typing_and_failures() -> None:
    crawl = crawl_with({HOME: [rec(HOME, 200)]}, [page(HOME, text="请联系张三 13800138000")])

    def phones(text: str) -> list[Duck]:
        return [Duck("138****8000", text.index("138"), "privacy")]

    def broken(text: str) -> list[TextFinding]:
        raise RuntimeError("rule file missing")

    def bad_kind(text: str) -> list[TextFinding]:
        return [TextFinding("x", 0, "typo", kind="spelling")]

    errors: list[str] = []
    found = check_text(crawl, [phones, broken, bad_kind], errors)
    assert [f.to_dict() for f in found] == [
        {
            "kind": "privacy",
            "page": HOME,
            "text": "138****8000",
            "offset": 6,
            "category": "privacy",
            "severity": "info",
            "suggestion": "",
            "rule": "duck",
            "page_date": None,  # the page has no publication date
        }
    ]
    assert len(errors) == 2 and "broken" in errors[0] and "spelling" in errors[1]


class Category(StrEnum):
    TYPO = "typo"
    PRIVACY = "privacy"


@dataclass(frozen=True)
class EngineFinding:
    """Shaped like kaohe.core.wording's findings: fine categories, StrEnums, a ``kind``."""

    text: str
    offset: int
    length: int
    category: Category
    severity: StrEnum
    suggestion: str
    rule: str

    @property
    def kind(self) -> str:
        return "privacy" if self.category is Category.PRIVACY else "wording"


def test_fine_grained_categories_map_to_the_two_kinds() -> None:
    class Sev(StrEnum):
        ERROR = "error"

    crawl = crawl_with({HOME: [rec(HOME, 200)]}, [page(HOME, text="工作部暑")])

    def engine(text: str) -> list[EngineFinding]:
        return [
            EngineFinding("部暑", 2, 2, Category.TYPO, Sev.ERROR, "部署", "typo:部暑"),
            EngineFinding("张*", 0, 2, Category.PRIVACY, Sev.ERROR, "遮盖", "name"),
        ]

    dicts = [f.to_dict() for f in check_text(crawl, [engine])]
    assert [(d["kind"], d["category"], d["severity"]) for d in dicts] == [
        ("wording", "typo", "error"),
        ("privacy", "privacy", "error"),
    ]
    assert type(dicts[0]["category"]) is str  # plain JSON values, not enums
    assert TextFinding("x", 0, "official_name").kind == "wording"
    assert TextFinding("x", 0, "privacy").kind == "privacy"


def test_report_json_is_deterministic_and_deduplicated() -> None:
    a = HOME + "a"
    col = ColumnConfig("县财政局", "财政预决算", HOME + "col/", 30)
    item = ListItem(HOME + "x", "x", "x 2024-01-02")
    crawl = crawl_with(
        {HOME: [rec(HOME, 200)], a: [rec(a, 410), rec(a, 410)], col.url: [rec(col.url, 200)]},
        [page(HOME, (a, a)), page(col.url, (), items=(item,))],
    )
    report = build_report(crawl, [col], date(2024, 6, 30))
    data = json.loads(report.to_json())
    assert data == {
        "site": HOME,
        "as_of": "2024-06-30",
        "pages_fetched": 2,
        "findings": [
            {
                "kind": "stale_column",
                "unit": "县财政局",
                "column": "财政预决算",
                "url": HOME + "col/",
                "last_update": "2024-01-02",
                "max_age_days": 30,
            },
            {"kind": "dead_link", "page": HOME, "target": a, "status": 410},
        ],
    }
    assert report.to_json() == build_report(crawl, [col], date(2024, 6, 30)).to_json()


def test_availability() -> None:
    week = [True] * 95 + [False] * 5
    assert availability(week).flagged and availability(week).failure_rate == 0.05
    assert not availability([True] * 96 + [False] * 4).flagged
    records = [rec("u", 200)] * 18 + [rec("u", 503), rec("u", None, ErrorKind.TIMEOUT)]
    result = availability(records)
    assert (result.visits, result.failures, result.flagged) == (20, 2, True)
    assert availability([]).failure_rate is None and not availability([]).flagged
    assert availability([rec("u", 200, not_modified=True), None]).failures == 1


def test_records_roundtrip(tmp_path: Path) -> None:
    records = [
        rec(
            "http://a/",
            200,
            etag='"v1"',
            redirects=("http://a/b",),
            warc_file="x.warc.gz",
            warc_offset=7,
        ),
        rec("http://b/", None, ErrorKind.DNS_FAILURE),
    ]
    save_records(tmp_path / "r.jsonl", records)
    assert list(load_records(tmp_path / "r.jsonl")) == records
