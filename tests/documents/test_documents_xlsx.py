"""The XLSX has one sheet per annex table, equal to the table, numbers typed as numbers."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from kaohe_seed_notice import build_seed_notice, synthetic_graded_table

from kaohe.documents.model import Annex, Notice
from kaohe.documents.xlsx_writer import cell_value, render_notice_xlsx, write_notice_xlsx


def shown(value: object, number_format: str) -> str:
    """The text Excel displays for a numeric cell with one of our formats."""
    if isinstance(value, str):
        return value
    decimals = len(number_format.split(".")[1]) if "." in number_format else 0
    return f"{value:.{decimals}f}"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, artifacts: Path) -> openpyxl.Workbook:
    path = write_notice_xlsx(build_seed_notice(), artifacts / "seed-notice.xlsx")
    return openpyxl.load_workbook(path)


def test_one_sheet_per_table(workbook) -> None:
    assert workbook.sheetnames == ["附件1-乡镇场", "附件1-县直部门", "附件2"]


def test_sheets_equal_the_tables(workbook, seed_notice: Notice) -> None:
    tables = [t for a in seed_notice.annexes for t in a.tables]
    for ws, table in zip(workbook.worksheets, tables, strict=True):
        rows = list(ws.iter_rows(min_row=2))
        assert tuple(c.value for c in rows[0]) == table.header
        got = [tuple(shown(c.value, c.number_format) for c in row) for row in rows[1:]]
        assert got == list(table.rows)
        assert ws.max_row == len(table.rows) + 2


def test_numbers_are_numbers(workbook) -> None:
    ws = workbook["附件1-乡镇场"]
    assert ws["A3"].value == 1 and isinstance(ws["A3"].value, int)
    assert ws["B3"].value == "八家户农场"
    assert ws["C3"].value == 98 and isinstance(ws["C3"].value, int)
    assert ws["C4"].value == pytest.approx(94.5) and ws["C4"].number_format == "0.0"


def test_header_bold_and_widths(workbook) -> None:
    for ws in workbook.worksheets:
        assert all(c.font.b for c in ws[2])
        widths = {col: ws.column_dimensions[col].width for col in "ABC"}
        assert widths["B"] > widths["A"]  # names wider than 序号
        assert all(6 <= w <= 60 for w in widths.values())
        assert ws.freeze_panes == "A3"
    assert workbook["附件1-乡镇场"]["A1"].value.startswith("2020年精河县政务公开")


def test_graded_table_with_subscores(tmp_path: Path) -> None:
    """SYNTHETIC rows: 等次 stays text, sub-scores are numbers, odd names stay text."""
    seed = build_seed_notice()
    notice = Notice(
        issuer=seed.issuer,
        doc_number="",
        title="示例",
        addressees="各单位：",
        body=(),
        signature=seed.signature,
        date=seed.date,
        annexes=(Annex(1, "示例表", (synthetic_graded_table(),)),),
    )
    wb = openpyxl.load_workbook(write_notice_xlsx(notice, tmp_path / "g.xlsx"))
    ws = wb["附件1-示例分组"]
    assert [c.value for c in ws[2]] == [
        "序号",
        "单位名称",
        "政务公开",
        "政务服务",
        "考核得分",
        "等次",
    ]
    assert [c.value for c in ws[4]] == [2, "示例单位乙", 35, 52.25, 87.25, "良好"]
    assert ws["D4"].number_format == "0.00"
    assert ws["B5"].value == "示例<单位>&丙"


@pytest.mark.parametrize(
    ("text", "value", "fmt"),
    [
        ("98", 98, "0"),
        ("94.5", 94.5, "0.0"),
        ("90.40", 90.4, "0.00"),
        ("-1.5", -1.5, "0.0"),
        ("0", 0, "0"),
        ("007", "007", None),  # a code, not a number
        ("９４．５", "９４．５", None),  # full-width: keep visible as typed
        ("1,000", "1,000", None),
        ("优秀", "优秀", None),
        ("", "", None),
    ],
)
def test_cell_value(text: str, value: object, fmt: str | None) -> None:
    assert cell_value(text) == (value, fmt)


def test_sheet_names_are_sanitised_and_unique() -> None:
    table = synthetic_graded_table()
    from dataclasses import replace

    odd = replace(table, caption="县直/部门[一]:很长很长很长很长很长很长很长很长很长很长")
    seed = build_seed_notice()
    notice = Notice(
        issuer=seed.issuer,
        doc_number="",
        title="示例",
        addressees="各单位：",
        body=(),
        signature=seed.signature,
        date=seed.date,
        annexes=(Annex(1, "示例表", (odd, odd)),),
    )
    import io

    wb = openpyxl.load_workbook(io.BytesIO(render_notice_xlsx(notice)))
    a, b = wb.sheetnames
    assert a != b and len(a) <= 31 and len(b) <= 31
    assert not any(ch in a + b for ch in "[]:*?/\\")
