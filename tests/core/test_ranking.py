from decimal import Decimal as D
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.core.ranking import Ranked, TiePolicy, rank

SCORES = {"a": D("95"), "b": D("90"), "c": D("90.00"), "d": D("80")}


def ranks(policy, scores=SCORES, tie_break=None):
    return [(r.unit, r.rank, r.position) for r in rank(scores, policy, tie_break)]


def test_competition_skips_after_ties():
    assert ranks(TiePolicy.COMPETITION) == [("a", 1, 1), ("b", 2, 2), ("c", 2, 3), ("d", 4, 4)]


def test_dense_does_not_skip():
    assert ranks(TiePolicy.DENSE) == [("a", 1, 1), ("b", 2, 2), ("c", 2, 3), ("d", 3, 4)]


def test_sequential_numbers_every_place():
    assert ranks(TiePolicy.SEQUENTIAL) == [("a", 1, 1), ("b", 2, 2), ("c", 3, 3), ("d", 4, 4)]


def test_tie_break_orders_ties_under_every_policy():
    prefer_c = {"c": 0, "b": 1}.get
    for policy in TiePolicy:
        assert [u for u, _, _ in ranks(policy, tie_break=lambda u: prefer_c(u, 9))] == [
            "a",
            "c",
            "b",
            "d",
        ]
    assert ranks(TiePolicy.SEQUENTIAL, tie_break=lambda u: prefer_c(u, 9))[1] == ("c", 2, 2)


def test_tie_break_does_not_beat_score():
    assert [r.unit for r in rank(SCORES, TiePolicy.COMPETITION, lambda u: -ord(u))] == [
        "a",
        "c",
        "b",
        "d",
    ]


def test_input_order_is_the_last_resort():
    scores = {"z": D(1), "y": D(1), "x": D(1)}
    assert [r.unit for r in rank(scores, TiePolicy.SEQUENTIAL)] == ["z", "y", "x"]


def test_accepts_policy_as_string_and_empty_input():
    assert rank({}, "dense") == []
    assert rank({"a": D(1)}, "competition") == [Ranked("a", D(1), 1, 1)]


def test_rejects_non_numbers():
    with pytest.raises(ValueError, match="不是有效数字"):
        rank({"a": D("NaN")}, TiePolicy.DENSE)


score_maps = st.dictionaries(
    st.integers(0, 50), st.decimals(min_value=0, max_value=5, places=1), max_size=30
)


@given(score_maps, st.sampled_from(list(TiePolicy)), st.booleans())
def test_ranking_is_a_consistent_permutation(scores, policy, use_tie_break):
    tie_break = (lambda u: -u) if use_tie_break else None
    result = rank(scores, policy, tie_break)
    assert sorted(r.unit for r in result) == sorted(scores)
    assert [r.position for r in result] == list(range(1, len(scores) + 1))
    assert all(r.score == scores[r.unit] for r in result)
    for upper, lower in pairwise(result):
        assert upper.score >= lower.score
        assert upper.rank <= lower.rank
        if upper.score == lower.score and tie_break:
            assert tie_break(upper.unit) <= tie_break(lower.unit)


@given(score_maps, st.sampled_from(list(TiePolicy)))
def test_policy_semantics(scores, policy):
    result = rank(scores, policy)
    for r in result:
        higher = {s for s in scores.values() if s > r.score}
        if policy is TiePolicy.COMPETITION:
            assert r.rank == 1 + sum(1 for s in scores.values() if s > r.score)
        elif policy is TiePolicy.DENSE:
            assert r.rank == 1 + len(higher)
        else:
            assert r.rank == r.position
    if policy is not TiePolicy.SEQUENTIAL:
        by_score = {}
        for r in result:
            by_score.setdefault(r.score, set()).add(r.rank)
        assert all(len(ranks_) == 1 for ranks_ in by_score.values())
