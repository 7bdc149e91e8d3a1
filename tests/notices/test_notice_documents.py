"""`kaohe notice` from the demo data: the annexes equal the seed's cell for cell, GB/T 9704 layout."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice_docx(campaign, tmp_path):
    path = tmp_path / "notice.docx"
    call_command("notice", "jinghe-2020", "--format", "docx", "-o", str(path))
    return Document(str(path))


def test_annex_tables_equal_the_seed_cell_for_cell(notice_docx, seed_annexes):
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in notice_docx.tables
    ]
    assert len(tables) == 3
    township, departments, platform = tables
    assert township[0] == ["序号", "单位名称", "考核得分"]
    assert platform[0] == ["序号", "精河县平台相关单位(部门)名称", "评分情况"]
    expected = {}
    for annex, group, number, unit, score in seed_annexes:
        expected.setdefault((annex, group), []).append([str(number), unit, score])
    assert township[1:] == expected[("1", "乡镇场")]
    assert departments[1:] == expected[("1", "县直部门")]
    assert platform[1:] == expected[("2", "平台相关单位")]


def test_overall_situation_states_the_seeds_counts(notice_docx):
    text = "\n".join(p.text for p in notice_docx.paragraphs)
    assert "对7个乡镇场和32个县直有关部门" in text  # the data's 32, where the seed said 33
    assert "11月9日-13日" in text
    assert "八家户农场等2个乡镇场" in text and "18个县直部门达到优秀等次" in text
    assert "精河镇等2个乡镇场" in text and "10个县直部门达到良好等次" in text
    assert "精河工业园区管委会，各乡镇人民政府、场管委，县直各部门：" in text


def test_page_geometry_and_east_asian_fonts(notice_docx):
    section = notice_docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert abs(section.top_margin - Mm(37)) < Mm(1) and abs(section.left_margin - Mm(28)) < Mm(1)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid is not None and grid.get(qn("w:linePitch")) == "579"

    def east_asia(style_name: str) -> str:
        style = notice_docx.styles[style_name]
        fonts = style.element.find(qn("w:rPr")).find(qn("w:rFonts"))
        return fonts.get(qn("w:eastAsia"))

    assert east_asia("Kaohe 标题") == "方正小标宋简体"
    assert east_asia("Kaohe 正文") == "仿宋_GB2312"
    assert east_asia("Heading 1") == "黑体"
    assert east_asia("Heading 2") == "楷体_GB2312"
    title = next(p for p in notice_docx.paragraphs if p.style.name == "Kaohe 标题")
    assert title.text.replace("\n", "") == "关于2020年度全县政务公开政务服务工作考核结果的通报"


def test_pdf_renders_every_glyph(campaign, tmp_path):
    assert shutil.which("soffice") and shutil.which("pdffonts"), (
        "需要 LibreOffice 和 poppler-utils（scripts/system-packages）"
    )
    pdf = tmp_path / "notice.pdf"
    call_command("notice", "jinghe-2020", "--format", "pdf", "-o", str(pdf))
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "Type 3" not in fonts and "CJK" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = "".join(text.split())  # pdftotext spaces CJK from digits and breaks lines
    for needed in (
        "关于2020年度全县政务公开政务服务工作考核结果的通报",
        "八家户农场",
        "党委编办(事业单位登记管理局)",
        "附件2",
    ):
        assert needed in text
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    assert list(tmp_path.glob("page*.png"))


def test_unit_reports_list_every_active_deduction(campaign, tmp_path):
    from kaohe.notices.unit_reports import unit_reports

    reports = {r.unit_name: r for r in unit_reports(campaign)}
    assert len(reports) == 39  # every unit enrolled on either scorecard
    zjj = reports["住建局"]
    card = zjj.scorecards[0]
    assert card.score == Decimal("76.2") and card.total_deducted == Decimal("23.8")
    assert any("重点领域信息更新发布滞后" in d.reason for d in card.deductions)
    call_command("unit-reports", "jinghe-2020", "--per-unit", "-o", str(tmp_path / "units"))
    assert len(list((tmp_path / "units").glob("*.docx"))) == 39
    out = tmp_path / "zjj.docx"
    call_command("unit-reports", "jinghe-2020", "--unit", "县住建局", "-o", str(out))
    text = "\n".join(
        cell.text for t in Document(str(out)).tables for row in t.rows for cell in row.cells
    )
    assert "未按期报送2020年度政务公开与“放管服”改革工作总结" in text
