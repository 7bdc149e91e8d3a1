"""Running the crawler with progress, and what both the CLI and the task queue need for it.

No database here: ``kaohe inspect URL`` runs from this module alone, and the task in
:mod:`.tasks` wraps the same calls with the models.

The crawl runs on its own thread with its own event loop, so the caller's thread stays free to
report progress (a bar on stderr, a row in the database) without touching the event loop: Django's
ORM refuses to be called from async code, and the database connection of a task belongs to the
task's thread.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kaohe.crawler import (
    ColumnConfig,
    ColumnImport,
    CrawlConfig,
    Crawler,
    FetchRecord,
    InspectionReport,
    RowError,
    WarcArchive,
    build_report,
    parse_columns_csv,
)
from kaohe.crawler.columns import CSV_HEADER

log = logging.getLogger(__name__)

MAX_COLUMN_FILE = 5 * 1024 * 1024
Progress = Callable[[int, int], None]  # (pages done, pages planned so far)


# ---------------------------------------------------------------- column files


def read_columns_file(data: bytes, filename: str) -> ColumnImport:
    """``单位,栏目,网址,更新周期(天)`` from CSV (UTF-8/GB18030) or XLSX, checked row by row by
    the crawler's own parser, so the CLI, the web import and ``python -m kaohe.crawler`` agree
    on what a good file is. Row numbers are the spreadsheet's (header = row 1)."""
    if len(data) > MAX_COLUMN_FILE:
        return ColumnImport([], [RowError(0, "文件", "文件超过 5 MB，拒绝导入。")])
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        try:
            text = _xlsx_as_csv(data)
        except ValueError as exc:
            return ColumnImport([], [RowError(0, "文件", str(exc))])
        return parse_columns_csv(text)
    if suffix not in (".csv", ".txt", ""):
        message = f"不支持的文件类型“{suffix}”：请使用 .csv 或 .xlsx。"
        return ColumnImport([], [RowError(0, "文件", message)])
    try:
        return parse_columns_csv(data)
    except ValueError as exc:  # undecodable bytes
        return ColumnImport([], [RowError(0, "文件", str(exc))])


def _xlsx_as_csv(data: bytes) -> str:
    """The first sheet as CSV text, one record per sheet row (blank rows kept as blank records)
    so the parser's row numbers stay the spreadsheet's."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValueError(f"无法读取 Excel 文件：{exc.__class__.__name__}") from exc
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            cells = [_cell(v) for v in row]
            while cells and not cells[-1].strip():
                cells.pop()
            writer.writerow(cells[: max(len(cells), 1)])
    finally:
        book.close()
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def columns_template() -> str:
    return ",".join(CSV_HEADER) + "\n"


# ---------------------------------------------------------------- text checkers


@dataclass
class RecordingChecker:
    """Wraps a ``kaohe.core.wording.Checker`` as the crawler's text checker and remembers each
    finding's own fingerprint (rule + matched text + context, personal data never in clear),
    which the crawler's report does not carry: ignore marks are made of it. The crawler gives
    it each article's publication date, which the date-bound rules (renamed agencies, leaders'
    tenures) are decided by."""

    checker: Any
    marks: dict[tuple[str, int, str], str] = field(default_factory=dict)

    def __call__(self, text: str, page_date: date | None = None) -> list[Any]:
        found = self.checker.scan(text, page_date)
        key = text_key(text)
        for finding in found:
            self.marks[(key, finding.offset, finding.rule)] = finding.fingerprint
        return found

    def mark(self, page_text: str, offset: int, rule: str) -> str:
        print_ = self.marks.get((text_key(page_text), offset, rule))
        return f"{rule}:{print_}" if print_ else ""


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def build_checker(
    allowlist: Iterable[str] = (),
    ignore: Iterable[str] = (),
    roster: Iterable[Any] = (),
    packs: Sequence[Any] | None = None,
) -> RecordingChecker:
    """The wording (错敏) and privacy checker with the default rule packs. Should the packs not
    load (a broken pack file), privacy detection still runs and the reason is logged."""
    from kaohe.core.wording import Checker, PackError, load_default_packs

    if packs is None:
        try:
            packs = load_default_packs()
        except (PackError, OSError) as exc:
            log.error("wording packs unavailable, privacy checks only: %s", exc)
            packs = []
    checker = Checker(packs, roster=roster, allowlist=allowlist, ignore=ignore)
    return RecordingChecker(checker)


# ---------------------------------------------------------------- the crawl, with progress


def crawl_progress(crawler: Crawler) -> tuple[int, int]:
    """(pages answered, pages planned) of a running crawl, read from another thread."""
    result = crawler.result
    if result is None:
        return 0, 0
    try:
        planned = list(result.page_urls)
    except RuntimeError:  # the set grew while being copied; next tick will do
        return 0, 0
    fetches = result.fetches
    return sum(1 for url in planned if url in fetches), len(planned)


def run(
    start_url: str,
    columns: Sequence[ColumnConfig] = (),
    as_of: date | None = None,
    *,
    config: CrawlConfig | None = None,
    text_checkers: Sequence[Any] = (),
    warc_dir: str | Path | None = None,
    previous: Iterable[FetchRecord] = (),
    resolver: Any = None,
    on_progress: Progress | None = None,
    interval: float = 0.5,
) -> InspectionReport:
    """``kaohe.crawler.inspect`` with ``on_progress(done, planned)`` called on the caller's
    thread every ``interval`` seconds and once at the end. ``done`` counts the planned pages
    that were requested (answered or not); the report's ``pages_fetched`` those answered."""
    day = as_of or date.today()
    config = config or CrawlConfig()
    archive = WarcArchive(warc_dir, operator=config.user_agent) if warc_dir else None
    crawler = Crawler(config, archive=archive, previous=previous, resolver=resolver, as_of=day)
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["crawl"] = asyncio.run(crawler.crawl(start_url, seeds=[c.url for c in columns]))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc
        finally:
            if archive is not None:
                archive.close()

    thread = threading.Thread(target=work, name="kaohe-crawl", daemon=True)
    thread.start()
    last = (-1, -1)
    while thread.is_alive():
        thread.join(interval)
        now = crawl_progress(crawler)
        if on_progress is not None and now != last:
            on_progress(*now)
            last = now
    if "error" in box:
        raise box["error"]
    report = build_report(box["crawl"], columns, day, text_checkers)
    if on_progress is not None:
        on_progress(*crawl_progress(crawler))
    return report


class ProgressBar:
    """A small textual progress bar: ``抓取 [#######-----]  35/120 页``, redrawn in place on a
    terminal; elsewhere (logs, pipes) only the final line is written."""

    def __init__(self, stream: Any, width: int = 30, label: str = "抓取") -> None:
        self.stream = stream
        self.width = width
        self.label = label
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.line = ""

    def render(self, done: int, total: int) -> str:
        total = max(total, done, 1)
        filled = round(self.width * done / total)
        bar = "#" * filled + "-" * (self.width - filled)
        return f"{self.label} [{bar}] {done:>4}/{total} 页 {100 * done // total:>3}%"

    def __call__(self, done: int, total: int) -> None:
        self.line = self.render(done, total)
        if self.tty:
            self.stream.write("\r" + self.line)
            self.stream.flush()

    def close(self) -> None:
        if self.line:
            self.stream.write(("\r" if self.tty else "") + self.line + "\n")
            self.stream.flush()
