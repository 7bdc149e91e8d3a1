"""Checks: pure functions from crawl results to findings.

The finding kinds and their fields are a public contract (the assessment UI and exports read
them), so each kind is its own small frozen dataclass and ``to_dict()`` emits exactly
``kind`` plus the contract fields:

- ``dead_link`` / ``unverified_link``: page, target, status [, reason]
- ``stale_column``: unit, column, url, last_update (YYYY-MM-DD), max_age_days [, reason]
- ``empty_column`` / ``missing_column``: unit, column, url (missing: [, reason])
- ``unreachable``: url, status
- ``wording`` / ``privacy``: page, text, offset, category, severity, suggestion, rule, page_date

``reason`` is there only when the status or the dates alone would not explain the finding (a
soft 404, a column sent to the home page, a late annual report): findings without one are
exactly what they were before it existed. ``page_date`` is the page's publication date
(YYYY-MM-DD) the text was checked as of, or null for an undated page.

``status`` is the HTTP status code, or — when no HTTP answer was had — the error kind as a
string ("timeout", "dns_failure", "connection_refused", "redirect_loop", "robots_disallowed"...).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any, ClassVar, Protocol, runtime_checkable

from .annual import annual_report_problem
from .columns import (
    ColumnConfig,
    ColumnState,
    ColumnStatus,
    freshness,
    home_column,
    newest_item_date,
)
from .crawl import CrawlResult, Page
from .records import Attempts, FetchRecord, Verdict
from .soft404 import is_root, redirected_to_root
from .urls import host, normalize

log = logging.getLogger(__name__)


class _Finding:
    kind: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        data.update(asdict(self))  # type: ignore[call-overload]
        if data.get("reason") == "":
            del data["reason"]  # optional: absent rather than empty
        return data


@dataclass(frozen=True, slots=True)
class DeadLink(_Finding):
    kind: ClassVar[str] = "dead_link"
    page: str
    target: str
    status: int | str | None


@dataclass(frozen=True, slots=True)
class UnverifiedLink(_Finding):
    kind: ClassVar[str] = "unverified_link"
    page: str
    target: str
    status: int | str | None
    reason: str = ""  # e.g. 疑似软404: it answered, but as a "not found" page


@dataclass(frozen=True, slots=True)
class StaleColumn(_Finding):
    kind: ClassVar[str] = "stale_column"
    unit: str
    column: str
    url: str
    last_update: str  # YYYY-MM-DD
    max_age_days: int
    reason: str = ""  # a rule other than max_age_days: “2023年度报告未在2024年1月31日前发布”


@dataclass(frozen=True, slots=True)
class EmptyColumn(_Finding):
    kind: ClassVar[str] = "empty_column"
    unit: str
    column: str
    url: str


@dataclass(frozen=True, slots=True)
class MissingColumn(_Finding):
    kind: ClassVar[str] = "missing_column"
    unit: str
    column: str
    url: str
    reason: str = ""  # it answered 2xx, but as a "not found" page or the home page


@dataclass(frozen=True, slots=True)
class Unreachable(_Finding):
    kind: ClassVar[str] = "unreachable"
    url: str
    status: int | str | None


TEXT_KINDS = ("wording", "privacy")


@dataclass(frozen=True, slots=True)
class TextFinding(_Finding):
    """What a text checker reports; it becomes a ``wording`` or ``privacy`` finding.

    ``category`` is the checker's own class (错别字 "typo", "renamed_agency", "privacy", ...).
    The finding kind is ``kind`` when given, else "privacy" for category "privacy" and
    "wording" for anything else. A checker sees only the text (and the page's date), so it
    may leave ``page`` and ``page_date`` empty: :func:`check_text` fills them in.
    """

    text: str  # the offending passage (privacy checkers should mask what they quote)
    offset: int  # into the page text passed to the checker
    category: str
    severity: str = "warning"
    suggestion: str = ""
    rule: str = ""
    page: str = ""
    kind: str = ""  # type: ignore[misc]  # instance field shadowing _Finding's ClassVar
    page_date: str | None = None  # YYYY-MM-DD the page was checked as of; None = undated

    def __post_init__(self) -> None:
        kind = self.kind or ("privacy" if self.category == "privacy" else "wording")
        if kind not in TEXT_KINDS:
            raise ValueError(f"TextFinding kind must be one of {TEXT_KINDS}: {kind!r}")
        object.__setattr__(self, "kind", kind)

    def to_dict(self) -> dict[str, Any]:
        keys = ("page", "text", "offset", "category", "severity", "suggestion", "rule")
        return {
            "kind": self.kind,
            **{k: getattr(self, k) for k in keys},
            "page_date": self.page_date,
        }


@runtime_checkable
class TextCheckerResult(Protocol):
    """Anything with these attributes is accepted from a checker (``kind`` optional), e.g.
    ``kaohe.core.wording`` findings, whose ``category`` and ``severity`` are StrEnums."""

    text: str
    offset: int
    category: str
    severity: str
    suggestion: str
    rule: str


#: ``checker(text)`` or ``checker(text, page_date=date | None)``: a checker whose signature
#: accepts ``page_date`` (or ``**kwargs``) is given the page's publication date.
TextChecker = Callable[..., Iterable[TextFinding | TextCheckerResult]]

Finding = (
    DeadLink
    | UnverifiedLink
    | StaleColumn
    | EmptyColumn
    | MissingColumn
    | Unreachable
    | TextFinding
)
FINDING_KINDS = (
    "unreachable",
    "missing_column",
    "stale_column",
    "empty_column",
    "dead_link",
    "unverified_link",
    "privacy",
    "wording",
)


# --- links and reachability -------------------------------------------------------------


def _record(crawl: CrawlResult, url: str) -> FetchRecord | None:
    attempts = crawl.fetches.get(url)
    return attempts.last if attempts else None


def check_reachability(crawl: CrawlResult) -> list[Unreachable]:
    """The start page must answer 2xx (after redirects); anything else makes the site
    unreachable for the assessment, whatever the reason."""
    record = _record(crawl, crawl.start_url)
    if record is None:
        return [Unreachable(crawl.start_url, None)]
    ok = record.verdict is Verdict.OK and record.status is not None and record.status < 300
    if record.not_modified or ok:
        return []
    return [Unreachable(crawl.start_url, record.status_or_error)]


def check_links(crawl: CrawlResult) -> list[DeadLink | UnverifiedLink]:
    """One finding per (page, target) whose target is dead (confirmed) or unverified.

    Targets never fetched (trap-filtered or past the fetch limit) yield nothing: not knowing
    is reported in ``crawl.skipped``, not as a defect of the unit. A target that answered
    2xx as a "not found" page, or by sending a non-home address to a home page, is
    unverified with the reason “疑似软404” — suspicious, never dead.
    """
    findings: list[DeadLink | UnverifiedLink] = []
    # Pages share most of their links: judge each target once.
    judged: dict[str, _Judged | None] = {}
    for page in crawl.pages.values():
        for target in page.links:
            found = judged.get(target, _UNJUDGED)
            if found is _UNJUDGED:
                found = judged[target] = _judge(crawl.fetches.get(target))
            if found is not None:
                kind, status, reason = found  # type: ignore[misc]
                if kind is DeadLink:
                    findings.append(DeadLink(page.url, target, status))
                else:
                    findings.append(UnverifiedLink(page.url, target, status, reason))
    return findings


_UNJUDGED = object()
_Judged = tuple[type[DeadLink] | type[UnverifiedLink], int | str | None, str]


def soft_404_reason(record: FetchRecord) -> str:
    """Why a 2xx answer looks like a missing page ("" when it does not): the page said it
    was not found, or a non-home address ended on a home page."""
    if record.soft_404:
        return record.soft_404
    if record.redirects and redirected_to_root(record.url, record.final_url):
        return f"疑似软404（跳转到首页 {record.final_url}）"
    return ""


def _judge(attempts: Attempts | None) -> _Judged | None:
    """What a link to the target of ``attempts`` is reported as, with its status and
    reason; None for a target that is fine or was never fetched."""
    if attempts is None:
        return None
    verdict = attempts.verdict
    if verdict is Verdict.DEAD:
        return DeadLink, attempts.last.status_or_error, ""
    if verdict is Verdict.UNVERIFIED:
        return UnverifiedLink, attempts.last.status_or_error, ""
    reason = soft_404_reason(attempts.last)
    if reason:
        return UnverifiedLink, attempts.last.status_or_error, reason
    return None


# --- columns ----------------------------------------------------------------------------


def _home_urls(crawl: CrawlResult) -> set[str]:
    """The start URL and where it ended (``county.gov.cn`` -> ``www.county.gov.cn/index.html``)."""
    homes = {crawl.start_url}
    record = _record(crawl, crawl.start_url)
    if record is not None:
        homes.add(record.final_url)
    return homes


def _is_home(url: str, homes: set[str]) -> bool:
    return url in homes or (is_root(url) and host(url) in {host(h) for h in homes})


def not_a_column(url: str, record: FetchRecord, page: Page | None, homes: set[str]) -> str:
    """Why a column that answered 2xx is missing all the same ("" when it is not): it was
    sent to the site's home page (by redirect or ``<meta refresh>``), or it is a "not found"
    page. The home page lists fresh dates, so without this such a column would pass as fresh."""
    if _is_home(url, homes):
        return ""  # a column configured as the home page itself: nothing to tell
    if _is_home(record.final_url, homes):
        return f"打开后跳转到网站首页（{record.final_url}）"
    if page is not None and page.refresh and _is_home(page.refresh, homes):
        return f"页面自动跳转到网站首页（{page.refresh}）"
    return record.soft_404 or ""


def assess_column(
    config: ColumnConfig, crawl: CrawlResult, as_of: date, homes: set[str] | None = None
) -> ColumnStatus:
    """``homes``: :func:`_home_urls` of ``crawl``, when the caller has it already."""
    url = normalize(config.url) or config.url
    attempts = crawl.fetches.get(url)
    if attempts is None:
        return ColumnStatus(config, ColumnState.NOT_FETCHED)
    status = attempts.last.status_or_error
    verdict = attempts.verdict
    if verdict is Verdict.DEAD:
        return ColumnStatus(config, ColumnState.MISSING, status=status)
    if verdict is Verdict.UNVERIFIED:
        return ColumnStatus(config, ColumnState.UNVERIFIED, status=status)
    page = crawl.pages.get(url)
    reason = not_a_column(url, attempts.last, page, homes or _home_urls(crawl))
    if reason:
        return ColumnStatus(config, ColumnState.MISSING, status=status, reason=reason)
    items = page.items if page is not None else ()
    newest, count = newest_item_date(items, as_of)
    state = freshness(config, newest, as_of)
    if config.annual_report and state in (ColumnState.FRESH, ColumnState.STALE):
        problem = annual_report_problem(items, as_of)
        if problem:  # the 1月31日 rule says it all: one finding, not two, for the column
            return ColumnStatus(config, ColumnState.STALE, newest, count, status, problem)
    return ColumnStatus(config, state, newest, count, status)


def check_columns(
    columns: Sequence[ColumnConfig], crawl: CrawlResult, as_of: date
) -> tuple[list[Finding], list[ColumnStatus]]:
    """Findings for stale, empty and missing columns, plus every column's status.

    The home page is checked as a column held to two weeks even when no configured column
    points at it; it only ever reports being stale.

    A column that cannot be fetched for now (403/429/5xx/timeout) is reported as an
    ``unverified_link`` from the site's start page — it must be re-checked, not penalised.
    When the whole site is unreachable, its columns get no findings of their own: the
    ``unreachable`` finding already says it all.
    """
    site_down = bool(check_reachability(crawl))
    findings: list[Finding] = []
    statuses: list[ColumnStatus] = []
    homes = _home_urls(crawl)
    if not any(_is_home(normalize(c.url) or c.url, homes) for c in columns):
        columns = [*columns, home_column(crawl.start_url)]
    for config in columns:
        status = assess_column(config, crawl, as_of, homes)
        statuses.append(status)
        c = config
        if site_down and host(c.url) == host(crawl.start_url):
            continue
        if c.home and status.state is not ColumnState.STALE:
            continue  # a home page without dates, or down (``unreachable`` says so): no finding
        if status.state is ColumnState.STALE:
            assert status.last_update is not None
            last = status.last_update.isoformat()
            findings.append(
                StaleColumn(c.unit, c.column, c.url, last, c.max_age_days, status.reason)
            )
        elif status.state is ColumnState.EMPTY:
            findings.append(EmptyColumn(c.unit, c.column, c.url))
        elif status.state is ColumnState.MISSING:
            findings.append(MissingColumn(c.unit, c.column, c.url, status.reason))
        elif status.state is ColumnState.UNVERIFIED:
            findings.append(UnverifiedLink(crawl.start_url, c.url, status.status))
    return findings, statuses


# --- text -------------------------------------------------------------------------------


def _coerce(found: object, page: str, page_date: str | None) -> TextFinding:
    if isinstance(found, TextFinding):
        return replace(found, page=found.page or page, page_date=found.page_date or page_date)
    values: dict[str, Any] = {}
    for f in fields(TextFinding):
        value = getattr(found, f.name, None)
        if value is not None:
            values[f.name] = value if f.name == "offset" else str(value)  # StrEnum -> str
    values["page"] = values.get("page") or page
    values["page_date"] = values.get("page_date") or page_date
    return TextFinding(**values)


def accepts_page_date(checker: TextChecker) -> bool:
    """Does ``checker`` take the page's date (a ``page_date`` parameter, or ``**kwargs``)?
    Checkers written for text alone keep working: they are called with the text only."""
    try:
        parameters = inspect.signature(checker).parameters.values()
    except (TypeError, ValueError):  # some builtins and C callables have no signature
        return False
    return any(
        (p.name == "page_date" and p.kind is not p.POSITIONAL_ONLY) or p.kind is p.VAR_KEYWORD
        for p in parameters
    )


def _duplicate(page: Page, crawl: CrawlResult) -> bool:
    """A page reached through a redirect to another crawled page: same text, checked there."""
    final = page.record.final_url
    return final != page.url and final in crawl.pages


def check_text(
    crawl: CrawlResult, checkers: Sequence[TextChecker], errors: list[str] | None = None
) -> list[TextFinding]:
    """Run each checker over each parsed page's visible text, as of the page's date.

    Date-bound rules (renamed agencies, leaders' tenures) depend on when the page was
    published, so a checker that accepts ``page_date`` is given it (None for list pages and
    undated articles). A checker that raises (or returns a malformed finding) is logged and
    skipped for that page — one faulty rule must not void a whole inspection — and, if
    ``errors`` is given, the failure is appended to it so the report can say so.
    """
    findings: list[TextFinding] = []
    dated = [accepts_page_date(checker) for checker in checkers]
    for page in crawl.pages.values():
        if not page.text or _duplicate(page, crawl):
            continue
        day = page.date.isoformat() if page.date else None
        for checker, with_date in zip(checkers, dated, strict=True):
            try:
                found = checker(page.text, page_date=page.date) if with_date else checker(page.text)
                findings.extend(_coerce(f, page.url, day) for f in found)
            except Exception as exc:  # noqa: BLE001 - contain third-party checker bugs
                name = getattr(checker, "__name__", repr(checker))
                log.exception("text checker %s failed on %s", name, page.url)
                if errors is not None:
                    errors.append(f"{name} @ {page.url}: {exc!r}")
    return findings


# --- availability -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Availability:
    visits: int
    failures: int
    failure_rate: float | None  # None when there were no visits
    flagged: bool


def visit_failed(outcome: FetchRecord | bool | None) -> bool:
    """A visit fails unless a visitor would have got the page (2xx/3xx/304 after redirects).
    Unlike link checking, 429/5xx/timeouts *do* count here: that is what availability is."""
    if isinstance(outcome, bool):
        return not outcome
    if outcome is None:
        return True
    return not (outcome.not_modified or outcome.verdict is Verdict.OK)


def availability(
    outcomes: Iterable[FetchRecord | bool | None], threshold: float = 0.05
) -> Availability:
    """Flag a site whose sampled visits (e.g. a week of periodic checks) failed >= 5%.

    Outcomes are FetchRecords, or booleans (True = the visit succeeded), or None for a visit
    that did not happen because the checker itself failed to run (counted as failed).
    """
    visits = failures = 0
    for outcome in outcomes:
        visits += 1
        failures += visit_failed(outcome)
    return availability_of(visits, failures, threshold)


def availability_of(visits: int, failures: int, threshold: float = 0.05) -> Availability:
    """The same judgement from counts already made (e.g. by a database query)."""
    if visits <= 0:
        return Availability(0, 0, None, False)
    rate = failures / visits
    return Availability(visits, failures, rate, rate >= threshold)
