"""The fast paths added for speed must find exactly what the plain paths find: the privacy
byte gate against a whole-text scan, the pre-folded (traditional) page against the one-pass
page, the combined regex of a gate group against its rules, shared literal prechecks, the
remembered suggestions, and the cheaper masking and check-character code."""

import random
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kaohe_wording_testutil import ID_NUMBER

from kaohe.core.wording import Category, parse_pack
from kaohe.core.wording.engine import Automaton
from kaohe.core.wording.normalize import fold, traditional_table
from kaohe.core.wording.privacy import _GATE, _stretches, detect, id_check_char, mask
from kaohe.core.wording.regexinfo import union
from kaohe.core.wording.regexrules import RegexRule, plan_prechecks, suggestion

WIDE = {code: code + 0xFEE0 for code in range(0x30, 0x3A)}  # 0-9 → ０-９
ZWSP = "\u200b"
ASTRAL = "\U00020000"

# Valid made-up values (checksums hold) and near misses, in every width and grouping.
VALUES = [
    ID_NUMBER,
    "110105194912310021",
    "13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "138\u30001234\u30005678",
    "138－1234－5678",
    "138\u00a01234\u00a05678",
    "1３8１2３4５6７8",
    "6222021234567890128",
    "6222 0212 3456 7890 128",
    "6222\u30000212\u30003456\u30007890\u3000128",
    "0909-5221234",
    "121000000000000251",
]
ATOMS = [
    *"0123456789０１２３４５６７８９",
    " ",
    "-",
    "－",
    "\u3000",
    "\u00a0",
    *"XxＸｘ",
    *"县政务公开〔〕丰",  # 〔 (U+3014) and 丰 (U+4E30) look like digits to the byte gate
    "卡号",
    "http://a.cn/",
    ASTRAL,  # outside the BMP: the gate steps aside
    *VALUES,
]


def spans(hits):
    return [(h.rule, h.start, h.end, h.masked, h.severity) for h in hits]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), max_size=40), st.sampled_from([None, date(2024, 1, 1)]))
def test_privacy_gate_finds_what_a_whole_text_scan_finds(atoms, on):
    text = "".join(atoms)
    assert spans(detect(text, on)) == spans(detect(text, on, gated=True))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([a for a in ATOMS if a != ASTRAL]), max_size=40))
def test_stretches_are_bounded_by_characters_no_value_holds(atoms):
    """(Text with characters outside the BMP is scanned whole, without stretches.)"""
    text = "".join(atoms)
    gate = text.encode("utf-16-le").translate(_GATE)
    value_chars = set("0123456789０１２３４５６７８９ -－\u3000\u00a0XxＸｘ")
    for start, end in _stretches(gate):
        assert start == 0 or text[start - 1] not in value_chars
        assert end == len(text) or text[end] not in value_chars


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def plain_mask(value: str, head: int, tail: int) -> str:
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    hidden = set(positions[head : len(positions) - tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


@given(st.text(alphabet="0123456789Xx -", max_size=22), st.sampled_from([(3, 2), (3, 4), (4, 4)]))
def test_mask_matches_the_plain_code(value, ends):
    assert mask(value, *ends) == plain_mask(value, *ends)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_character_matches_the_plain_code(digits):
    total = sum(int(d) * w for d, w in zip(digits, ID_WEIGHTS, strict=True))
    assert id_check_char(digits) == "10X98765432"[total % 11]


def test_check_character_needs_17_digits():
    with pytest.raises(ValueError):
        id_check_char("123")


def traditional(text: str) -> str:
    back = {}
    for code, simple in traditional_table().items():
        back.setdefault(ord(simple), chr(code))
    return text.translate(back)


SENTENCES = [
    "县国土资源局要认真贯切落实会议精神。",
    "请按照精政办发[2020]12号文件要求布署落实。",
    "县安监局联合县环保局开展检查。",
    "申请人身份证号11010519491231002X，联系电话13812345678。",
    "中华人民共合国成立以来的发展成就。",
    "县文化和旅游局开展专项检查。",
    "截止2023年底，全国人大十三届一次会议召开。",
    "会议由县长张三主持。",
    "精政办发〔2021〕第3号、精政办发〔2022〕05号和精政办发〔2023〕7号。",
    "全县政务公开工作稳步推进，群众满意度持续提升。",
]


def page(draw_sentences, rng: random.Random, style: str) -> str:
    text = "\u3000\u3000" + "".join(draw_sentences)
    if style == "traditional":
        text = traditional(text)
    elif style == "wide":
        text = text.translate(WIDE)
    elif style == "zero-width":
        for _ in range(rng.randint(1, 4)):
            cut = rng.randrange(len(text) + 1)
            text = text[:cut] + ZWSP + text[cut:]
    return text


def keys(findings):
    return [
        (f.rule, f.offset, f.length, f.text, f.suggestion, f.note, f.fingerprint) for f in findings
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=12),
    st.sampled_from(["plain", "traditional", "wide", "zero-width"]),
    st.integers(0, 2**16),
    st.sampled_from([None, date(2024, 6, 1)]),
)
def test_prefolded_and_one_pass_pages_give_the_same_findings(checker, sentences, style, seed, on):
    """The sample that sends a page to be folded whole first (traditional script) is only a
    guess about cost: both ways must find the same, with offsets into the original text."""
    text = page(sentences, random.Random(seed), style)
    found = checker.scan(text, on)
    for dense in (True, False):
        checker._dense = lambda _text, dense=dense: dense
        try:
            assert keys(checker.scan(text, on)) == keys(found)
        finally:
            del checker._dense
    for f in found:
        if f.category is not Category.PRIVACY:
            assert text[f.offset : f.end] == f.text
            assert text[f.offset] != ZWSP and text[f.end - 1] != ZWSP


@pytest.mark.parametrize("style", ["traditional", "wide", "zero-width"])
def test_folded_pages_are_still_found_at_their_original_offsets(checker, style):
    plain = page(SENTENCES, random.Random(1), "plain")
    text = page(SENTENCES, random.Random(1), style)
    want = [(f.rule, f.suggestion, fold(f.text)) for f in checker.scan(plain)]
    got = checker.scan(text)
    assert [(f.rule, f.suggestion) for f in got] == [(rule, hint) for rule, hint, _ in want]
    for f, (_, _, folded) in zip(got, want, strict=True):
        if f.category is not Category.PRIVACY:
            assert text[f.offset : f.end] == f.text
            assert fold(f.text) == folded  # ZWSP deleted, width and script folded


def test_traditional_page_is_folded_whole_first(checker):
    sentence = "县国土资源局要认真贯彻落实会议精神，进一步提升政务服务水平。"
    text = traditional(sentence * 4)
    assert checker._dense(text)
    assert not checker._dense(sentence * 4)
    found = [f for f in checker.scan(text, date(2024, 1, 1)) if f.rule.startswith("RA")]
    assert len(found) == 4
    for f in found:
        assert text[f.offset : f.end] == f.text
        assert fold(f.text) == "国土资源局"


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from([*"〔〕[]（）第号文0１2０09", "2020", "２０２１", "发"]), max_size=14)
)
def test_a_group_regex_matches_wherever_one_of_its_rules_does(checker, atoms):
    """The 文号 rules DN002–DN004 share their 〔 gates: the checker's combined regex."""
    (group,) = [group for group in checker._groups if group.union is not None]
    assert [m.rule.id for m in group.members] == ["DN002", "DN003", "DN004"]
    text = "".join(atoms)
    combined = group.union
    members = [m.regex for m in group.members]
    for position in range(len(text) + 1):
        alone = any(m.match(text, position) for m in members)
        assert (combined.match(text, position) is not None) == alone, (text, position)
    assert (combined.search(text) is not None) == any(m.search(text) for m in members)


def test_union_refuses_what_it_cannot_combine():
    assert union([r"(a)\1", "b"]) is None  # renumbered groups would change \1
    assert union(["(?i)ab", "c"]) is None  # global flags must come first
    assert union(["(?P<n>a)b", "(?P<n>c)"]) is not None  # same name, made unique


def rule_pack(*patterns: str) -> list[RegexRule]:
    lines = "\n".join(f"R{i}\t{p}\tx\twarning" for i, p in enumerate(patterns))
    pack = parse_pack(
        "# name: demo\n# version: 1\n# date: 2024-01-01\n# category: nonstandard\n"
        "# kind: regex\n# source: 测试用\nid\tpattern\tsuggestion\tseverity\n" + lines + "\n"
    )
    return [RegexRule(rule, re.compile(rule.pattern)) for rule in pack.rules]


def test_prechecks_share_a_literal_every_rule_requires():
    rules = rule_pack(
        "全国人大[一二三]届[一二]次会议",
        "[一二三]届全国政协[一二]次会议",
        "截止(?=目前)",
        "[甲乙]+",
    )
    checks = plan_prechecks(rules)
    assert [(c.literal, [m.rule.id for m in c.members]) for c in checks] == [
        ("次会议", ["R0", "R1"]),
        ("截止", ["R2"]),
        ("", ["R3"]),
    ]
    for check in checks:
        for member in check.members:
            assert check.literal in member.rule.pattern


def test_remembered_suggestions_equal_the_expansion():
    regex = re.compile(r"(?P<head>〔(?P<year>20[0-9]{2})〕)第(?P<num>[0-9]+)号")
    for text in ("〔2021〕第3号", "〔2022〕第14号", "〔2021〕第3号"):
        match = regex.search(text)
        for template in (r"\g<head>\g<num>号", "〔２０２１〕", r"\g<year>年"):
            assert suggestion(template, match) == fold(match.expand(template))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["国土", "资源局", "土资", "源", "县", "国", "。", "资源"]), max_size=20
    )
)
def test_daachorse_without_prefilter_matches_like_ahocorasick_rs(atoms):
    patterns = ["国土资源局", "土资源", "资源", "县国土", "源局"]
    text = "".join(atoms)
    assert Automaton(patterns).find(text) == Automaton(patterns, "ahocorasick_rs").find(text)
