"""The shipped fontconfig maps 公文 faces to Noto CJK and lets licensed fonts win."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from kaohe_docs_testutil import require_tool, run_tool
from lxml import etree

from kaohe.documents import fonts
from kaohe.documents.docx_writer import write_notice_docx
from kaohe.documents.model import Notice, Paragraph
from kaohe.documents.pdf import convert_to_pdf
from kaohe.documents.styles import STYLE_SPECS

FAKE_PS_NAME = "KaoheFakeFangSong"


def fc_match(config: Path, family: str) -> str:
    require_tool("fc-match")
    env = dict(os.environ, FONTCONFIG_FILE=str(config))
    out = subprocess.run(
        ["fc-match", "-f", "%{family[0]}|%{style[0]}|%{file}", family],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    return out.stdout


def test_shipped_conf_matches_substitutes_table() -> None:
    root = etree.parse(str(fonts.FONTS_CONF)).getroot()
    aliases = {a.findtext("family"): a.findtext("accept/family") for a in root.findall("alias")}
    assert aliases == {k: v.family for k, v in fonts.SUBSTITUTES.items()}
    assert all(a.get("binding") == "same" for a in root.findall("alias"))
    bold = {m.findtext("test/string") for m in root.findall("match")}
    assert bold == {k for k, v in fonts.SUBSTITUTES.items() if v.bold}


def test_every_style_font_has_a_substitute() -> None:
    assert {s.font for s in STYLE_SPECS} <= set(fonts.SUBSTITUTES)


@pytest.mark.parametrize(
    ("family", "expected", "style"),
    [
        ("方正小标宋简体", "Noto Serif CJK SC", "Bold"),
        ("仿宋_GB2312", "Noto Serif CJK SC", "Regular"),
        ("仿宋", "Noto Serif CJK SC", "Regular"),
        ("楷体_GB2312", "Noto Serif CJK SC", "Regular"),
        ("黑体", "Noto Sans CJK SC", "Regular"),
        ("宋体", "Noto Serif CJK SC", "Regular"),
    ],
)
def test_generated_config_maps_to_noto(tmp_path: Path, family: str, expected: str, style: str):
    config = fonts.write_fontconfig(tmp_path, fonts_dir=None)
    got_family, got_style, _ = fc_match(config, family).split("|")
    assert (got_family, got_style) == (expected, style)


def build_fake_font(path: Path, family: str, text: str) -> Path:
    """A tiny TrueType font named ``family`` (boxes for the characters of ``text``)."""
    names = [".notdef", *(f"uni{ord(c):04X}" for c in text)]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in text})
    pen = TTGlyphPen(None)
    pen.moveTo((100, -100))
    pen.lineTo((100, 800))
    pen.lineTo((900, 800))
    pen.lineTo((900, -100))
    pen.closePath()
    box = pen.glyph()
    fb.setupGlyf({n: box for n in names})
    fb.setupHorizontalMetrics({n: (1000, 100) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable(
        {"familyName": family, "styleName": "Regular", "psName": FAKE_PS_NAME}, mac=False
    )
    # Declare CJK coverage (Unicode range bit 59, code page GB2312 bit 18): LibreOffice
    # reads these to decide whether a font may set Chinese text at all.
    fb.setupOS2(
        sTypoAscender=880,
        sTypoDescender=-120,
        usWinAscent=880,
        usWinDescent=120,
        ulUnicodeRange2=1 << (59 - 32),
        ulCodePageRange1=1 << 18,
    )
    fb.setupPost()
    fb.save(str(path))
    return path


def test_licensed_fonts_dir_is_used_first(tmp_path: Path, monkeypatch) -> None:
    licensed = tmp_path / "licensed"
    licensed.mkdir()
    build_fake_font(licensed / "fangsong.ttf", "仿宋_GB2312", "仿宋测试")
    monkeypatch.setenv(fonts.FONTS_DIR_ENV, str(licensed))
    config = fonts.write_fontconfig(tmp_path / "fc")
    assert fc_match(config, "仿宋_GB2312").split("|")[0] == "仿宋_GB2312"
    # other faces still fall back to Noto
    assert fc_match(config, "黑体").split("|")[0] == "Noto Sans CJK SC"


def test_licensed_font_reaches_the_pdf(tmp_path: Path, monkeypatch) -> None:
    """End to end: LibreOffice embeds the dropped-in 仿宋_GB2312 instead of Noto Serif."""
    import datetime as dt

    notice = Notice(  # SYNTHETIC content
        issuer="测试机关",
        doc_number="",
        title="测试",
        addressees="各单位：",
        body=(Paragraph("仿宋测试"),),
        signature="测试机关",
        date=dt.date(2020, 12, 24),
    )
    # Like a real licensed font, cover every character set in 仿宋 (LibreOffice passes
    # over a font that lacks characters of the paragraph's text).
    covered = "".join(
        sorted(set(notice.addressees + "仿宋测试" + notice.signature + notice.date_text))
    )
    licensed = tmp_path / "licensed"
    licensed.mkdir()
    build_fake_font(licensed / "fangsong.ttf", "仿宋_GB2312", covered)
    monkeypatch.setenv(fonts.FONTS_DIR_ENV, str(licensed))
    pdf = convert_to_pdf(write_notice_docx(notice, tmp_path / "licensed.docx"))
    listing = run_tool("pdffonts", str(pdf))
    assert re.search(rf"\+{FAKE_PS_NAME}\b", listing), listing


def test_fonts_dir_env_ignored_when_missing(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(fonts.FONTS_DIR_ENV, str(tmp_path / "absent"))
    assert fonts.licensed_fonts_dir() is None
    text = fonts.write_fontconfig(tmp_path).read_text()
    assert "<dir>" not in text
    assert str(fonts.FONTS_CONF.resolve()) in text
