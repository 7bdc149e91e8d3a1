"""Website crawler for 网上核验: fetch a unit's site politely, keep WARC evidence, and check
for dead links, stale/empty/missing columns (soft 404s and the annual report's 1月31日 included),
wording and privacy problems as of each page's publication date; probe a home page for the
weekly availability rule.

Standalone (no Django): ``inspect(start_url, columns, as_of, ...)`` returns an
:class:`InspectionReport` whose ``to_json()`` is the public contract.
"""

from .checks import (
    Availability,
    DeadLink,
    EmptyColumn,
    MissingColumn,
    StaleColumn,
    TextChecker,
    TextFinding,
    Unreachable,
    UnverifiedLink,
    availability,
    availability_of,
    visit_failed,
)
from .columns import ColumnConfig, ColumnImport, RowError, parse_columns_csv
from .config import DEFAULT_USER_AGENT, CrawlConfig
from .crawl import Crawler, CrawlResult, Page
from .inspection import build_report, inspect, inspect_async
from .probe import visit, visit_async
from .records import ErrorKind, FetchRecord, Verdict, load_records, save_records
from .report import InspectionReport
from .warc import WarcArchive, read_response

__all__ = [
    "DEFAULT_USER_AGENT",
    "Availability",
    "ColumnConfig",
    "ColumnImport",
    "CrawlConfig",
    "CrawlResult",
    "Crawler",
    "DeadLink",
    "EmptyColumn",
    "ErrorKind",
    "FetchRecord",
    "InspectionReport",
    "MissingColumn",
    "Page",
    "RowError",
    "StaleColumn",
    "TextChecker",
    "TextFinding",
    "Unreachable",
    "UnverifiedLink",
    "Verdict",
    "WarcArchive",
    "availability",
    "availability_of",
    "build_report",
    "inspect",
    "inspect_async",
    "load_records",
    "parse_columns_csv",
    "read_response",
    "save_records",
    "visit",
    "visit_async",
    "visit_failed",
]
