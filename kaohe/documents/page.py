"""Page setup shared by every kaohe DOCX: A4, GB/T 9704 margins, the 22×28 grid, page numbers.

Applied at write time even though the reference template already carries it, so a
template an office has edited can change fonts or spacing but never the page geometry
the standard fixes.
"""

from __future__ import annotations

from copy import deepcopy

from docx.document import Document
from docx.oxml.ns import qn
from docx.section import Section
from lxml import etree

from . import styles as st
from .ooxml import P_ORDER, SECT_ORDER, add_page_field, set_child, set_fonts, set_size

__all__ = ["EM_DASH", "add_page_number_footers", "apply_page_setup", "start_document"]

EM_DASH = "\u2014"  # 一字线


def apply_page_setup(section: Section) -> None:
    """A4 portrait, 37/35/28/26 mm margins and a 22-line × 28-character document grid.

    ``w:docGrid type="linesAndChars"`` is what Word's 页面设置 → 文档网格 writes when you
    ask for 每页22行、每行28字; WPS and LibreOffice read it too.
    """
    sect = section._sectPr
    set_child(sect, "pgSz", {"w": st.PAGE_WIDTH, "h": st.PAGE_HEIGHT, "orient": None}, SECT_ORDER)
    set_child(
        sect,
        "pgMar",
        {
            "top": st.MARGIN_TOP,
            "right": st.MARGIN_RIGHT,
            "bottom": st.MARGIN_BOTTOM,
            "left": st.MARGIN_LEFT,
            "header": st.HEADER_DISTANCE,
            "footer": st.FOOTER_DISTANCE,
            "gutter": 0,
        },
        SECT_ORDER,
    )
    set_child(
        sect,
        "docGrid",
        {"type": "linesAndChars", "linePitch": st.LINE_PITCH, "charSpace": st.CHAR_SPACE},
        SECT_ORDER,
    )


def _page_number_paragraph(paragraph_el: etree._Element, *, odd: bool) -> None:
    """“— 1 —”, 4号半角宋体, one character in from the outside edge (§7.5)."""
    for child in list(paragraph_el):
        paragraph_el.remove(child)
    ppr = etree.SubElement(paragraph_el, qn("w:pPr"))
    set_child(ppr, "pStyle", {"val": st.PAGE_NUMBER}, P_ORDER)
    one_char = st.PAGE_NUMBER_PT * 20
    indent = {"right": one_char, "left": 0} if odd else {"left": one_char, "right": 0}
    set_child(ppr, "ind", indent, P_ORDER)
    set_child(ppr, "jc", {"val": "right" if odd else "left"}, P_ORDER)

    rpr = etree.Element(qn("w:rPr"))
    set_fonts(rpr, st.SONGTI)
    set_size(rpr, st.PAGE_NUMBER_PT)

    def text_run(text: str) -> None:
        r = etree.SubElement(paragraph_el, qn("w:r"))
        r.append(deepcopy(rpr))
        t = etree.SubElement(r, qn("w:t"))
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text

    text_run(f"{EM_DASH} ")
    add_page_field(paragraph_el, rpr)
    text_run(f" {EM_DASH}")


def add_page_number_footers(document: Document) -> None:
    """Odd pages: number at the right; even pages: at the left (needs evenAndOddHeaders)."""
    document.settings.odd_and_even_pages_header_footer = True
    for section in document.sections:
        section.different_first_page_header_footer = False
        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            footer.is_linked_to_previous = False
            paragraphs = footer.paragraphs
            for extra in paragraphs[1:]:
                extra._element.getparent().remove(extra._element)
            _page_number_paragraph(paragraphs[0]._element, odd=odd)


def start_document(template: str | None = None) -> Document:
    """Open the reference template with an empty body, page setup and page numbers."""
    import docx

    document = docx.Document(template or str(st.REFERENCE_TEMPLATE))
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    for section in document.sections:
        apply_page_setup(section)
    add_page_number_footers(document)
    return document
