"""Per-unit 扣分明细: DOCX content and the PDF route. All data here is SYNTHETIC."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from kaohe_docs_testutil import NS, east_asia_fonts, pdf_pages_text, run_tool, squash

from kaohe.documents import styles as st
from kaohe.documents.pdf import convert_to_pdf
from kaohe.documents.unit_report import (
    Deduction,
    ScorecardDeductions,
    UnitReport,
    render_unit_reports_docx,
    write_unit_reports_docx,
    write_unit_reports_per_file,
)


def reports() -> list[UnitReport]:
    a = UnitReport(
        unit_name="示例单位甲",
        period="2020年度",
        issuer="示例考核办",
        date=dt.date(2020, 12, 24),
        scorecards=(
            ScorecardDeductions(
                "政务公开",
                (
                    Deduction(
                        "1.2 主动公开",
                        Decimal("2.50"),
                        "未按时公开财政预决算信息<见附件>",
                        ("截图1.png", "说明.pdf"),
                        "张三",
                        dt.datetime(2020, 11, 10, 15, 30),
                    ),
                    Deduction("2.1 政策解读", Decimal("1"), "解读材料未同步发布", (), "李四", None),
                ),
                full_marks=Decimal(100),
                score=Decimal("96.5"),
            ),
            ScorecardDeductions("政务服务", (), full_marks=Decimal(100), score=Decimal(100)),
        ),
    )
    b = UnitReport(
        "示例单位乙",
        (ScorecardDeductions("政务公开", (Deduction("3.1 网站管理", Decimal(5), "错敏信息"),)),),
        period="2020年度",
    )
    return [a, b]


@pytest.fixture(scope="module")
def report_docx(artifacts: Path) -> Path:
    return write_unit_reports_docx(reports(), artifacts / "unit-reports.docx")


def test_units_in_one_file_with_page_breaks(report_docx: Path) -> None:
    document = docx.Document(str(report_docx))
    titles = [p for p in document.paragraphs if p.style.style_id == st.TITLE]
    assert [p.text for p in titles] == [
        "示例单位甲2020年度考核扣分明细",
        "示例单位乙2020年度考核扣分明细",
    ]
    assert titles[0]._p.find("w:pPr/w:pageBreakBefore", NS) is None
    assert titles[1]._p.find("w:pPr/w:pageBreakBefore", NS) is not None
    headings = [p.text for p in document.paragraphs if p.style.style_id == "Heading1"]
    assert headings[0] == "一、政务公开（满分100分，得分96.5分，扣3.5分）"
    assert "无扣分。" in [p.text for p in document.paragraphs]


def test_deduction_table(report_docx: Path) -> None:
    document = docx.Document(str(report_docx))
    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "指标", "扣分", "扣分原因", "佐证材料", "录入人", "录入时间"]
    assert rows[1] == [
        "1",
        "1.2 主动公开",
        "2.5",
        "未按时公开财政预决算信息<见附件>",
        "截图1.png\n说明.pdf",
        "张三",
        "2020-11-10\n15:30",
    ]
    assert rows[-1][:3] == ["合计", "", "3.5"]
    assert table._tbl.find("w:tr/w:trPr/w:tblHeader", NS) is not None
    assert east_asia_fonts(table.rows[1]._tr) == {"仿宋_GB2312"}
    assert {s.get(qn("w:val")) for s in table.rows[1]._tr.iter(qn("w:pStyle"))} == {
        st.SMALL_TABLE_TEXT
    }


def test_unit_report_pdf(report_docx: Path, artifacts: Path) -> None:
    pdf = convert_to_pdf(report_docx)
    pages = pdf_pages_text(pdf)
    assert "示例单位甲2020年度考核扣分明细" in squash(pages[0])
    assert "示例单位乙2020年度考核扣分明细" in squash(pages[1])
    fonts = run_tool("pdffonts", str(pdf))
    assert "NotoSerifCJK" in fonts and "Type 3" not in fonts
    run_tool(
        "pdftoppm",
        "-r",
        "80",
        "-png",
        "-singlefile",
        "-f",
        "1",
        "-l",
        "1",
        str(pdf),
        str(artifacts / "unit-report-page1"),
    )


def test_one_file_per_unit(tmp_path: Path) -> None:
    twins = [reports()[1], reports()[1]]
    paths = write_unit_reports_per_file([*reports(), *twins], tmp_path)
    assert len(set(paths)) == 4
    assert paths[0].name == "示例单位甲2020年度考核扣分明细.docx"
    assert paths[3].name == "示例单位乙2020年度考核扣分明细(3).docx"
    assert render_unit_reports_docx(reports()[0])[:2] == b"PK"
