"""Checks: pure functions from crawl results to findings.

The finding kinds and their fields are a public contract (the assessment UI and exports read
them), so each kind is its own small frozen dataclass and ``to_dict()`` emits exactly
``kind`` plus the contract fields:

- ``dead_link`` / ``unverified_link``: page, target, status
- ``stale_column``: unit, column, url, last_update (YYYY-MM-DD), max_age_days
- ``empty_column`` / ``missing_column``: unit, column, url
- ``unreachable``: url, status
- ``wording`` / ``privacy``: page, text, offset, category, severity, suggestion, rule

``status`` is the HTTP status code, or — when no HTTP answer was had — the error kind as a
string ("timeout", "dns_failure", "connection_refused", "redirect_loop", "robots_disallowed"...).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any, ClassVar, Protocol, runtime_checkable

from .columns import ColumnConfig, ColumnState, ColumnStatus, freshness, newest_item_date
from .crawl import CrawlResult
from .records import Attempts, FetchRecord, Verdict
from .urls import host, normalize

log = logging.getLogger(__name__)


class _Finding:
    kind: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        data.update(asdict(self))  # type: ignore[call-overload]
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


@dataclass(frozen=True, slots=True)
class StaleColumn(_Finding):
    kind: ClassVar[str] = "stale_column"
    unit: str
    column: str
    url: str
    last_update: str  # YYYY-MM-DD
    max_age_days: int


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
    "wording" for anything else. A checker sees only the text, so it may leave ``page``
    empty: :func:`check_text` fills it in.
    """

    text: str  # the offending passage (privacy checkers should mask what they quote)
    offset: int  # into the page text passed to the checker
    category: str
    severity: str = "warning"
    suggestion: str = ""
    rule: str = ""
    page: str = ""
    kind: str = ""  # type: ignore[misc]  # instance field shadowing _Finding's ClassVar

    def __post_init__(self) -> None:
        kind = self.kind or ("privacy" if self.category == "privacy" else "wording")
        if kind not in TEXT_KINDS:
            raise ValueError(f"TextFinding kind must be one of {TEXT_KINDS}: {kind!r}")
        object.__setattr__(self, "kind", kind)

    def to_dict(self) -> dict[str, Any]:
        keys = ("page", "text", "offset", "category", "severity", "suggestion", "rule")
        return {"kind": self.kind, **{k: getattr(self, k) for k in keys}}


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


TextChecker = Callable[[str], Iterable[TextFinding | TextCheckerResult]]

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
    is reported in ``crawl.skipped``, not as a defect of the unit.
    """
    findings: list[DeadLink | UnverifiedLink] = []
    # Pages share most of their links: judge each target once.
    judged: dict[str, tuple[type[DeadLink] | type[UnverifiedLink], int | str | None] | None] = {}
    for page in crawl.pages.values():
        for target in page.links:
            found = judged.get(target, _UNJUDGED)
            if found is _UNJUDGED:
                found = judged[target] = _judge(crawl.fetches.get(target))
            if found is not None:
                kind, status = found  # type: ignore[misc]
                findings.append(kind(page.url, target, status))
    return findings


_UNJUDGED = object()


def _judge(
    attempts: Attempts | None,
) -> tuple[type[DeadLink] | type[UnverifiedLink], int | str | None] | None:
    """What a link to the target of ``attempts`` is reported as, with its status; None for
    a target that is fine or was never fetched."""
    if attempts is None:
        return None
    verdict = attempts.verdict
    if verdict is Verdict.DEAD:
        return DeadLink, attempts.last.status_or_error
    if verdict is Verdict.UNVERIFIED:
        return UnverifiedLink, attempts.last.status_or_error
    return None


# --- columns ----------------------------------------------------------------------------


def assess_column(config: ColumnConfig, crawl: CrawlResult, as_of: date) -> ColumnStatus:
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
    items = page.items if page is not None else ()
    newest, count = newest_item_date(items, as_of)
    return ColumnStatus(config, freshness(config, newest, as_of), newest, count, status)


def check_columns(
    columns: Sequence[ColumnConfig], crawl: CrawlResult, as_of: date
) -> tuple[list[Finding], list[ColumnStatus]]:
    """Findings for stale, empty and missing columns, plus every column's status.

    A column that cannot be fetched for now (403/429/5xx/timeout) is reported as an
    ``unverified_link`` from the site's start page — it must be re-checked, not penalised.
    When the whole site is unreachable, its columns get no findings of their own: the
    ``unreachable`` finding already says it all.
    """
    site_down = bool(check_reachability(crawl))
    findings: list[Finding] = []
    statuses: list[ColumnStatus] = []
    for config in columns:
        status = assess_column(config, crawl, as_of)
        statuses.append(status)
        c = config
        if site_down and host(c.url) == host(crawl.start_url):
            continue
        if status.state is ColumnState.STALE:
            assert status.last_update is not None
            last = status.last_update.isoformat()
            findings.append(StaleColumn(c.unit, c.column, c.url, last, c.max_age_days))
        elif status.state is ColumnState.EMPTY:
            findings.append(EmptyColumn(c.unit, c.column, c.url))
        elif status.state is ColumnState.MISSING:
            findings.append(MissingColumn(c.unit, c.column, c.url))
        elif status.state is ColumnState.UNVERIFIED:
            findings.append(UnverifiedLink(crawl.start_url, c.url, status.status))
    return findings, statuses


# --- text -------------------------------------------------------------------------------


def _coerce(found: object, page: str) -> TextFinding:
    if isinstance(found, TextFinding):
        return found if found.page else replace(found, page=page)
    values: dict[str, Any] = {}
    for f in fields(TextFinding):
        value = getattr(found, f.name, None)
        if value is not None:
            values[f.name] = value if f.name == "offset" else str(value)  # StrEnum -> str
    values["page"] = values.get("page") or page
    return TextFinding(**values)


def check_text(
    crawl: CrawlResult, checkers: Sequence[TextChecker], errors: list[str] | None = None
) -> list[TextFinding]:
    """Run each checker over each parsed page's visible text.

    A checker that raises (or returns a malformed finding) is logged and skipped for that
    page — one faulty rule must not void a whole inspection — and, if ``errors`` is given,
    the failure is appended to it so the report can say so.
    """
    findings: list[TextFinding] = []
    for page in crawl.pages.values():
        if not page.text:
            continue
        for checker in checkers:
            try:
                findings.extend(_coerce(found, page.url) for found in checker(page.text))
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
    if visits == 0:
        return Availability(0, 0, None, False)
    rate = failures / visits
    return Availability(visits, failures, rate, rate >= threshold)
