"""Write a :class:`~kaohe.documents.model.Notice` as a GB/T 9704-2012 DOCX.

Layout decisions follow the standard's section numbers (cited inline) so a reviewer can
check them against the text. Every run repeats its East-Asian font (``w:eastAsia``) even
though the paragraph style has it, so the text keeps its 公文 face when an office later
changes a paragraph's style, pastes it elsewhere, or opens it in an editor that only
partly honours style-level East-Asian fonts.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from . import styles as st
from .fonts import FANGSONG
from .model import ColumnKind, Heading, Notice, Paragraph, display_width
from .ooxml import P_ORDER, TBL_ORDER, TC_ORDER, set_child, set_fonts, set_size
from .page import start_document

__all__ = [
    "add_blank_lines",
    "add_paragraph",
    "add_signature",
    "add_table",
    "display_width",
    "notice_document",
    "render_notice_docx",
    "scaled_widths",
    "write_notice_docx",
]

_FONT_OF_STYLE = {spec.style_id: spec for spec in st.STYLE_SPECS}

#: Relative widths of table columns by kind (scaled to the 156 mm type area).
COLUMN_WEIGHTS = {
    ColumnKind.INDEX: 0.9,
    ColumnKind.NAME: 3.0,
    ColumnKind.SCORE: 1.4,
    ColumnKind.GRADE: 1.2,
    ColumnKind.SUBSCORE: 1.3,
    ColumnKind.TEXT: 1.6,
}
ROW_MIN_HEIGHT = st.mm(9)
#: Space above the 发文机关标志. The standard puts the mark's top edge 35 mm below the
#: type area. The ink starts below the line box's top: measured on the PDF route (Noto
#: Serif CJK Bold) by 4.3 mm, so 31 mm puts it at 35.3 mm; faces with a smaller ascent
#: (方正小标宋 in Word) land a little higher.
MASTHEAD_SPACE_BEFORE = st.mm(31)


def _chars(n: float) -> dict[str, int]:
    return {"chars": round(n * 100), "twips": round(n * st.CHAR_TWIPS)}


def add_paragraph(
    document: Document,
    style_id: str,
    runs: Sequence[tuple[str, str | None]] | str = "",
    *,
    size: float | None = None,
    bold: bool | None = None,
) -> DocxParagraph:
    """Append a paragraph of ``style_id``; ``runs`` are ``(text, font)`` pairs.

    A font of ``None`` means the style's own font. ``"\\n"`` in a run becomes a line break.
    """
    paragraph = document.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    set_child(ppr, "pStyle", {"val": style_id}, P_ORDER)
    spec = _FONT_OF_STYLE.get(style_id)
    if isinstance(runs, str):
        runs = [(runs, None)] if runs else []
    for text, font in runs:
        for i, piece in enumerate(text.split("\n")):
            if i:
                paragraph.add_run().add_break()
            if not piece:
                continue
            run = paragraph.add_run(piece)
            rpr = run._r.get_or_add_rPr()
            family = font or (spec.font if spec else FANGSONG)
            set_fonts(rpr, family)
            if size is not None:
                set_size(rpr, size)
            if bold is not None:
                run.bold = bold
    return paragraph


def add_blank_lines(document: Document, count: int) -> None:
    """Empty body lines (the standard's 空一行/空二行): each takes one grid line."""
    for _ in range(count):
        add_paragraph(document, "Normal")


def _set_indent(paragraph: DocxParagraph, **chars: float) -> None:
    """Indent in characters (``left=5, hanging=3``): both *Chars (Word/WPS, grid-exact) and
    twips (LibreOffice ignores the *Chars form)."""
    attrs: dict[str, int] = {}
    for side, n in chars.items():
        c = _chars(n)
        attrs[f"{side}Chars"] = c["chars"]
        attrs[side] = c["twips"]
    set_child(paragraph._p.get_or_add_pPr(), "ind", attrs, P_ORDER)


def scaled_widths(weights: Sequence[float], total: int = st.TEXT_WIDTH) -> list[int]:
    """Column widths in twips in proportion to ``weights``, adding up to ``total`` exactly."""
    widths = [int(total * w / sum(weights)) for w in weights]
    widths[-1] += total - sum(widths)
    return widths


def add_table(
    document: Document,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
    *,
    text_style: str = st.TABLE_TEXT,
    header_style: str = st.TABLE_HEADER,
    align: Sequence[str | None] | None = None,
) -> Table:
    """A bordered full-width table whose header row repeats on every page.

    ``w:tblHeader`` repeats the header; ``w:cantSplit`` keeps a unit's row on one page.
    Widths are fixed (``tblLayout fixed``) so Word, WPS and LibreOffice agree on them.
    """
    table = document.add_table(rows=len(rows) + 1, cols=len(header))
    tbl = table._tbl
    tblpr = tbl.tblPr
    set_child(tblpr, "tblStyle", {"val": "TableGrid"}, TBL_ORDER)
    set_child(tblpr, "tblW", {"w": sum(widths), "type": "dxa"}, TBL_ORDER)
    set_child(tblpr, "jc", {"val": "center"}, TBL_ORDER)
    borders = set_child(tblpr, "tblBorders", order=TBL_ORDER)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = etree.SubElement(borders, qn(f"w:{edge}"))
        for k, v in {"val": "single", "sz": "4", "space": "0", "color": "000000"}.items():
            b.set(qn(f"w:{k}"), v)
    set_child(tblpr, "tblLayout", {"type": "fixed"}, TBL_ORDER)
    grid = tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        gc.set(qn("w:w"), str(w))

    for r_index, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        etree.SubElement(trpr, qn("w:cantSplit"))
        height = etree.SubElement(trpr, qn("w:trHeight"))
        height.set(qn("w:val"), str(ROW_MIN_HEIGHT))
        height.set(qn("w:hRule"), "atLeast")
        if r_index == 0:
            etree.SubElement(trpr, qn("w:tblHeader"))
        values = header if r_index == 0 else rows[r_index - 1]
        style = header_style if r_index == 0 else text_style
        spec = _FONT_OF_STYLE[style]
        for c_index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = Twips(widths[c_index])
            set_child(cell._tc.get_or_add_tcPr(), "vAlign", {"val": "center"}, TC_ORDER)
            lines = value.split("\n")
            paragraph = cell.paragraphs[0]
            for i, line in enumerate(lines):
                p = paragraph if i == 0 else cell.add_paragraph()
                ppr = p._p.get_or_add_pPr()
                set_child(ppr, "pStyle", {"val": style}, P_ORDER)
                if r_index and align and align[c_index]:
                    set_child(ppr, "jc", {"val": align[c_index]}, P_ORDER)
                if line:
                    set_fonts(p.add_run(line)._r.get_or_add_rPr(), spec.font)
    return table


def _masthead_size(mark: str) -> float:
    """发文机关标志 size: as large as fits the 156 mm line, at most 48 pt (about 小初 + ⅓)."""
    width_pt = st.TEXT_WIDTH / 20
    size = min(48.0, width_pt * 0.9 / max(display_width(mark), 1))
    return max(st.TITLE_PT, int(size * 2) / 2)


def _write_masthead(document: Document, notice: Notice) -> None:
    """版头 (§7.2): red 发文机关标志 35 mm below the type area's top, two blank lines,
    the 发文字号 centred, and the red 版头分隔线 4 mm under it, as wide as the type area."""
    mark = add_paragraph(
        document, st.MASTHEAD, notice.masthead, size=_masthead_size(notice.masthead)
    )
    set_child(mark._p.get_or_add_pPr(), "spacing", {"before": MASTHEAD_SPACE_BEFORE}, P_ORDER)
    add_blank_lines(document, 2)
    number = add_paragraph(document, st.DOC_NUMBER, notice.doc_number)
    pbdr = set_child(number._p.get_or_add_pPr(), "pBdr", order=P_ORDER)
    bottom = etree.SubElement(pbdr, qn("w:bottom"))
    for k, v in {"val": "single", "sz": "12", "space": "5", "color": st.RED}.items():
        bottom.set(qn(f"w:{k}"), v)
    add_blank_lines(document, 2)


def _write_body(document: Document, notice: Notice) -> None:
    for block in notice.body:
        if isinstance(block, Paragraph):
            add_paragraph(document, st.BODY, block.text)
        elif isinstance(block, Heading):
            style = st.HEADING_IDS[block.level]
            runs: list[tuple[str, str | None]] = [(block.text, None)]
            if block.run_in:
                runs.append((block.run_in, FANGSONG))
            paragraph = add_paragraph(document, style, runs)
            if block.run_in:
                # A run-in heading is a full paragraph: keeping it with the next one
                # would chain whole sections together and leave half-empty pages.
                set_child(paragraph._p.get_or_add_pPr(), "keepNext", {"val": "0"}, P_ORDER)


def _write_annex_notes(document: Document, notice: Notice) -> None:
    """附件说明 (§7.3.4): 正文下空一行，左空二字 “附件：”; several annexes are numbered
    “1.” and wrapped lines align with the first character of the annex name."""
    lines = notice.annex_note_lines()
    if not lines:
        return
    add_blank_lines(document, 1)
    prefix = "附件："
    for i, line in enumerate(lines):
        number = line.split(".", 1)[0] + "." if len(lines) > 1 else ""
        name_start = 2 + display_width(prefix) + display_width(number)
        text = (prefix if i == 0 else "") + line
        paragraph = add_paragraph(document, st.ANNEX_NOTE, text)
        hanging = name_start - 2 if i == 0 else display_width(number)
        _set_indent(paragraph, left=name_start, hanging=hanging)


def add_signature(document: Document, signature: str, date_text: str, *, sealed: bool) -> None:
    """发文机关署名 and 成文日期 (§7.3.5).

    Sealed: date 4 characters from the right, signature centred over the date, three
    blank lines above for the seal. Unsealed: signature 2 from the right after one blank
    line, the date starting 2 characters right of the signature's first character.
    """
    w_sig, w_date = display_width(signature), display_width(date_text)
    if sealed:
        add_blank_lines(document, 3)
        date_right = 4.0
        sig_right = max(0.0, date_right + (w_date - w_sig) / 2)
    else:
        add_blank_lines(document, 1)
        sig_right = 2.0
        date_right = sig_right + w_sig - 2 - w_date
        if date_right < 2:
            date_right = 2.0
            sig_right = date_right + w_date + 2 - w_sig
    if signature:
        _set_indent(add_paragraph(document, st.SIGNATURE, signature), right=sig_right, left=0)
    _set_indent(add_paragraph(document, st.DATE, date_text), right=date_right, left=0)


def _write_annexes(document: Document, notice: Notice) -> None:
    """附件 (§8): each on a new page, “附件N” in 黑体 top-left, title on the third line."""
    for annex in notice.annexes:
        add_paragraph(document, st.ANNEX_LABEL, annex.label)
        add_blank_lines(document, 1)
        add_paragraph(document, st.ANNEX_TITLE, annex.title)
        add_blank_lines(document, 1)
        for t_index, table in enumerate(annex.tables):
            if t_index:
                add_blank_lines(document, 1)
            if table.caption:
                add_paragraph(document, st.TABLE_CAPTION, table.caption)
            widths = scaled_widths([COLUMN_WEIGHTS[c.kind] for c in table.columns])
            add_table(document, table.header, table.rows, widths)


def notice_document(
    notice: Notice, *, template: Path | str | None = None, masthead: bool | None = None
) -> Document:
    """Build the python-docx document. ``masthead`` defaults to “when there is a 发文字号”."""
    document = start_document(str(template) if template else None)
    core = document.core_properties
    core.title = notice.title_text
    core.author = notice.issuer
    core.subject = notice.doc_number
    # Dated by the notice, not the clock: the same notice always yields the same file.
    stamp = dt.datetime.combine(notice.date, dt.time())
    core.created = core.modified = stamp
    if masthead if masthead is not None else bool(notice.doc_number):
        _write_masthead(document, notice)
    add_paragraph(document, st.TITLE, notice.title)
    add_blank_lines(document, 1)
    add_paragraph(document, st.ADDRESSEE, notice.addressees)
    _write_body(document, notice)
    _write_annex_notes(document, notice)
    add_signature(document, notice.signature, notice.date_text, sealed=notice.sealed)
    _write_annexes(document, notice)
    return document


def write_notice_docx(notice: Notice, path: Path | str, **options: object) -> Path:
    """Write the notice to ``path`` (parents created) and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    notice_document(notice, **options).save(str(path))  # type: ignore[arg-type]
    return path


def render_notice_docx(notice: Notice, **options: object) -> bytes:
    """The DOCX as bytes, e.g. for an HTTP response."""
    buffer = io.BytesIO()
    notice_document(notice, **options).save(buffer)  # type: ignore[arg-type]
    return buffer.getvalue()
