from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.core.numbers import format_score, parse_score, quantize


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("98", "98"),
        ("98.00", "98"),
        ("94.50", "94.5"),
        ("0", "0"),
        ("0.00", "0"),
        ("-0.00", "0"),
        ("99.80", "99.8"),
        ("63.75", "63.75"),
        ("100", "100"),
        ("1E+2", "100"),
        ("1E+1", "10"),
        ("2.50", "2.5"),
        ("0.25", "0.25"),
        ("120.0", "120"),
    ],
)
def test_format_score_writes_numbers_like_the_notice(value, text):
    assert format_score(Decimal(value)) == text


def test_format_score_rejects_nan():
    with pytest.raises(ValueError, match="不是有效的数字"):
        format_score(Decimal("NaN"))


@pytest.mark.parametrize(
    ("text", "value"),
    [("98", "98"), ("94.5", "94.5"), (" 94.50 ", "94.50"), ("９４．５", "94.5"), ("-3", "-3")],
)
def test_parse_score_accepts_what_people_type(text, value):
    assert parse_score(text) == Decimal(value)


@pytest.mark.parametrize(
    "text", ["NaN", "nan", "inf", "Infinity", "", "  ", "abc", "1e2", "9 4", "1_000"]
)
def test_parse_score_rejects_anything_else_in_chinese(text):
    with pytest.raises(ValueError, match="不是有效的数字"):
        parse_score(text)


def test_quantize_rounds_half_up_not_to_even():
    assert quantize(Decimal("2.665")) == Decimal("2.67")
    assert quantize(Decimal("2.675")) == Decimal("2.68")
    assert quantize(Decimal("94.5")) == Decimal("94.50")
    assert str(quantize(Decimal("98"))) == "98.00"


@given(st.decimals(min_value=-1000, max_value=1000, places=2))
def test_format_then_parse_round_trips(value):
    text = format_score(value)
    assert "E" not in text and "e" not in text
    assert parse_score(text) == value
    assert not ("." in text and text.endswith("0"))
