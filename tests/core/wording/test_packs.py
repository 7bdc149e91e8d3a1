"""The shipped rule packs: provenance headers, well-formed rules, and the pack format."""

import re
from datetime import date

import pytest

from kaohe.core.wording import Category, PackError, Severity, load_default_packs, parse_pack
from kaohe.core.wording.normalize import fold

PACKS = load_default_packs()


def test_every_category_has_a_pack():
    categories = {pack.category for pack in PACKS}
    assert {
        Category.TYPO,
        Category.RENAMED_AGENCY,
        Category.NONSTANDARD,
        Category.SENSITIVE,
        Category.OFFICIAL_NAME,
        Category.DOC_NUMBER,
    } <= categories


def test_headers_say_what_where_and_when():
    for pack in PACKS:
        assert pack.name and pack.version and isinstance(pack.date, date)
        assert len(pack.source) > 20, pack.name
        assert pack.rules, pack.name


def test_realistic_size():
    by_name = {pack.name: len(pack.rules) for pack in PACKS}
    assert by_name["typos"] >= 250
    assert by_name["renamed_agencies"] >= 60
    assert sum(by_name.values()) >= 500


def test_rule_ids_are_unique():
    ids = [rule.id for pack in PACKS for rule in pack.rules]
    assert len(ids) == len(set(ids))


def test_literal_rules_are_sound():
    for pack in PACKS:
        for rule in pack.rules:
            assert rule.severity in Severity
            if rule.regex:
                continue
            assert rule.suggestion, rule.id
            assert fold(rule.pattern) != fold(rule.suggestion), rule.id
            for phrase in rule.exceptions:
                assert rule.pattern in phrase and phrase != rule.pattern, rule.id


def test_no_pattern_is_inside_another_rules_suggestion():
    """A wrong form that is part of some right form would flag the right form, unless the
    rule lists it as an exception, or the right form is itself a (longer) pattern, which the
    leftmost-longest automaton prefers (银保监会 over 保监会)."""
    patterns = {fold(r.pattern): r for p in PACKS for r in p.rules if not r.regex}
    for pack in PACKS:
        for rule in pack.rules:
            right = fold(rule.suggestion)
            if rule.regex or right in patterns:
                continue
            for pattern, other in patterns.items():
                if pattern in right and pattern != right:
                    allowed = {fold(e) for e in other.exceptions} | {fold(other.suggestion)}
                    assert any(right in e or e in right for e in allowed), (other.id, rule.id)


def test_renamed_agencies_are_dated_and_multi_hop_is_ordered():
    renamed = next(p for p in PACKS if p.category is Category.RENAMED_AGENCY)
    assert all(rule.effective for rule in renamed.rules)
    hops = [r for r in renamed.rules if r.pattern == "国家环境保护总局"]
    assert [r.suggestion for r in sorted(hops, key=lambda r: r.effective)] == [
        "环境保护部",
        "生态环境部",
    ]


def test_sensitive_examples_are_marked_illustrative():
    sensitive = next(p for p in PACKS if p.category is Category.SENSITIVE)
    assert "示例" in sensitive.source
    spam = [r for r in sensitive.rules if "删除：" in r.suggestion]
    assert spam and all(r.illustrative for r in spam)
    secrecy = [r for r in sensitive.rules if r.pattern.endswith("★")]
    assert secrecy and not any(r.illustrative for r in secrecy)


def test_regex_rules_compile():
    for pack in PACKS:
        for rule in pack.rules:
            if rule.regex:
                re.compile(rule.pattern)


GOOD = """# name: demo
# version: 1
# date: 2024-01-01
# category: typo
# severity: error
# source: 测试用
id\tpattern\tsuggestion\tseverity\texceptions
X1\t布署\t部署\t\t公布署
X2\t其它\t其他\tinfo
"""


def test_parse_pack():
    pack = parse_pack(GOOD)
    assert pack.name == "demo" and pack.category is Category.TYPO
    first, second = pack.rules
    assert first.severity is Severity.ERROR and first.exceptions == ("公布署",)
    assert second.severity is Severity.INFO


@pytest.mark.parametrize(
    "broken, message",
    [
        (GOOD.replace("# source: 测试用\n", ""), "source"),
        (GOOD.replace("# date: 2024-01-01", "# date: 2024-13-01"), "日期"),
        (GOOD.replace("exceptions", "except"), "列名"),
        (GOOD.replace("公布署", "公布"), "例外"),
        (GOOD.replace("X2", "X1"), "重复"),
        (GOOD.replace("\tinfo", "\tfatal"), "无效"),
        (GOOD.replace("# category: typo", "# category: typo\n# kind: regex"), "exceptions"),
    ],
)
def test_doubtful_packs_are_refused(broken, message):
    with pytest.raises(PackError, match=message):
        parse_pack(broken)
