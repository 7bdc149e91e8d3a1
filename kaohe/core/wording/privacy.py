"""Personal data that must not be published: 身份证号, 手机号, 银行卡号.

Each detector validates what it finds, because long digit runs are everywhere on a
government site (文章编号, 统一社会信用代码, 不动产单元号) and a checker that cries wolf is
switched off:

- 身份证号: 18 characters, GB 11643-1999 check character (ISO 7064 MOD 11-2) and a real
  calendar birth date (not after the page date when one is given);
- 手机号: 11 digits ``1[3-9]x``, optionally written 3-4-4 with spaces or hyphens;
- 银行卡号: 16–19 digits (optionally in groups of four), Luhn-valid, and not an ID number or
  a GB 32100-2015 统一社会信用代码. Severity is raised to error when a word such as 卡号 or
  开户 stands just before it.

None of them may sit inside a longer digit run, and numbers inside URLs are skipped.
Findings quote the value masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from operator import mul

from .model import Severity

PACK = "privacy"

ID_RULE, PHONE_RULE, BANK_RULE = "P001", "P002", "P003"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
BANK_CONTEXT = ("卡号", "账号", "帐号", "银行", "账户", "帐户", "开户", "银联", "储蓄卡", "信用卡")
CONTEXT_WINDOW = 12

# One scan for all three: a digit not preceded by a digit, then a plain run (ID, phone,
# card), a 3-4-4 phone or a 4-4-4-4(-n) card with spaces or hyphens. Full-width digits and
# separators are matched as they are, so pages need no folding for this. The first digit is
# consumed before the look-behind so that ``re`` keeps its fast character-class prefix scan
# (a leading look-behind makes it try every position).
_D = "0-9０-９"
_S = "- －\u3000\u00a0"
_NUMBER = re.compile(
    rf"[{_D}](?<![{_D}][{_D}])"
    rf"(?:[{_D}]{{10,18}}[XxＸｘ]?"
    rf"|[{_D}]{{2}}(?P<p>[{_S}])[{_D}]{{4}}(?P=p)[{_D}]{{4}}"
    rf"|[{_D}]{{3}}(?:(?P<c>[{_S}])[{_D}]{{4}}){{2,3}}(?P=c)[{_D}]{{1,4}})"
    rf"(?![{_D}])"
)
# Even that scan costs a third of an automaton pass, because pages are full of short numbers,
# so it only runs on the stretches of a page that can hold a value. A gate finds them in C:
# the page's UTF-16 code units, one translate of their bytes and two substring searches.
# Digits (0–9, ０–９) read "00" (low byte "0", high byte 00 or FF → "0"), and so does U+3000
# (00 30); space, hyphen, NBSP and － read "-0"; X, x and ｘ read "X0" (Ｘ reads "00"); any
# other byte becomes "." unless it collides with one of those. A value holds 11 digits in a
# row, or a 3-4-4 group (a 4-4-4-n group starts with one), so its bytes hold one of
# :data:`_NEEDLES`. The detector then runs on the run of non-"." bytes around the needle,
# bounded by characters that hold a "." so can be in no value: there it finds exactly what a
# whole-page scan finds, look-arounds included. Colliding characters (〔 is U+3014: "00")
# only widen a stretch or open a needless one; a character outside the BMP (two code units)
# puts the bytes out of step with the text, so such a page is scanned whole.
_AS_DIGIT = {*range(0x30, 0x3A), *range(0x10, 0x1A), 0x00, 0xFF}
_AS_SEPARATOR = {0x20, 0x2D, 0xA0, 0x0D}


def _gate_byte(byte: int) -> int:
    """What a byte of a UTF-16 code unit becomes in the gate."""
    if byte in _AS_DIGIT:
        return ord("0")
    if byte in _AS_SEPARATOR:
        return ord("-")
    return ord("X") if byte in (0x58, 0x78) else ord(".")


_GATE = bytes(map(_gate_byte, range(256)))
_DIGIT, _SEPARATOR = b"00", b"-0"
_NEEDLES = (_DIGIT * 11, _DIGIT * 3 + _SEPARATOR + _DIGIT * 4 + _SEPARATOR + _DIGIT * 4)
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_SEPARATORS = dict.fromkeys(map(ord, " -－\u3000\u00a0"))
REGEXES = (_NUMBER,)
_URL = re.compile(r"(?:https?://|www\.)[!-~]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PrivacyHit:
    """A detected value, in the coordinates of the text it was found in."""

    rule: str
    start: int
    end: int
    masked: str
    severity: Severity
    suggestion: str


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != len(_ID_WEIGHTS):
        raise ValueError(f"需要17位数字：{first17!r}")
    return _ID_CHECK[sum(map(mul, map(int, first17), _ID_WEIGHTS)) % 11]


def id_birth_date(number: str) -> date | None:
    """The birth date encoded in an 18-character ID number, or None if it is not a date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_valid_id(number: str, on: date | None = None) -> bool:
    """18 characters, first 17 digits, valid check character, real birth date (1900 or
    later, and not after ``on`` when given), area code not starting with 0 or 9."""
    if len(number) != 18 or not number[:17].isdigit() or number[0] in "09":
        return False
    if id_check_char(number[:17]) != number[17].upper():
        return False
    born = id_birth_date(number)
    if born is None or born.year < 1900:
        return False
    return on is None or born <= on


def luhn_ok(digits: str) -> bool:
    """The Luhn (ISO/IEC 7812) check used by bank card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_credit_code(code: str) -> bool:
    """GB 32100-2015 统一社会信用代码 check character (these are public, not personal)."""
    if len(code) != 18 or any(ch not in _CREDIT_ALPHABET for ch in code):
        return False
    total = sum(
        _CREDIT_ALPHABET.index(ch) * w for ch, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True)
    )
    return _CREDIT_ALPHABET[(31 - total % 31) % 31] == code[17]


def is_mobile(digits: str) -> bool:
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"


def mask(value: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing digits, star the others (separators
    stay, so a masked value still looks like what was on the page)."""
    if value.isalnum():  # no separators: one slice each
        stars = max(0, len(value) - head - tail)
        return value[:head] + "*" * stars + value[head + stars :]
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    hidden = set(positions[head : len(positions) - tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def detect(text: str, page_date: date | None = None, *, gated: bool = False) -> list[PrivacyHit]:
    """All personal-data values in ``text`` (offsets into ``text``). ``gated``: the caller
    already knows that the whole text is worth a look, so it is scanned without the byte
    gate (the reference the gated scan is tested against)."""
    if gated:
        return _scan(text, 0, len(text), page_date)
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) != 2 * len(text):  # characters outside the BMP: no gate
        return _scan(text, 0, len(text), page_date)
    gate = units.translate(_GATE)
    if _NEEDLES[0] not in gate and _NEEDLES[1] not in gate:  # most pages
        return []
    hits: list[PrivacyHit] = []
    for start, end in _stretches(gate):
        hits += _scan(text, start, end, page_date)
    return hits


def _stretches(gate: bytes) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of each run of non-"." bytes holding a needle,
    left to right. The characters just outside a run hold a "." byte."""
    stretches = []
    position = 0
    while True:
        found = [i for i in (gate.find(needle, position) for needle in _NEEDLES) if i >= 0]
        if not found:
            return stretches
        anchor = min(found)
        start = gate.rfind(b".", 0, anchor) + 1
        end = gate.find(b".", anchor)
        if end < 0:
            end = len(gate)
        stretches.append(((start + 1) // 2, end // 2))
        position = end


def _scan(text: str, start: int, end: int, page_date: date | None) -> list[PrivacyHit]:
    """The detector over ``text[start:end]``; its look-behind still sees ``text[start-1]``."""
    hits: list[PrivacyHit] = []
    for match in _NUMBER.finditer(text, start, end):
        value = match.group().translate(_HALF_WIDTH)
        begin, stop = match.span()
        if value[-1] in "Xx" and len(value) != 18:
            value, stop = value[:-1], stop - 1  # an X only belongs to an ID number
        hit = _classify(text, begin, stop, value, page_date)
        if hit is not None:
            hits.append(hit)
    return hits


def _classify(
    text: str, start: int, end: int, value: str, page_date: date | None
) -> PrivacyHit | None:
    digits = value.translate(_SEPARATORS)
    if len(digits) == 18 and is_valid_id(digits, page_date):
        rule, masked, severity = ID_RULE, mask(value, 3, 2), Severity.ERROR
        suggestion = "删除或隐藏身份证号码（如仅保留前3位和后2位）"
    elif is_mobile(digits):
        rule, masked, severity = PHONE_RULE, mask(value, 3, 4), Severity.WARNING
        suggestion = "个人手机号码应隐藏中间4位或删除；工作联系电话请核实是否确需公开"
    elif 16 <= len(digits) <= 19 and digits.isdigit() and _looks_like_card(digits):
        rule, masked = BANK_RULE, mask(value, 4, 4)
        before = text[max(0, start - CONTEXT_WINDOW) : start]
        severity = Severity.ERROR if any(w in before for w in BANK_CONTEXT) else Severity.WARNING
        suggestion = "删除或隐藏银行卡号（如仅保留后4位）"
    else:
        return None
    if _inside_url(text, start, end):
        return None
    return PrivacyHit(rule, start, end, masked, severity, suggestion)


def _looks_like_card(digits: str) -> bool:
    if not luhn_ok(digits) or len(set(digits)) == 1:
        return False
    return not (len(digits) == 18 and (is_valid_id(digits) or is_credit_code(digits)))


def _inside_url(text: str, start: int, end: int) -> bool:
    window_start = max(0, start - 200)
    window_end = min(len(text), end + 200)
    window = text[window_start:window_end]
    if "://" not in window and "www." not in window.lower():
        return False
    for match in _URL.finditer(text, window_start, window_end):
        if match.start() <= start and match.end() >= end:
            return True
    return False
