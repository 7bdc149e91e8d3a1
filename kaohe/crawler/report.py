"""The inspection report: findings plus enough context to act on them.

``to_json()`` is the public shape — ``{"site", "as_of", "pages_fetched", "findings"}`` — and
is kept deterministic (sorted, de-duplicated) so that two runs over an unchanged site diff
clean. Column statuses, the crawl itself and checker errors stay on the Python object for
callers that want them (the Django side stores records and WARC locations from ``crawl``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .checks import FINDING_KINDS, Finding
from .columns import ColumnStatus
from .crawl import CrawlResult


def _sort_key(finding: dict[str, Any]) -> tuple[int, str]:
    kind = finding["kind"]
    rank = FINDING_KINDS.index(kind) if kind in FINDING_KINDS else len(FINDING_KINDS)
    return rank, json.dumps(finding, ensure_ascii=False, sort_keys=True)


@dataclass(slots=True)
class InspectionReport:
    site: str
    as_of: date
    pages_fetched: int
    findings: list[Finding] = field(repr=False)  # may be thousands: kept out of repr()
    columns: list[ColumnStatus] = field(default_factory=list)
    crawl: CrawlResult | None = field(default=None, repr=False)  # the whole site
    errors: list[str] = field(default_factory=list)  # text checkers that failed, etc.

    def finding_dicts(self) -> list[dict[str, Any]]:
        unique = {
            json.dumps(d, ensure_ascii=False, sort_keys=True): d
            for d in (f.to_dict() for f in self.findings)
        }
        return sorted(unique.values(), key=_sort_key)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.finding_dicts() if d["kind"] == kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "as_of": self.as_of.isoformat(),
            "pages_fetched": self.pages_fetched,
            "findings": self.finding_dicts(),
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
