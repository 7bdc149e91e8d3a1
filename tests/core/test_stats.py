from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.core.stats import indicator_stats, percent


def test_percent_rounds_half_up_to_whole_percent():
    assert percent(D(2) / D(7)) == "29%"
    assert percent(D(3) / D(25)) == "12%"
    assert percent(D("0.125")) == "13%"
    assert percent(D("0.005")) == "1%"
    assert percent(D(0)) == "0%"
    assert percent(D(1)) == "100%"


def test_percent_rejects_nan():
    with pytest.raises(ValueError, match="不是有效的比例"):
        percent(D("NaN"))


def test_indicator_stats_example():
    stats = indicator_stats([D(10), D("9.5"), D(0), D(2), D("7.99")], D(10))
    assert stats.count == 5
    assert stats.full_marks_count == 1
    assert percent(stats.full_mark_ratio) == "20%"
    assert stats.mean == D("5.90")
    assert (stats.min, stats.max) == (D(0), D(10))
    assert stats.distribution == (("0-2", 1), ("2-4", 1), ("4-6", 0), ("6-8", 1), ("8-10", 2))


def test_uneven_buckets_have_readable_labels():
    stats = indicator_stats([D("3.33"), D("3.34")], D(10), buckets=3)
    assert stats.distribution == (("0-3.33", 1), ("3.33-6.67", 1), ("6.67-10", 0))


def test_empty_scores_give_zeros():
    stats = indicator_stats([], D(4), buckets=2)
    assert (stats.count, stats.full_marks_count, stats.mean) == (0, 0, D(0))
    assert stats.distribution == (("0-2", 0), ("2-4", 0))


def test_zero_point_indicator_gets_one_band():
    stats = indicator_stats([D(0), D(0)], D(0))
    assert stats.distribution == (("0", 2),)
    assert stats.full_marks_count == 2


def test_bonus_above_points_counts_as_full_marks_in_the_top_band():
    stats = indicator_stats([D(6), D(1)], D(5))
    assert stats.full_marks_count == 1
    assert stats.distribution[-1] == ("4-5", 1)
    assert stats.max == D(6)


@pytest.mark.parametrize(
    ("scores", "points", "buckets", "message"),
    [
        ([D(1)], D(-1), 5, "分值必须是不小于0的数字"),
        ([D(1)], D(5), 0, "分段数"),
        ([D(-1)], D(5), 5, "得分必须是不小于0的数字"),
        ([D("NaN")], D(5), 5, "得分必须是不小于0的数字"),
    ],
)
def test_bad_parameters(scores, points, buckets, message):
    with pytest.raises(ValueError, match=message):
        indicator_stats(scores, points, buckets)


@given(
    st.lists(st.decimals(min_value=0, max_value=7, places=2), max_size=40),
    st.integers(1, 9),
)
def test_distribution_accounts_for_every_score(scores, buckets):
    stats = indicator_stats(scores, D(7), buckets)
    assert sum(n for _, n in stats.distribution) == len(scores) == stats.count
    assert len(stats.distribution) == buckets
    if scores:
        assert stats.min <= stats.mean <= stats.max
