from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from kaohe.core.collation import stroke_key


def test_spec_orderings():
    ordered = [
        "卫生健康委员会",
        "公安局",
        "文旅局",
        "市场监督管理局",
        "农业农村局",
        "医疗保障局",  # 7 strokes; 医 U+533B
        "县党委统战部",  # 7 strokes; 县 U+53BF
        "应急管理局",  # 7 strokes; 应 U+5E94
        "退役军人事务局",
    ]
    assert sorted(reversed(ordered), key=stroke_key) == ordered


def test_pairs_listed_in_spec():
    assert stroke_key("卫生健康委员会") < stroke_key("农业农村局")
    assert stroke_key("公安局") < stroke_key("县党委统战部")
    assert stroke_key("文旅局") < stroke_key("市场监督管理局") < stroke_key("退役军人事务局")
    assert stroke_key("医疗保障局") < stroke_key("应急管理局")


def test_fewer_strokes_in_first_character_wins_regardless_of_length():
    assert stroke_key("人社局") < stroke_key("大数据中心")  # 人 2 < 大 3


def test_same_first_character_stays_together_and_next_character_decides():
    names = ["县医院", "县财政局", "县人民法院", "公安局"]
    assert sorted(names, key=stroke_key) == ["公安局", "县人民法院", "县医院", "县财政局"]


def test_non_han_characters_sort_after_han_and_prefix_sorts_first():
    assert stroke_key("公安局") < stroke_key("公安局一")
    assert stroke_key("公安局一") < stroke_key("公安局1")
    assert stroke_key("一中") < stroke_key("A中")
    assert stroke_key("1中") < stroke_key("A中")  # among non-Han: by code point


@given(st.lists(st.text(max_size=6), max_size=10))
def test_key_gives_a_total_order(names):
    once = sorted(names, key=stroke_key)
    assert sorted(reversed(once), key=stroke_key) == once
    assert all(stroke_key(a) <= stroke_key(b) for a, b in pairwise(once))
