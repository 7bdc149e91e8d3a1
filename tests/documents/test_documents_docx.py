"""The notice DOCX follows GB/T 9704-2012 and carries the seed notice's content exactly."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Emu
from kaohe_docs_testutil import NS, attr, east_asia_fonts, part_xml
from kaohe_seed_notice import TITLE, build_seed_notice
from lxml import etree

from kaohe.documents import ooxml
from kaohe.documents import styles as st
from kaohe.documents.docx_writer import render_notice_docx, write_notice_docx
from kaohe.documents.model import Heading, Notice, Paragraph


@pytest.fixture(scope="module")
def document(notice_docx: Path) -> docx.document.Document:
    return docx.Document(str(notice_docx))


@pytest.fixture(scope="module")
def body(notice_docx: Path) -> etree._Element:
    return part_xml(notice_docx, "word/document.xml").find("w:body", NS)


@pytest.fixture(scope="module")
def styles_xml(notice_docx: Path) -> etree._Element:
    return part_xml(notice_docx, "word/styles.xml")


def paragraphs_with_style(body: etree._Element, style_id: str) -> list[etree._Element]:
    return [
        p
        for p in body.iter(qn("w:p"))
        if p.find("w:pPr/w:pStyle", NS) is not None
        and attr(p.find("w:pPr/w:pStyle", NS), "val") == style_id
    ]


def text_of(p: etree._Element) -> str:
    parts = []
    for el in p.iter(qn("w:t"), qn("w:br")):
        parts.append("\n" if el.tag == qn("w:br") else (el.text or ""))
    return "".join(parts)


def style_el(styles_xml: etree._Element, style_id: str) -> etree._Element:
    found = styles_xml.find(f"w:style[@w:styleId='{style_id}']", NS)
    assert found is not None, style_id
    return found


# --- page geometry --------------------------------------------------------------------


def test_a4_page_and_standard_margins(document) -> None:
    section = document.sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.05)
    assert section.page_height.mm == pytest.approx(297, abs=0.05)
    assert section.top_margin.mm == pytest.approx(37, abs=0.05)
    assert section.bottom_margin.mm == pytest.approx(35, abs=0.05)
    assert section.left_margin.mm == pytest.approx(28, abs=0.05)
    assert section.right_margin.mm == pytest.approx(26, abs=0.05)
    width = Emu(section.page_width - section.left_margin - section.right_margin)
    height = Emu(section.page_height - section.top_margin - section.bottom_margin)
    assert width.mm == pytest.approx(156, abs=0.1)  # 版心 156 mm × 225 mm
    assert height.mm == pytest.approx(225, abs=0.1)


def test_doc_grid_gives_22_lines_of_28_characters(body: etree._Element) -> None:
    sect = body.find("w:sectPr", NS)
    grid = sect.find("w:docGrid", NS)
    assert attr(grid, "type") == "linesAndChars"
    pitch = int(attr(grid, "linePitch"))
    margin = sect.find("w:pgMar", NS)
    size = sect.find("w:pgSz", NS)
    text_height = int(attr(size, "h")) - int(attr(margin, "top")) - int(attr(margin, "bottom"))
    assert text_height // pitch == 22
    assert pitch == 579
    # charSpace: 1/4096 pt added to the 16 pt default character; Word floors the count.
    char_space = int(attr(grid, "charSpace"))
    text_width_pt = (
        int(attr(size, "w")) - int(attr(margin, "left")) - int(attr(margin, "right"))
    ) / 20
    assert math.floor(text_width_pt / (16 + char_space / 4096)) == 28


def test_normal_style_is_3hao_fangsong_on_the_grid(styles_xml: etree._Element) -> None:
    defaults = styles_xml.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert attr(defaults.find("w:rFonts", NS), "eastAsia") == "仿宋_GB2312"
    assert attr(defaults.find("w:sz", NS), "val") == "32"
    normal = style_el(styles_xml, "Normal")
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert (attr(spacing, "line"), attr(spacing, "lineRule")) == ("579", "exact")
    assert attr(normal.find("w:rPr/w:rFonts", NS), "eastAsia") == "仿宋_GB2312"


def test_no_theme_fonts_anywhere(notice_docx: Path) -> None:
    """A *Theme attribute would override every explicit East-Asian font name."""
    with zipfile.ZipFile(notice_docx) as zf:
        for name in zf.namelist():
            if name.startswith("word/") and name.endswith(".xml") and "theme" not in name:
                data = zf.read(name).decode()
                assert "eastAsiaTheme" not in data, name
                assert "asciiTheme" not in data, name


# --- fonts of title, body, headings ---------------------------------------------------


@pytest.mark.parametrize(
    ("style_id", "font", "size"),
    [
        (st.TITLE, "方正小标宋简体", "44"),
        (st.BODY, "仿宋_GB2312", "32"),
        ("Heading1", "黑体", "32"),
        ("Heading2", "楷体_GB2312", "32"),
        (st.ANNEX_LABEL, "黑体", "32"),
        (st.ANNEX_TITLE, "方正小标宋简体", "44"),
        (st.PAGE_NUMBER, "宋体", "28"),
    ],
)
def test_styles_carry_east_asian_fonts(styles_xml, style_id: str, font: str, size: str) -> None:
    style = style_el(styles_xml, style_id)
    rfonts = style.find("w:rPr/w:rFonts", NS)
    assert attr(rfonts, "eastAsia") == font
    assert attr(rfonts, "ascii") == font  # digits in the same face (半角宋体数字 etc.)
    assert attr(style.find("w:rPr/w:sz", NS), "val") == size


def test_runs_carry_east_asian_fonts(body: etree._Element) -> None:
    (title,) = paragraphs_with_style(body, st.TITLE)
    assert text_of(title).replace("\n", "") == TITLE
    assert east_asia_fonts(title) == {"方正小标宋简体"}
    bodies = paragraphs_with_style(body, st.BODY)
    assert bodies and all(east_asia_fonts(p) == {"仿宋_GB2312"} for p in bodies)
    level1 = paragraphs_with_style(body, "Heading1")
    assert [text_of(p) for p in level1] == ["一、总体情况", "二、存在问题", "三、相关要求"]
    assert all(east_asia_fonts(p) == {"黑体"} for p in level1)
    level2 = paragraphs_with_style(body, "Heading2")
    assert len(level2) == 6
    for p in level2:
        runs = [r for r in p.iter(qn("w:r")) if r.find("w:t", NS) is not None]
        fonts = [attr(r.find("w:rPr/w:rFonts", NS), "eastAsia") for r in runs]
        assert fonts == ["楷体_GB2312", "仿宋_GB2312"]  # 段中标题 + 正文
        assert text_of(p)[0] in "㈠㈡㈢"


def test_heading_styles_are_word_builtin_headings(styles_xml) -> None:
    for level in (1, 2):
        style = style_el(styles_xml, f"Heading{level}")
        assert attr(style.find("w:name", NS), "val") == f"heading {level}"
        assert attr(style, "customStyle") is None
        assert attr(style.find("w:pPr/w:outlineLvl", NS), "val") == str(level - 1)


def test_committed_template_matches_generator() -> None:
    """templates/notice-reference.docx must be what styles.py generates."""
    generated = st.build_reference_document()
    committed = docx.Document(str(st.REFERENCE_TEMPLATE))

    def canon(el: etree._Element) -> bytes:
        return etree.tostring(el, method="c14n")

    assert canon(committed.styles.element) == canon(generated.styles.element), (
        "run `python -m kaohe.documents.styles` and commit the template"
    )
    assert canon(committed.settings.element) == canon(generated.settings.element)

    def font_table(d: docx.document.Document) -> bytes:
        (part,) = [r.target_part for r in d.part.rels.values() if r.reltype.endswith("/fontTable")]
        return canon(etree.fromstring(part.blob))

    assert font_table(committed) == font_table(generated)


# --- page numbers ---------------------------------------------------------------------


def test_even_and_odd_page_number_footers(notice_docx: Path, body: etree._Element) -> None:
    settings = part_xml(notice_docx, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    rels = part_xml(notice_docx, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    refs = {
        attr(ref, "type"): targets[ref.get(qn("r:id"))]
        for ref in body.find("w:sectPr", NS).findall("w:footerReference", NS)
    }
    assert set(refs) == {"default", "even"}
    for kind, align, indent_side in (("default", "right", "right"), ("even", "left", "left")):
        footer = part_xml(notice_docx, f"word/{refs[kind]}")
        (p,) = footer.findall("w:p", NS)
        assert attr(p.find("w:pPr/w:jc", NS), "val") == align  # odd right, even left
        assert attr(p.find("w:pPr/w:ind", NS), indent_side) == "280"  # 空一字
        chars = [fc.get(qn("w:fldCharType")) for fc in p.iter(qn("w:fldChar"))]
        assert chars == ["begin", "separate", "end"]
        assert "".join(i.text for i in p.iter(qn("w:instrText"))).strip() == "PAGE"
        texts = [t.text for t in p.iter(qn("w:t"))]
        assert texts[0] == "— " and texts[-1] == " —"  # “— 1 —”
        assert east_asia_fonts(p) == {"宋体"}
        sizes = {attr(s, "val") for s in p.iter(qn("w:sz"))}
        assert sizes == {"28"}  # 4号


# --- masthead, addressees, signature ---------------------------------------------------


def test_masthead_doc_number_and_red_rule(body: etree._Element) -> None:
    (mark,) = paragraphs_with_style(body, st.MASTHEAD)
    assert text_of(mark) == "精河县政府办公室文件"
    (number,) = paragraphs_with_style(body, st.DOC_NUMBER)
    assert text_of(number) == "精政办发〔2020〕99号"
    rule = number.find("w:pPr/w:pBdr/w:bottom", NS)
    assert attr(rule, "color") == "FF0000"


def test_addressees_annex_notes_signature_and_date(body: etree._Element, seed_notice) -> None:
    (addressees,) = paragraphs_with_style(body, st.ADDRESSEE)
    assert text_of(addressees) == seed_notice.addressees
    notes = [text_of(p) for p in paragraphs_with_style(body, st.ANNEX_NOTE)]
    assert notes == [
        "附件：1.2020年精河县政务公开年度绩效考核评分表",
        "2.2020年精河县“自治区一体化在线政务服务平台”年度绩效考核评分表",
    ]
    (signature,) = paragraphs_with_style(body, st.SIGNATURE)
    (date,) = paragraphs_with_style(body, st.DATE)
    assert text_of(signature) == "精河县政府办公室"
    assert text_of(date) == "2020年12月24日"
    # sealed layout: date 4 characters from the right, signature centred over it
    assert attr(date.find("w:pPr/w:ind", NS), "rightChars") == "400"


def test_body_text_in_order(body: etree._Element, seed_notice: Notice) -> None:
    wanted = [b.text + (b.run_in if isinstance(b, Heading) else "") for b in seed_notice.body]
    styles = {st.BODY, "Heading1", "Heading2"}
    got = [
        text_of(p)
        for p in body.iter(qn("w:p"))
        if p.find("w:pPr/w:pStyle", NS) is not None
        and attr(p.find("w:pPr/w:pStyle", NS), "val") in styles
    ]
    assert got == wanted


# --- annexes and tables ----------------------------------------------------------------


def test_annexes_start_new_pages_with_label_at_top_left(body, styles_xml) -> None:
    labels = paragraphs_with_style(body, st.ANNEX_LABEL)
    assert [text_of(p) for p in labels] == ["附件1", "附件2"]
    style = style_el(styles_xml, st.ANNEX_LABEL)
    assert style.find("w:pPr/w:pageBreakBefore", NS) is not None
    assert attr(style.find("w:pPr/w:jc", NS), "val") == "left"
    assert attr(style.find("w:pPr/w:ind", NS), "firstLine") == "0"  # 顶格
    assert all(east_asia_fonts(p) == {"黑体"} for p in labels)
    titles = paragraphs_with_style(body, st.ANNEX_TITLE)
    assert [text_of(p) for p in titles] == [a.title for a in build_seed_notice().annexes]


def test_table_header_rows_repeat(document) -> None:
    assert len(document.tables) == 3
    for table in document.tables:
        rows = table._tbl.findall(qn("w:tr"))
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)


def test_table_cells_equal_the_model(document, seed_notice: Notice) -> None:
    expected = [t for a in seed_notice.annexes for t in a.tables]
    for table, model in zip(document.tables, expected, strict=True):
        got = [tuple(c.text for c in row.cells) for row in table.rows]
        assert got[0] == model.header
        assert got[1:] == list(model.rows)
    captions = [t.caption for t in expected if t.caption]
    assert captions == ["乡镇场", "县直部门"]


def test_table_fonts_and_width(document) -> None:
    table = document.tables[0]
    header_fonts = east_asia_fonts(table.rows[0]._tr)
    body_fonts = east_asia_fonts(table.rows[1]._tr)
    assert header_fonts == {"黑体"} and body_fonts == {"仿宋_GB2312"}
    widths = [int(gc.get(qn("w:w"))) for gc in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(widths) == st.TEXT_WIDTH


# --- options -----------------------------------------------------------------------------


def test_unsealed_layout_and_no_masthead(tmp_path: Path) -> None:
    seed = build_seed_notice()
    notice = Notice(
        issuer=seed.issuer,
        doc_number="",
        title="关于测试的通报",
        addressees="各单位：",
        body=(Paragraph("正文。"),),
        signature="精河县政府办公室",
        date=seed.date,
        sealed=False,
    )
    path = write_notice_docx(notice, tmp_path / "n.docx")
    body = part_xml(path, "word/document.xml").find("w:body", NS)
    assert not paragraphs_with_style(body, st.MASTHEAD)
    (sig,) = paragraphs_with_style(body, st.SIGNATURE)
    (date,) = paragraphs_with_style(body, st.DATE)
    # 署名右空二字, date starting 2 characters right of it would end 1 character from the
    # margin (2 + 8 - 2 - 7 = 1), so the date gets its 2 and the signature moves to 3.
    assert attr(sig.find("w:pPr/w:ind", NS), "rightChars") == "300"
    assert attr(date.find("w:pPr/w:ind", NS), "rightChars") == "200"


def test_render_bytes_is_a_docx() -> None:
    data = render_notice_docx(build_seed_notice())
    assert data[:2] == b"PK"


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "word/footer1.xml"])
def test_property_children_in_schema_order(notice_docx: Path, part: str) -> None:
    """Word refuses ("unreadable content") files whose pPr/rPr/... children are out of order."""
    orders = {
        "pPr": ooxml.P_ORDER,
        "rPr": ooxml.R_ORDER,
        "sectPr": ooxml.SECT_ORDER,
        "tblPr": ooxml.TBL_ORDER,
        "tcPr": ooxml.TC_ORDER,
    }
    root = part_xml(notice_docx, part)
    checked = 0
    for name, order in orders.items():
        for el in root.iter(qn(f"w:{name}")):
            names = [etree.QName(c).localname for c in el if isinstance(c.tag, str)]
            ranks = [order.index(n) for n in names]
            assert ranks == sorted(ranks), (part, name, names)
            checked += 1
    assert checked
