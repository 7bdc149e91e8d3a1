"""Reading what a regex rule needs: alphabet, folding, literals it requires or starts with."""

from kaohe.core.wording.regexinfo import (
    alphabet,
    literal_prefixes,
    needs_folding,
    overlaps,
    required_literals,
    unfolded_characters,
)


def test_alphabet_includes_small_classes_and_lookarounds():
    chars = alphabet(r"截止(?=[0-9]{4}年)")
    assert {"截", "止", "年", "0", "9"} <= chars


def test_needs_folding_is_waived_when_both_forms_are_listed():
    assert needs_folding(set("0123456789")) == set("0123456789")
    assert needs_folding(set("0123456789０１２３４５６７８９")) == set()
    assert needs_folding({"国"}) == {"国"}  # 國 is not listed


def test_unfolded_characters_are_reported():
    assert unfolded_characters("國土") == ["國"]
    assert unfolded_characters("[国國]土") == []


def test_required_literals():
    assert required_literals(r"全国人大(?P<n>[一二三]{1,3})届") == ["全国人大", "届"]
    assert required_literals(r"(?:ab|cd)x") == ["x"]
    assert required_literals(r"a(?=b?c)") == ["a", "c"]
    assert required_literals(r"[0-9]+") == []


def test_literal_prefixes():
    assert literal_prefixes(r"[(（](?:19|20)\d") == ["(19", "(20", "（19", "（20"]
    assert literal_prefixes(r"截止(?=目前)") == ["截止"]
    assert literal_prefixes(r"[0-9]+号") == []  # a one-character class alone is too weak
    assert literal_prefixes(r"x+") == []


def test_literal_prefixes_respect_the_limit():
    assert literal_prefixes(r"[a-z][a-z][a-z]", limit=100) == []


def test_overlaps():
    assert overlaps("截止", "截止日期")
    assert overlaps("次会议", "会议记要")
    assert overlaps("会议记要", "次会议")
    assert not overlaps("截止", "会议")
