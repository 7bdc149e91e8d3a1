"""Reading CSV (UTF-8 or GB18030) and XLSX into header + rows, with row numbers kept.

Offices save CSV from Excel or WPS in GB18030/GBK as often as in UTF-8; anything else is refused
with a clear message rather than decoded into mojibake.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .errors import ImportFailure, RowError

MAX_BYTES = 20 * 1024 * 1024
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, values by header)


def read_table(data: bytes, filename: str) -> Table:
    if len(data) > MAX_BYTES:
        raise ImportFailure(
            [RowError(None, "", f"文件超过 {MAX_BYTES // 1024 // 1024} MB，拒绝导入。")]
        )
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        grid = _csv_grid(data)
    elif suffix == ".xlsx":
        grid = _xlsx_grid(data)
    else:
        raise ImportFailure(
            [RowError(None, "", f"不支持的文件类型“{suffix or filename}”：请使用 .csv 或 .xlsx。")]
        )
    return _to_table(grid)


def decode_text(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailure(
        [RowError(None, "", "文件编码无法识别：CSV 文件应为 UTF-8 或 GB18030（GBK）编码。")]
    )


def _csv_grid(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    if "\x00" in text:
        raise ImportFailure([RowError(None, "", "文件含有空字符，可能不是文本格式的 CSV。")])
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def _xlsx_grid(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportFailure(
            [RowError(None, "", f"无法读取 Excel 文件：{exc.__class__.__name__}")]
        ) from exc
    sheet = workbook.worksheets[0]
    grid = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return grid


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_table(grid: list[list[str]]) -> Table:
    if not grid or not any(cell.strip() for cell in grid[0]):
        raise ImportFailure([RowError(1, "", "文件没有表头行。")])
    header = [cell.strip() for cell in grid[0]]
    while header and not header[-1]:
        header.pop()
    errors = [
        RowError(1, name, "表头重复。") for i, name in enumerate(header) if name in header[:i]
    ]
    if errors:
        raise ImportFailure(errors)
    rows = []
    for number, cells in enumerate(grid[1:], start=2):
        if not any(str(cell).strip() for cell in cells):
            continue
        values = {
            name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)
        }
        rows.append((number, values))
    return Table(header, rows)
