"""Annex tables as an XLSX workbook, one sheet per table.

Offices re-sort and re-total the results in Excel/WPS, so scores are written as numbers
(with a number format that shows exactly the notice's text, e.g. ``94.5`` or ``90.40``),
not as text that would need 分列 before any formula works.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .model import Annex, ColumnKind, Notice, RankedTable, display_width

__all__ = [
    "cell_value",
    "notice_workbook",
    "render_notice_xlsx",
    "sheet_title",
    "write_notice_xlsx",
]

# Plain decimal numbers only: no leading zeros (a code like "007" stays text), no
# thousands separators, no full-width digits (those are typos to keep visible).
_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONT_NAME = "仿宋_GB2312"
HEADER_FONT_NAME = "黑体"


def cell_value(text: str) -> tuple[int | float | str, str | None]:
    """The value to store for a cell's text and the number format that reproduces it."""
    stripped = text.strip()
    match = _NUMBER.match(stripped)
    if not match:
        return text, None
    decimals = len(match.group(2)) - 1 if match.group(2) else 0
    if decimals == 0:
        return int(stripped), "0"
    return float(Decimal(stripped)), "0." + "0" * decimals


def sheet_title(annex: Annex, table: RankedTable, used: set[str]) -> str:
    """“附件1-乡镇场”; Excel allows 31 characters, no ``[]:*?/\\``, unique per workbook."""
    base = annex.label + (f"-{table.caption}" if table.caption else "")
    base = _INVALID_SHEET_CHARS.sub("_", base)[:31]
    title, n = base, 2
    while title in used:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _column_width(texts: Iterable[str]) -> float:
    """Excel widths are in digit widths; a CJK character is about two."""
    widest = max((display_width(t) * 2 for t in texts), default=4)
    return min(max(widest + 3, 6), 60)


def _write_table(ws, annex: Annex, table: RankedTable) -> None:  # type: ignore[no-untyped-def]
    title = annex.title + (f"（{table.caption}）" if table.caption else "")
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.columns))
    ws.cell(row=1, column=1).font = Font(name=HEADER_FONT_NAME, bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30

    ws.append(list(table.header))
    for c in range(1, len(table.columns) + 1):
        cell = ws.cell(row=2, column=c)
        cell.font = Font(name=HEADER_FONT_NAME, bold=True, size=12)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER

    for r, row in enumerate(table.rows, start=3):
        for c, (text, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            value, number_format = cell_value(text)
            cell = ws.cell(row=r, column=c, value=value)
            if number_format:
                cell.number_format = number_format
            cell.font = Font(name=FONT_NAME, size=12)
            horizontal = "left" if column.kind is ColumnKind.NAME else "center"
            cell.alignment = Alignment(horizontal=horizontal, vertical="center")
            cell.border = _BORDER

    widths = [
        _column_width([column.label, *(row[c] for row in table.rows)])
        for c, column in enumerate(table.columns)
    ]
    # Let the name column absorb what the merged title row needs, so it is not cut off.
    shortfall = display_width(title) * 2 + 2 - sum(widths)
    name_index = [c.kind for c in table.columns].index(ColumnKind.NAME)
    if shortfall > 0:
        widths[name_index] = min(widths[name_index] + shortfall, 60)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def notice_workbook(notice: Notice) -> Workbook:
    """One sheet per annex table, in annex order: title row, header row, data rows."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for annex in notice.annexes:
        for table in annex.tables:
            _write_table(wb.create_sheet(sheet_title(annex, table, used)), annex, table)
    if not wb.worksheets:
        wb.create_sheet("无附件表格")
    wb.properties.title = notice.title_text
    wb.properties.creator = notice.issuer
    return wb


def write_notice_xlsx(notice: Notice, path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    notice_workbook(notice).save(path)
    return path


def render_notice_xlsx(notice: Notice) -> bytes:
    buffer = io.BytesIO()
    notice_workbook(notice).save(buffer)
    return buffer.getvalue()
