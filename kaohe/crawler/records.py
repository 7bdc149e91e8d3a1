"""What one fetch looked like, and what it means for a link.

Every request the crawler makes ends up as a :class:`FetchRecord`. The record is plain data
(JSON round-trippable) so that a later run can do conditional re-fetches from it and so that
the assessment can show *why* a link was judged dead or unverified.

The verdict rules are deliberately conservative, because a ``dead_link`` finding costs a unit
points: only 404/410, DNS failure or connection refused count as dead (and the caller must
confirm on a retry). Everything a server might say while merely busy, shielded by a WAF or
slow — 403, 429, 5xx, timeouts, resets — is "unverified, retry later".
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from pathlib import Path


class ErrorKind(enum.StrEnum):
    """Why a fetch did not yield a complete response (``None`` on the record when it did)."""

    DNS_FAILURE = "dns_failure"
    CONNECTION_REFUSED = "connection_refused"
    CONNECTION_ERROR = "connection_error"  # reset, server disconnected, malformed HTTP
    TLS_ERROR = "tls_error"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"  # body beyond the size cap; reading stopped
    DECOMPRESSION_BOMB = "decompression_bomb"  # inflated far beyond the cap from a small input
    BAD_ENCODING = "bad_content_encoding"  # Content-Encoding we cannot (or failed to) decode
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BAD_REDIRECT = "bad_redirect"  # Location missing or not http(s)
    ROBOTS_DISALLOWED = "robots_disallowed"
    ROBOTS_UNAVAILABLE = (
        "robots_unavailable"  # robots.txt answered 5xx/timeout: RFC 9309 says stay out
    )
    INVALID_URL = "invalid_url"
    BUDGET_EXHAUSTED = "budget_exhausted"


class Verdict(enum.StrEnum):
    OK = "ok"
    DEAD = "dead"
    UNVERIFIED = "unverified"


#: Errors that, like 404/410, mean "nothing is there" rather than "try again later".
DEAD_ERRORS = frozenset({ErrorKind.DNS_FAILURE, ErrorKind.CONNECTION_REFUSED})
DEAD_STATUSES = frozenset({404, 410})
#: The server answered; reading was cut short by our own defences, so the target exists.
ANSWERED_ERRORS = frozenset(
    {ErrorKind.TOO_LARGE, ErrorKind.DECOMPRESSION_BOMB, ErrorKind.BAD_ENCODING}
)


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """One fetch (after following redirects), as recorded for evidence and re-fetching."""

    url: str
    final_url: str
    status: int | None
    fetched_at: datetime
    elapsed: float  # seconds, all redirect hops included
    size: int  # bytes of (decoded) body kept
    sha256: str | None  # of the decoded body; None when no body was received
    content_type: str | None
    error_kind: ErrorKind | None = None
    redirects: tuple[str, ...] = ()  # URLs of the hops after ``url``, in order
    etag: str | None = None
    last_modified: str | None = None
    encoding: str | None = None  # text encoding chosen by decode.py, for HTML pages
    truncated: bool = False
    not_modified: bool = False  # 304 to a conditional request; content is the previous run's
    warc_file: str | None = None  # where the response (the body shown to the user) is archived
    warc_offset: int | None = None
    # Read from the parsed page: its publication date (article pages only, see dates.py) and,
    # for a 2xx answer that is a "not found" page or a redirect home, why it looks so.
    page_date: date | None = None
    soft_404: str | None = None

    @property
    def verdict(self) -> Verdict:
        return verdict_of(self.status, self.error_kind)

    @property
    def status_or_error(self) -> int | str | None:
        """The ``status`` value findings carry: the HTTP status, else the error kind."""
        if self.error_kind is not None and self.error_kind not in ANSWERED_ERRORS:
            return str(self.error_kind)
        return self.status

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["fetched_at"] = self.fetched_at.isoformat()
        data["error_kind"] = str(self.error_kind) if self.error_kind else None
        data["redirects"] = list(self.redirects)
        data["page_date"] = self.page_date.isoformat() if self.page_date else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> FetchRecord:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["fetched_at"] = datetime.fromisoformat(str(values["fetched_at"]))
        kind = values.get("error_kind")
        values["error_kind"] = ErrorKind(kind) if kind else None
        values["redirects"] = tuple(values.get("redirects") or ())  # type: ignore[arg-type]
        day = values.get("page_date")
        values["page_date"] = date.fromisoformat(str(day)) if day else None
        return cls(**values)  # type: ignore[arg-type]


def verdict_of(status: int | None, error_kind: ErrorKind | None) -> Verdict:
    """Classify one attempt. A DEAD here is only a candidate until a retry agrees."""
    if error_kind in DEAD_ERRORS:
        return Verdict.DEAD
    if error_kind is not None and error_kind not in ANSWERED_ERRORS:
        return Verdict.UNVERIFIED
    if status is None:
        return Verdict.UNVERIFIED
    if status in DEAD_STATUSES:
        return Verdict.DEAD
    if 200 <= status < 400:
        return Verdict.OK
    return Verdict.UNVERIFIED


@dataclass(slots=True)
class Attempts:
    """All attempts at one URL; the last one decides (a retry can clear or confirm a death)."""

    records: list[FetchRecord] = field(default_factory=list)

    @property
    def last(self) -> FetchRecord:
        return self.records[-1]

    @property
    def verdict(self) -> Verdict:
        verdict = self.last.verdict
        if verdict is Verdict.DEAD and len(self.records) < 2:
            return Verdict.UNVERIFIED  # unconfirmed death is not a death
        return verdict


def save_records(path: str | Path, records: Iterable[FetchRecord]) -> None:
    """Write records as JSON lines, for the next run's conditional re-fetch."""
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")


def load_records(path: str | Path) -> Iterator[FetchRecord]:
    with open(path, encoding="utf-8") as src:
        for line in src:
            if line.strip():
                yield FetchRecord.from_dict(json.loads(line))
