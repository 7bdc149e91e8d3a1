"""GB/T 9704-2012 page geometry and the paragraph styles of the reference template.

Why a committed reference template (``templates/notice-reference.docx``) rather than
styling every document on the fly: an office can open the template in Word/WPS and see
(or adjust) exactly the styles its documents will carry, the writer stays a plain
"fill in content" step, and the styles live in one place. The template is *generated*
by :func:`build_reference_template` (run ``python -m kaohe.documents.styles``) so it is
reviewable as code; a test fails if the committed file drifts from this module.

Fonts are set with ``w:eastAsia`` in docDefaults and in every style (python-docx only
writes ``w:ascii``/``w:hAnsi``, and its template's theme-font attributes would override
any explicit name), and the writers repeat them on each run because WPS sometimes
ignores style-level East-Asian fonts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from .fonts import FANGSONG, HEITI, KAITI, SONGTI, XIAOBIAOSONG
from .ooxml import P_ORDER, R_ORDER, remove_child, set_bold, set_child, set_fonts, set_size

REFERENCE_TEMPLATE = Path(__file__).with_name("templates") / "notice-reference.docx"

# --- page geometry (twips: 1/1440 inch) ----------------------------------------------


def mm(value: float) -> int:
    """Millimetres to twips, rounded to the nearest twip."""
    return round(value / 25.4 * 1440)


PAGE_WIDTH = mm(210)  # A4
PAGE_HEIGHT = mm(297)
MARGIN_TOP = mm(37)  # 天头 37 mm ± 1 mm (§5.2.1)
MARGIN_BOTTOM = mm(35)  # so that the 版心 is 225 mm high
MARGIN_LEFT = mm(28)  # 订口 28 mm ± 1 mm
MARGIN_RIGHT = mm(26)  # so that the 版心 is 156 mm wide
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
LINES_PER_PAGE = 22  # §5.2.2: 一般每面排22行，每行排28个字
CHARS_PER_LINE = 28
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号

#: Line pitch in twips. Rounded down: 22 × 580 would overflow 225 mm and give 21 lines.
LINE_PITCH = TEXT_HEIGHT // LINES_PER_PAGE
#: ``w:docGrid/@w:charSpace``: extra width per character in 1/4096 pt relative to the
#: default font size; rounded down so that 28 characters fit (Word floors the count).
CHAR_SPACE = math.floor((TEXT_WIDTH / 20 / CHARS_PER_LINE - BODY_PT) * 4096)
#: One character of body text, in twips, for indents expressed in characters.
CHAR_TWIPS = BODY_PT * 20
HEADER_DISTANCE = mm(15)
#: §7.5: the page number's 一字线 sits 7 mm below the 版心; the footer paragraph is
#: PAGE_NUMBER_LINE high and Word measures the footer distance to its bottom edge.
PAGE_NUMBER_LINE = 400
FOOTER_DISTANCE = MARGIN_BOTTOM - mm(7) - PAGE_NUMBER_LINE

RED = "FF0000"  # 版头 red (CMYK 0/100/100/0)

# --- styles --------------------------------------------------------------------------


@dataclass(frozen=True)
class StyleSpec:
    """A paragraph style as the standard describes it, in plain terms."""

    style_id: str
    name: str
    font: str
    size: float = BODY_PT
    based_on: str = "Normal"
    bold: bool = False
    align: str | None = None  # w:jc value
    first_line_chars: int | None = None
    keep_next: bool = False
    page_break_before: bool = False
    snap_to_grid: bool = True
    line: int | None = None  # line height (None: inherit the 22-line exact pitch)
    line_rule: str = "exact"  # "exact" (twips) or "auto" (240 = single)
    outline_level: int | None = None
    color: str | None = None


BODY = "KaoheBody"
TITLE = "KaoheTitle"
MASTHEAD = "KaoheMasthead"
DOC_NUMBER = "KaoheDocNumber"
ADDRESSEE = "KaoheAddressee"
ANNEX_NOTE = "KaoheAnnexNote"
SIGNATURE = "KaoheSignature"
DATE = "KaoheDate"
ANNEX_LABEL = "KaoheAnnexLabel"
ANNEX_TITLE = "KaoheAnnexTitle"
TABLE_CAPTION = "KaoheTableCaption"
TABLE_TEXT = "KaoheTableText"
TABLE_HEADER = "KaoheTableHeader"
SMALL_TABLE_TEXT = "KaoheSmallTableText"
SMALL_TABLE_HEADER = "KaoheSmallTableHeader"
PAGE_NUMBER = "KaohePageNumber"
HEADING_IDS = {1: "Heading1", 2: "Heading2", 3: "Heading3", 4: "Heading4"}

STYLE_SPECS: tuple[StyleSpec, ...] = (
    StyleSpec(BODY, "Kaohe 正文", FANGSONG, first_line_chars=2),
    # Built-in heading styles keep Word's navigation pane and outline working.
    StyleSpec("Heading1", "heading 1", HEITI, based_on=BODY, keep_next=True, outline_level=0),
    StyleSpec("Heading2", "heading 2", KAITI, based_on=BODY, keep_next=True, outline_level=1),
    StyleSpec(
        "Heading3", "heading 3", FANGSONG, based_on=BODY, bold=True, keep_next=True, outline_level=2
    ),
    StyleSpec("Heading4", "heading 4", FANGSONG, based_on=BODY, keep_next=True, outline_level=3),
    # Titles do not snap: LibreOffice would give each 22 pt line two grid lines; the exact
    # 579-twip leading keeps them on the 22-line grid in every renderer.
    StyleSpec(
        TITLE,
        "Kaohe 标题",
        XIAOBIAOSONG,
        size=TITLE_PT,
        align="center",
        keep_next=True,
        snap_to_grid=False,
    ),
    StyleSpec(
        MASTHEAD,
        "Kaohe 发文机关标志",
        XIAOBIAOSONG,
        size=42,
        align="center",
        snap_to_grid=False,
        line=240,
        line_rule="auto",
        color=RED,
        keep_next=True,
    ),
    StyleSpec(DOC_NUMBER, "Kaohe 发文字号", FANGSONG, align="center", keep_next=True),
    StyleSpec(ADDRESSEE, "Kaohe 主送机关", FANGSONG),
    StyleSpec(ANNEX_NOTE, "Kaohe 附件说明", FANGSONG, keep_next=True),
    StyleSpec(SIGNATURE, "Kaohe 发文机关署名", FANGSONG, align="right", keep_next=True),
    StyleSpec(DATE, "Kaohe 成文日期", FANGSONG, align="right"),
    StyleSpec(
        ANNEX_LABEL,
        "Kaohe 附件标志",
        HEITI,
        align="left",
        page_break_before=True,
        keep_next=True,
    ),
    StyleSpec(
        ANNEX_TITLE,
        "Kaohe 附件标题",
        XIAOBIAOSONG,
        size=TITLE_PT,
        align="center",
        keep_next=True,
        snap_to_grid=False,
    ),
    StyleSpec(TABLE_CAPTION, "Kaohe 表格标题", KAITI, align="left", keep_next=True),
    StyleSpec(
        TABLE_TEXT,
        "Kaohe 表格文字",
        FANGSONG,
        size=14,
        align="center",
        snap_to_grid=False,
        line=400,
    ),
    StyleSpec(
        TABLE_HEADER, "Kaohe 表格表头", HEITI, size=14, align="center", snap_to_grid=False, line=400
    ),
    StyleSpec(
        SMALL_TABLE_TEXT,
        "Kaohe 明细表文字",
        FANGSONG,
        size=12,
        align="left",
        snap_to_grid=False,
        line=320,
    ),
    StyleSpec(
        SMALL_TABLE_HEADER,
        "Kaohe 明细表表头",
        HEITI,
        size=12,
        align="center",
        snap_to_grid=False,
        line=320,
    ),
    StyleSpec(
        PAGE_NUMBER,
        "Kaohe 页码",
        SONGTI,
        size=PAGE_NUMBER_PT,
        snap_to_grid=False,
        line=PAGE_NUMBER_LINE,
    ),
)

#: Styles of python-docx's template that we keep (everything else is dropped so the
#: template carries no theme-font styles that could leak Calibri/MS Mincho into output).
_KEEP = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid"}


def _apply_rpr(rpr: etree._Element, spec: StyleSpec) -> None:
    set_fonts(rpr, spec.font)
    set_bold(rpr, spec.bold)
    set_child(rpr, "color", {"val": spec.color or "auto"}, R_ORDER)
    set_size(rpr, spec.size)


def _apply_ppr(ppr: etree._Element, spec: StyleSpec) -> None:
    if spec.keep_next:
        set_child(ppr, "keepNext", order=P_ORDER)
    if spec.page_break_before:
        set_child(ppr, "pageBreakBefore", order=P_ORDER)
    if not spec.snap_to_grid:
        set_child(ppr, "snapToGrid", {"val": "0"}, P_ORDER)
    if spec.line is not None:
        set_child(ppr, "spacing", {"line": spec.line, "lineRule": spec.line_rule}, P_ORDER)
    if spec.first_line_chars is not None:
        set_child(
            ppr,
            "ind",
            {
                "firstLineChars": spec.first_line_chars * 100,
                "firstLine": spec.first_line_chars * CHAR_TWIPS,
            },
            P_ORDER,
        )
    elif spec.based_on == "Normal":
        set_child(ppr, "ind", {"firstLineChars": 0, "firstLine": 0}, P_ORDER)
    if spec.align:
        set_child(ppr, "jc", {"val": spec.align}, P_ORDER)
    if spec.outline_level is not None:
        set_child(ppr, "outlineLvl", {"val": spec.outline_level}, P_ORDER)


def _define_normal(document: Document) -> None:
    """docDefaults and Normal: 仿宋_GB2312 3号, exact 22-lines-per-page leading, no widow
    control (it would pull lines to the next page and break the 22-line grid)."""
    styles_el = document.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, FANGSONG)
    set_size(rpr, BODY_PT)
    set_child(rpr, "lang", {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"}, R_ORDER)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    set_child(ppr, "spacing", {"before": 0, "after": 0, "line": 240, "lineRule": "auto"}, P_ORDER)

    normal = document.styles["Normal"].element
    nppr = normal.get_or_add_pPr()
    set_child(nppr, "widowControl", {"val": "0"}, P_ORDER)
    # No automatic extra gap between Chinese and Latin/digits (“2020年”): Word's
    # auto-spacing would push characters off the 28-per-line grid.
    set_child(nppr, "autoSpaceDE", {"val": "0"}, P_ORDER)
    set_child(nppr, "autoSpaceDN", {"val": "0"}, P_ORDER)
    set_child(
        nppr,
        "spacing",
        {"before": 0, "after": 0, "line": LINE_PITCH, "lineRule": "exact"},
        P_ORDER,
    )
    set_child(nppr, "jc", {"val": "both"}, P_ORDER)
    nrpr = normal.get_or_add_rPr()
    set_fonts(nrpr, FANGSONG)
    set_size(nrpr, BODY_PT)
    set_child(nrpr, "kern", {"val": "0"}, R_ORDER)


def _prune_styles(document: Document) -> None:
    styles_el = document.styles.element
    for style in list(styles_el.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) not in _KEEP:
            styles_el.remove(style)
        else:
            remove_child(style, "rsid")


def _add_style(document: Document, spec: StyleSpec) -> None:
    style = document.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = spec.style_id
    style.base_style = document.styles.get_by_id(spec.based_on, WD_STYLE_TYPE.PARAGRAPH)
    style.quick_style = True
    el = style.element
    if spec.name.startswith("heading "):
        # Word recognises its built-in heading styles by name; they must not be "custom".
        el.attrib.pop(qn("w:customStyle"), None)
    _apply_ppr(el.get_or_add_pPr(), spec)
    _apply_rpr(el.get_or_add_rPr(), spec)


_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _drop_part(document: Document, reltype: str, *, package: bool = False) -> None:
    source = document.part.package if package else document.part
    for rid, rel in list(source.rels.items()):
        if rel.reltype == reltype:
            source.rels.pop(rid)


def _clean_settings(document: Document) -> None:
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    remove_child(settings, "rsids")
    document.settings.odd_and_even_pages_header_footer = True


#: fontTable entries: the alternative name and family Word/WPS use when the face is
#: missing on a machine. charset 86 = GB2312, so a substitute is a Chinese font (the
#: python-docx template lists MS Mincho with a Japanese charset instead).
_FONT_TABLE = {
    XIAOBIAOSONG: ("方正小标宋_GBK", "roman"),
    FANGSONG: ("仿宋", "modern"),
    KAITI: ("楷体", "modern"),
    HEITI: ("SimHei", "modern"),
    SONGTI: ("SimSun", "auto"),
}


def _font_table(document: Document) -> None:
    for rel in document.part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            part = rel.target_part
            break
    else:  # pragma: no cover - python-docx's template always has one
        return
    root = etree.fromstring(part.blob)
    for child in list(root):
        root.remove(child)
    for name, (alt, family) in _FONT_TABLE.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (
            ("altName", alt),
            ("charset", "86"),
            ("family", family),
            ("pitch", "variable"),
        ):
            etree.SubElement(font, qn(f"w:{tag}")).set(qn("w:val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def build_reference_document() -> Document:
    """A fresh python-docx document carrying only the kaohe styles."""
    document = docx.Document()
    _prune_styles(document)
    _define_normal(document)
    for spec in STYLE_SPECS:
        _add_style(document, spec)
    _clean_settings(document)
    _font_table(document)
    # Word 2010's duplicate style part and the template's Mac thumbnail would contradict
    # the styles above; drop them.
    _drop_part(document, _STYLES_WITH_EFFECTS)
    _drop_part(document, RT.THUMBNAIL, package=True)
    core = document.core_properties
    core.title = "kaohe 通报参考模板"
    core.author = "kaohe"
    core.last_modified_by = "kaohe"
    core.comments = "Generated by kaohe.documents.styles; do not edit by hand."
    core.revision = 1
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    from .page import apply_page_setup  # local import: page depends on this module

    apply_page_setup(document.sections[0])
    return document


def build_reference_template(path: Path = REFERENCE_TEMPLATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_reference_document().save(str(path))
    return path


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    print(build_reference_template())
