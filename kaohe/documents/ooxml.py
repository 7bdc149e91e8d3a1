"""Low-level WordprocessingML helpers that python-docx does not offer.

python-docx 1.2 exposes neither ``w:eastAsia`` fonts, nor character-based indents,
``w:snapToGrid``, ``w:docGrid``, paragraph borders, ``w:tblHeader`` nor complex fields.
Word rejects (or "repairs") files whose property children are out of schema order, so
every child is inserted through :func:`set_child`, which honours the ECMA-376 sequence.
"""

from __future__ import annotations

from collections.abc import Mapping

from docx.oxml.ns import qn
from lxml import etree

__all__ = [
    "P_ORDER",
    "R_ORDER",
    "SECT_ORDER",
    "TBL_ORDER",
    "TC_ORDER",
    "add_page_field",
    "remove_child",
    "set_bold",
    "set_child",
    "set_fonts",
    "set_size",
]

# ECMA-376 Part 1 child sequences (only the elements we may write need to be listed,
# but listing all keeps unknown template content in place).
P_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
R_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
SECT_ORDER = [
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
]
TBL_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
]
TC_ORDER = [
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
]


def _local(tag: str) -> str:
    return etree.QName(tag).localname


def set_child(
    parent: etree._Element,
    name: str,
    attrs: Mapping[str, str | int] | None = None,
    order: tuple[str, ...] | list[str] = P_ORDER,
) -> etree._Element:
    """Return ``parent``'s ``w:name`` child, creating it at its schema position.

    Attributes given are set (``w:`` namespace); ``None`` values remove an attribute.
    Repeated elements (``headerReference``) are not handled here on purpose.
    """
    existing = parent.find(qn(f"w:{name}"))
    if existing is None:
        existing = etree.SubElement(parent, qn(f"w:{name}"))
        parent.remove(existing)
        rank = order.index(name)
        anchor = None
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            local = _local(child.tag)
            if local in order and order.index(local) > rank:
                anchor = child
                break
        if anchor is None:
            parent.append(existing)
        else:
            anchor.addprevious(existing)
    for key, value in (attrs or {}).items():
        if value is None:
            existing.attrib.pop(qn(f"w:{key}"), None)
        else:
            existing.set(qn(f"w:{key}"), str(value))
    return existing


def remove_child(parent: etree._Element, name: str) -> None:
    for el in parent.findall(qn(f"w:{name}")):
        parent.remove(el)


_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def set_fonts(rpr: etree._Element, family: str, *, latin: str | None = None) -> None:
    """Set all four font slots of ``w:rFonts`` and drop theme font references.

    Word picks the font of a CJK character from ``w:eastAsia`` and of a digit from
    ``w:ascii``; a ``*Theme`` attribute silently overrides the explicit name, which is
    how python-docx's template makes every Chinese document come out in 宋体/Calibri.
    ``w:hint="eastAsia"`` makes ambiguous characters (quotes, dashes, ㈠) use the CJK face.
    """
    rfonts = set_child(rpr, "rFonts", order=R_ORDER)
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    western = latin or family
    rfonts.set(qn("w:ascii"), western)
    rfonts.set(qn("w:hAnsi"), western)
    rfonts.set(qn("w:eastAsia"), family)
    rfonts.set(qn("w:cs"), western)
    rfonts.set(qn("w:hint"), "eastAsia")


def set_size(rpr: etree._Element, points: float) -> None:
    half = str(round(points * 2))
    set_child(rpr, "sz", {"val": half}, R_ORDER)
    set_child(rpr, "szCs", {"val": half}, R_ORDER)


def set_bold(rpr: etree._Element, bold: bool) -> None:
    value = "1" if bold else "0"
    set_child(rpr, "b", {"val": value}, R_ORDER)
    set_child(rpr, "bCs", {"val": value}, R_ORDER)


def add_page_field(paragraph_el: etree._Element, rpr_template: etree._Element | None) -> None:
    """Append a complex ``PAGE`` field (begin / instrText / separate / result / end).

    A complex field rather than ``w:fldSimple`` because WPS and LibreOffice both update
    it reliably and it survives a round trip through Word unchanged.
    """
    from copy import deepcopy

    def run() -> etree._Element:
        r = etree.SubElement(paragraph_el, qn("w:r"))
        if rpr_template is not None:
            r.append(deepcopy(rpr_template))
        return r

    etree.SubElement(run(), qn("w:fldChar")).set(qn("w:fldCharType"), "begin")
    instr = etree.SubElement(run(), qn("w:instrText"))
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    etree.SubElement(run(), qn("w:fldChar")).set(qn("w:fldCharType"), "separate")
    etree.SubElement(run(), qn("w:t")).text = "1"
    etree.SubElement(run(), qn("w:fldChar")).set(qn("w:fldCharType"), "end")
