"""Render a notice as a self-contained, escaped HTML fragment for on-screen preview.

A fragment (no ``<html>``/``<head>``) so a Django template can drop it into a page; it
carries its own scoped ``<style>`` and references no external file, so it also works in
an e-mail or a saved page. Every piece of model text goes through :func:`html.escape`:
unit names and paragraphs come from user input.
"""

from __future__ import annotations

from html import escape

from .model import Annex, ColumnKind, Heading, Notice, Paragraph, RankedTable

__all__ = ["CSS", "render_notice_html"]

#: Scoped to ``.kaohe-notice`` so the preview cannot restyle the host page.
CSS = """
.kaohe-notice{max-width:42em;margin:0 auto;padding:2em 2.5em;background:#fff;color:#000;
  font-family:"仿宋_GB2312","仿宋","FangSong","STFangsong","Noto Serif CJK SC",serif;
  font-size:16pt;line-height:1.8;text-align:justify}
.kaohe-notice .masthead{text-align:center;color:#e00;border-bottom:2px solid #e00;
  padding-bottom:.4em;margin-bottom:2em}
.kaohe-notice .masthead-mark{font-family:"方正小标宋简体","FZXiaoBiaoSong-B05S",
  "Noto Serif CJK SC",serif;font-weight:bold;font-size:32pt;margin:0}
.kaohe-notice .doc-number{color:#000;margin:1em 0 0}
.kaohe-notice h1,.kaohe-notice .annex-title{font-family:"方正小标宋简体",
  "Noto Serif CJK SC",serif;font-size:22pt;font-weight:bold;text-align:center;
  line-height:1.5;margin:0 0 1em}
.kaohe-notice p,.kaohe-notice .heading{margin:0;text-indent:2em;font-size:inherit;
  font-weight:normal;text-align:inherit}
.kaohe-notice p.addressees,.kaohe-notice p.annex-label,.kaohe-notice p.table-caption,
.kaohe-notice .masthead p,.kaohe-notice .h1{font-family:"黑体","SimHei","Noto Sans CJK SC",sans-serif;font-weight:normal}
.kaohe-notice .h2{font-family:"楷体_GB2312","楷体","KaiTi","Noto Serif CJK SC",serif}
.kaohe-notice .h3{font-weight:bold}
.kaohe-notice .annex-notes{margin-top:1.8em}
.kaohe-notice .annex-notes p{text-indent:0;padding-left:5em}
.kaohe-notice .annex-notes p:first-child{padding-left:2em}
.kaohe-notice .signature{margin-top:3.6em;text-align:right;padding-right:4em}
.kaohe-notice .annex{margin-top:3em;border-top:1px dashed #999;padding-top:2em}
.kaohe-notice .annex-label{font-family:"黑体","SimHei","Noto Sans CJK SC",sans-serif}
.kaohe-notice .table-caption{font-family:"楷体_GB2312","楷体","KaiTi",serif;margin-top:1em}
.kaohe-notice table{width:100%;border-collapse:collapse;font-size:14pt;line-height:1.5}
.kaohe-notice th,.kaohe-notice td{border:1px solid #000;padding:.2em .4em;text-align:center}
.kaohe-notice th{font-family:"黑体","SimHei","Noto Sans CJK SC",sans-serif;font-weight:normal}
.kaohe-notice td.name{text-align:left}
""".strip()


def _text(value: str) -> str:
    """Escape, keeping forced line breaks (the two-line title) as ``<br>``."""
    return "<br>".join(escape(part) for part in value.split("\n"))


def _block(block: Paragraph | Heading) -> str:
    if isinstance(block, Paragraph):
        return f'<p class="body">{_text(block.text)}</p>'
    head = f'<span class="h{block.level}">{_text(block.text)}</span>'
    if block.run_in:  # 段中标题: heading sentence and body text share one paragraph
        return f'<p class="heading level-{block.level}">{head}{_text(block.run_in)}</p>'
    tag = f"h{block.level + 1}"
    return f'<{tag} class="heading level-{block.level}">{head}</{tag}>'


def _table(table: RankedTable) -> str:
    parts = ['<table class="ranked">']
    if table.caption:
        parts.append(f"<caption hidden>{_text(table.caption)}</caption>")
    parts.append("<thead><tr>")
    parts += [f'<th scope="col">{_text(c.label)}</th>' for c in table.columns]
    parts.append("</tr></thead><tbody>")
    for row in table.rows:
        cells = []
        for text, column in zip(row, table.columns, strict=True):
            cls = f' class="{column.kind.value}"' if column.kind is ColumnKind.NAME else ""
            cells.append(f"<td{cls}>{_text(text)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _annex(annex: Annex) -> str:
    parts = [
        f'<section class="annex" id="annex-{annex.number}">',
        f'<p class="annex-label">{_text(annex.label)}</p>',
        f'<h2 class="annex-title">{_text(annex.title)}</h2>',
    ]
    for table in annex.tables:
        if table.caption:
            parts.append(f'<p class="table-caption">{_text(table.caption)}</p>')
        parts.append(_table(table))
    parts.append("</section>")
    return "\n".join(parts)


def render_notice_html(notice: Notice, *, masthead: bool | None = None) -> str:
    """The notice as an HTML fragment (a ``<style>`` plus one ``<article>``)."""
    parts = [f"<style>{CSS}</style>", '<article class="kaohe-notice" lang="zh-CN">']
    if masthead if masthead is not None else bool(notice.doc_number):
        parts.append(
            '<header class="masthead">'
            f'<p class="masthead-mark">{_text(notice.masthead)}</p>'
            f'<p class="doc-number">{_text(notice.doc_number)}</p>'
            "</header>"
        )
    parts.append(f"<h1>{_text(notice.title)}</h1>")
    parts.append(f'<p class="addressees">{_text(notice.addressees)}</p>')
    parts += [_block(b) for b in notice.body]
    lines = notice.annex_note_lines()
    if lines:
        notes = [f"<p>附件：{_text(lines[0])}</p>", *(f"<p>{_text(t)}</p>" for t in lines[1:])]
        parts.append('<div class="annex-notes">' + "".join(notes) + "</div>")
    parts.append(
        '<div class="signature">'
        + (f'<p class="issuer">{_text(notice.signature)}</p>' if notice.signature else "")
        + f'<p class="date">{_text(notice.date_text)}</p></div>'
    )
    parts += [_annex(a) for a in notice.annexes]
    parts.append("</article>")
    return "\n".join(parts)
