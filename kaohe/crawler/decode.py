"""Turn HTML bytes into text, trusting charset declarations only as far as the bytes agree.

County government sites are a mix of UTF-8 and GBK/GB2312 pages, and their declarations are
often wrong: a GBK page served as ``charset=utf-8`` by a reconfigured web server, a template
copied from a UTF-8 site into a GBK CMS, ``iso-8859-1`` from an old IIS, or no declaration at
all. Mojibake would make the wording and privacy checks useless, so:

1. A BOM wins.
2. Bytes that are strictly valid UTF-8 (and not pure ASCII) are UTF-8, whatever is declared:
   GBK text essentially never validates as UTF-8, while UTF-8 text often *does* decode as
   GB18030 (that is where "浣犲ソ"-style mojibake comes from), so this order is the safe one.
3. Otherwise each declared multi-byte charset (HTTP header first, then ``<meta>``) is tried
   with strict decoding. GBK / GB2312 labels are read as GB18030, their superset, so rare
   characters (e.g. in personal names) outside GB2312 still decode.
4. Otherwise GB18030 if it decodes strictly and the result looks like Chinese text.
5. A declared single-byte charset (these decode anything, so prove nothing) is used next.
6. Last resort: UTF-8 or GB18030 with replacement, whichever needs fewer replacements.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_META_SCAN_BYTES = 8192  # gov templates put a lot of <script> before the charset <meta>
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936", "euc_cn", "ms936"}
# WHATWG labels (seen in the wild) that Python's codec registry does not know.
_ALIASES = {
    "x-gbk": "gbk",
    "gb_2312-80": "gb2312",
    "gb_2312": "gb2312",
    "x-gb2312": "gb2312",
    "csgb2312": "gb2312",
    "csgb231280": "gb2312",
    "chinese": "gb2312",
    "iso-ir-58": "gb2312",
    "x-euc-cn": "gb2312",
    "unicode-1-1-utf-8": "utf-8",
    "x-user-defined": "cp1252",
}
# Python codec names of charsets in which every byte sequence is valid.
_SINGLE_BYTE = {"latin_1", "iso8859_1", "cp1252", "ascii", "iso8859_15"}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: shares its first two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used
    declared: str | None  # what the server/page claimed (normalised), if anything
    confident: bool  # False when replacement characters had to be used

    @property
    def declaration_wrong(self) -> bool:
        if self.declared is None:
            return False
        return _family(self.declared) != _family(self.encoding)


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def sniff_declared(body: bytes) -> str | None:
    """The charset the document itself declares (XML declaration or ``<meta>``)."""
    head = body[:_META_SCAN_BYTES]
    match = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def codec_name(label: str | None) -> str | None:
    """Normalise a charset label to a Python codec name, widening the GB family to GB18030."""
    if not label:
        return None
    label = label.strip().lower()
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name.replace("-", "_")
    except LookupError:
        return None
    if name in _GB_FAMILY:
        return "gb18030"
    if name in {"latin_1", "iso8859_1", "ascii"}:
        return "cp1252"  # what browsers do (WHATWG), and what such pages really are
    return name.replace("utf_8", "utf-8")


def _family(name: str) -> str:
    name = codec_name(name) or name
    return "gb18030" if name in _GB_FAMILY else name


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_chinese(text: str) -> bool:
    """Most non-ASCII characters are CJK: a strict GB18030 decode of Latin-1 text fails this."""
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return True
    cjk = sum(
        1
        for c in non_ascii
        if "\u4e00" <= c <= "\u9fff"
        or "\u3000" <= c <= "\u303f"  # CJK punctuation
        or "\uff00" <= c <= "\uffef"  # full-width forms
        or "\u3400" <= c <= "\u4dbf"
    )
    return cjk / len(non_ascii) >= 0.6


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML (or text) body; see the module docstring for the order of trust."""
    http_label = charset_from_content_type(content_type)
    meta_label = sniff_declared(body)
    declared = codec_name(http_label) or codec_name(meta_label)

    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text = _strict(body, encoding)
            if text is not None:
                return Decoded(text, encoding, declared, True)

    if body.isascii():
        return Decoded(body.decode("ascii"), declared or "ascii", declared, True)

    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", declared, True)

    candidates = [codec_name(http_label), codec_name(meta_label)]
    for name in candidates:
        if name and name not in _SINGLE_BYTE and name != "utf-8":
            text = _strict(body, name)
            if text is not None:
                return Decoded(text, name, declared, True)

    text = _strict(body, "gb18030")
    if text is not None and _looks_chinese(text):
        return Decoded(text, "gb18030", declared, True)

    for name in candidates:
        if name in _SINGLE_BYTE:
            text = _strict(body, name)
            if text is not None:
                return Decoded(text, name, declared, True)

    as_utf8 = body.decode("utf-8", "replace")
    as_gb = body.decode("gb18030", "replace")
    if as_gb.count("\ufffd") < as_utf8.count("\ufffd"):
        return Decoded(as_gb, "gb18030", declared, False)
    return Decoded(as_utf8, "utf-8", declared, False)
