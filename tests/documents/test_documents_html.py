"""The HTML preview is a self-contained, escaped fragment with the notice's content."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from kaohe_seed_notice import build_seed_notice

from kaohe.documents.html import render_notice_html
from kaohe.documents.model import Annex, Heading, Paragraph, RankedTable

EVIL = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def parse(fragment: str) -> _Collect:
    parser = _Collect()
    parser.feed(fragment)
    parser.close()
    return parser


def evil_notice():
    seed = build_seed_notice()
    table = RankedTable.standard([("1", EVIL, "98")], caption=EVIL)
    return replace(
        seed,
        title=EVIL,
        addressees=EVIL,
        body=(Paragraph(EVIL), Heading(1, EVIL), Heading(2, EVIL, run_in=EVIL)),
        signature=EVIL,
        annexes=(Annex(1, EVIL, (table,)),),
        annex_notes=(EVIL,),
    )


def test_everything_is_escaped() -> None:
    fragment = render_notice_html(evil_notice())
    assert "<script" not in fragment and "<img" not in fragment
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;img" in fragment
    parsed = parse(fragment)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not [a for a, _ in parsed.attrs if a.startswith("on")]
    # the text survives intact for the reader
    assert sum(EVIL in t for t in parsed.text) >= 8


def test_self_contained(artifacts: Path) -> None:
    fragment = render_notice_html(build_seed_notice())
    (artifacts / "seed-notice.html").write_text(
        f'<!doctype html><meta charset="utf-8"><title>preview</title>{fragment}', encoding="utf-8"
    )
    assert not re.search(r"\b(src|href)=|url\(|@import|<link|<script", fragment)
    assert fragment.startswith("<style>") and fragment.rstrip().endswith("</article>")
    assert "<html" not in fragment and "<body" not in fragment


def test_content_matches_model() -> None:
    notice = build_seed_notice()
    fragment = render_notice_html(notice)
    text = "".join(parse(fragment).text)
    assert "关于2020年度全县政务公开政务服务工作考核结果的通报" in text
    assert "精政办发〔2020〕99号" in text and "2020年12月24日" in text
    rows = sum(len(t.rows) + 1 for a in notice.annexes for t in a.tables)
    assert fragment.count("<tr>") == rows
    assert fragment.count('<section class="annex"') == 2
    assert "<br>" in fragment.split("</h1>")[0]  # the forced title line break
    assert '<span class="h2">㈠政务公开工作水平有待进一步提高。</span>一是' in fragment
