"""Charset handling: Chinese text must come out right whatever the page claims."""

from __future__ import annotations

import codecs

import pytest

from kaohe.crawler.decode import codec_name, decode_html

TEXT = "<html><body><p>某县人民政府办公室关于印发《政务公开工作要点》的通知</p></body></html>"
RARE = "<p>王䶮同志任县长助理（䶮 is outside GBK, inside GB18030）</p>"


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=ISO-8859-1",
        "text/html;charset=gb2312",
    ],
)
def test_gbk_bytes_decode_whatever_the_header_says(content_type: str | None) -> None:
    decoded = decode_html(TEXT.encode("gbk"), content_type)
    assert decoded.text == TEXT
    assert decoded.encoding == "gb18030" and decoded.confident


def test_gbk_bytes_behind_wrong_meta() -> None:
    body = ('<meta charset="utf-8">' + TEXT).encode("gbk")
    decoded = decode_html(body)
    assert "关于印发" in decoded.text and decoded.declaration_wrong


def test_meta_http_equiv_gb2312_is_read_as_gb18030() -> None:
    body = ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' + RARE).encode(
        "gb18030"
    )
    decoded = decode_html(body)
    assert (
        "王䶮同志" in decoded.text
        and decoded.declared == "gb18030"
        and not decoded.declaration_wrong
    )


def test_utf8_bytes_declared_as_gbk_are_utf8() -> None:
    # UTF-8 Chinese often *does* decode strictly as GB18030 (as mojibake); must not win.
    body = ('<meta charset="gbk">' + TEXT).encode("utf-8")
    decoded = decode_html(body, "text/html; charset=GBK")
    assert decoded.encoding == "utf-8" and "关于印发" in decoded.text and decoded.declaration_wrong


def test_bom_wins() -> None:
    assert decode_html(codecs.BOM_UTF8 + TEXT.encode()).text == TEXT
    assert decode_html(TEXT.encode("utf-16")).text == TEXT


def test_real_western_page_stays_cp1252() -> None:
    body = "<p>Café résumé naïve élan</p>".encode("cp1252")
    decoded = decode_html(body, "text/html; charset=iso-8859-1")
    assert decoded.text == "<p>Café résumé naïve élan</p>" and decoded.encoding == "cp1252"


def test_declared_big5_that_validates_is_trusted() -> None:
    body = "<p>臺灣縣政府</p>".encode("big5")
    assert decode_html(body, "text/html; charset=big5").text == "<p>臺灣縣政府</p>"


def test_garbage_falls_back_with_fewest_replacements() -> None:
    body = TEXT.encode("gbk") + b"\xff\xff"  # invalid in every candidate
    decoded = decode_html(body)
    assert not decoded.confident and decoded.encoding == "gb18030" and "关于印发" in decoded.text


def test_codec_names() -> None:
    assert codec_name("GB2312") == codec_name("x-gbk") == codec_name("GBK") == "gb18030"
    assert codec_name("UTF8") == "utf-8"
    assert codec_name("latin1") == "cp1252"
    assert codec_name("no-such-charset") is None and codec_name(None) is None
