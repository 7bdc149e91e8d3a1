"""Numbers as the assessment notice writes and reads them.

Scores travel as ``Decimal`` everywhere so that 94.5 stays 94.5; floats would turn
published totals into 94.49999… and break ties that the notice shows as equal.
"""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

# Plain decimal notation only: "1e2", "Infinity" or "1_000" are not how anyone types a score.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)


def format_score(value: Decimal) -> str:
    """Write a score like the notice does (98, 94.5, 63.75): no trailing zeros, no exponent."""
    if not Decimal(value).is_finite():
        raise ValueError(f"不是有效的数字：{value}")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_score(text: str) -> Decimal:
    """Read a score typed by a person, who may use full-width digits from a Chinese IME."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(f"不是有效的数字：“{text}”。")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise ValueError(f"不是有效的数字：“{text}”。") from exc


def quantize(value: Decimal) -> Decimal:
    """Round half-up to cents, the precision totals are stored and published with.

    Half-up (not Python's default banker's rounding) because that is what people
    expect from 四舍五入 and what a hand check of the notice will do.
    """
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
