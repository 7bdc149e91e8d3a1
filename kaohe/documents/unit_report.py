"""Per-unit 扣分明细 (deduction detail) reports.

After the notice, each unit asks *why* it lost points. This report lists, per scorecard,
every deduction with its reason, evidence, who recorded it and when, so the unit can
check or appeal (复核) line by line. It uses the same reference template, page setup and
PDF route as the notice; it is an internal attachment, so it has no 版头.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from docx.document import Document

from kaohe.core.numbers import format_score

from . import styles as st
from .docx_writer import add_blank_lines, add_paragraph, add_signature, add_table, scaled_widths
from .model import format_chinese_date
from .ooxml import P_ORDER, set_child
from .page import start_document

__all__ = [
    "Deduction",
    "ScorecardDeductions",
    "UnitReport",
    "render_unit_reports_docx",
    "unit_reports_document",
    "write_unit_reports_docx",
    "write_unit_reports_per_file",
]

CHINESE_NUMERALS = "一二三四五六七八九十"
COLUMNS = ("序号", "指标", "扣分", "扣分原因", "佐证材料", "录入人", "录入时间")
#: Relative widths of COLUMNS, sized for 小四 (12 pt): 序号/扣分 fit two characters,
#: 录入人 three, 录入时间 a date over a time; reason and evidence take the rest.
WEIGHTS = (1.1, 2.2, 1.1, 2.9, 2.4, 1.5, 2.1)


@dataclass(frozen=True)
class Deduction:
    indicator: str  # e.g. "1.2 主动公开"
    points: Decimal  # positive number of points deducted
    reason: str
    evidence: tuple[str, ...] = ()  # file names / links / descriptions
    author: str = ""
    time: dt.datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "evidence", tuple(self.evidence))


@dataclass(frozen=True)
class ScorecardDeductions:
    """One scorecard (e.g. 政务公开) of one unit: its deductions and optional totals."""

    name: str
    deductions: tuple[Deduction, ...]
    full_marks: Decimal | None = None
    score: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "deductions", tuple(self.deductions))

    @property
    def total_deducted(self) -> Decimal:
        return sum((d.points for d in self.deductions), Decimal(0))


@dataclass(frozen=True)
class UnitReport:
    unit_name: str
    scorecards: tuple[ScorecardDeductions, ...]
    period: str = ""  # e.g. "2020年度"
    issuer: str = ""
    date: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "scorecards", tuple(self.scorecards))

    @property
    def title(self) -> str:
        return f"{self.unit_name}{self.period}考核扣分明细"


def _heading_text(index: int, card: ScorecardDeductions) -> str:
    numeral = CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1)
    facts = []
    if card.full_marks is not None:
        facts.append(f"满分{format_score(card.full_marks)}分")
    if card.score is not None:
        facts.append(f"得分{format_score(card.score)}分")
    facts.append(f"扣{format_score(card.total_deducted)}分")
    return f"{numeral}、{card.name}（{'，'.join(facts)}）"


def _row(i: int, d: Deduction) -> tuple[str, ...]:
    when = d.time.strftime("%Y-%m-%d\n%H:%M") if d.time else ""
    return (
        str(i),
        d.indicator,
        format_score(d.points),
        d.reason,
        "\n".join(d.evidence),
        d.author,
        when,
    )


def _write_unit(document: Document, report: UnitReport, *, new_page: bool) -> None:
    title = add_paragraph(document, st.TITLE, report.title)
    if new_page:
        # pageBreakBefore rather than a break run: no stray empty line on the new page.
        set_child(title._p.get_or_add_pPr(), "pageBreakBefore", order=P_ORDER)
    add_blank_lines(document, 1)
    for index, card in enumerate(report.scorecards):
        add_paragraph(document, st.HEADING_IDS[1], _heading_text(index, card))
        if not card.deductions:
            add_paragraph(document, st.BODY, "无扣分。")
            continue
        rows = [_row(i, d) for i, d in enumerate(card.deductions, start=1)]
        rows.append(("合计", "", format_score(card.total_deducted), "", "", "", ""))
        align = ["center", "left", "center", "left", "left", "center", "center"]
        add_table(
            document,
            COLUMNS,
            rows,
            scaled_widths(WEIGHTS),
            text_style=st.SMALL_TABLE_TEXT,
            header_style=st.SMALL_TABLE_HEADER,
            align=align,
        )
        add_blank_lines(document, 1)
    if report.date:
        add_signature(document, report.issuer, format_chinese_date(report.date), sealed=False)
    elif report.issuer:
        add_blank_lines(document, 1)
        add_paragraph(document, st.SIGNATURE, report.issuer)


def unit_reports_document(
    reports: Iterable[UnitReport], *, template: str | None = None
) -> Document:
    """All units in one document, each starting on a new page."""
    document = start_document(template)
    for n, report in enumerate(reports):
        _write_unit(document, report, new_page=n > 0)
    return document


def write_unit_reports_docx(reports: Sequence[UnitReport] | UnitReport, path: Path | str) -> Path:
    """One file; a single :class:`UnitReport` or several (page break between units)."""
    items = [reports] if isinstance(reports, UnitReport) else list(reports)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    unit_reports_document(items).save(str(path))
    return path


def write_unit_reports_per_file(reports: Iterable[UnitReport], out_dir: Path | str) -> list[Path]:
    """One DOCX per unit, named after the unit (path separators replaced)."""
    out = Path(out_dir)
    paths: list[Path] = []
    for report in reports:
        stem = "".join("_" if ch in '/\\:*?"<>|' else ch for ch in report.title)
        candidate, n = out / f"{stem}.docx", 2
        while candidate in paths:  # two units with the same name must not overwrite
            candidate, n = out / f"{stem}({n}).docx", n + 1
        paths.append(write_unit_reports_docx(report, candidate))
    return paths


def render_unit_reports_docx(reports: Sequence[UnitReport] | UnitReport) -> bytes:
    items = [reports] if isinstance(reports, UnitReport) else list(reports)
    buffer = io.BytesIO()
    unit_reports_document(items).save(buffer)
    return buffer.getvalue()
