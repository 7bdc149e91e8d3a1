from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.core.grading import (
    Adjustment,
    Downgrade,
    GradeBand,
    GradeResult,
    GradeScheme,
    count_grades,
    grade,
)
from kaohe.core.ranking import TiePolicy, rank

SCHEME = GradeScheme(
    bands=(GradeBand("优秀", D(90), quota=D("0.30")), GradeBand("良好", D(78))),
    fallback="一般",
)


def ranked(*scores):
    """Units named u0, u1, ... in the order given (scores should be descending)."""
    return rank({f"u{i}": D(s) for i, s in enumerate(scores)}, TiePolicy.COMPETITION)


def grades(results):
    return [r.grade for r in results.values()]


NO_QUOTA = (GradeBand("优秀", D(90)), GradeBand("良好", D(78)))


def test_thresholds_are_inclusive_and_fallback_applies_below_every_band():
    results = grade(ranked(95, 90, "89.99", 78, 77), GradeScheme(NO_QUOTA, "一般"))
    assert grades(results) == ["优秀", "优秀", "良好", "良好", "一般"]
    results = grade(ranked(95, 90, 80, 50), GradeScheme(NO_QUOTA))
    assert grades(results) == ["优秀", "优秀", "良好", None]


def test_quota_pushes_the_lowest_ranked_excess_down():
    results = grade(ranked(99, 98, 97, 96, 95, 94, 93, 92, 91, 90), SCHEME)
    assert grades(results) == ["优秀"] * 3 + ["良好"] * 7
    assert results["u3"].notes == ("名额限制降档",)
    assert results["u2"].notes == ()


def test_quota_is_floored_and_can_be_zero():
    assert grades(grade(ranked(99, 98, 97), SCHEME)) == ["良好"] * 3  # floor(0.9) = 0


def test_pushed_units_are_rechecked_against_the_next_quota():
    scheme = GradeScheme(
        (GradeBand("优秀", D(90), D("0.3")), GradeBand("良好", D(78), D("0.5"))), "一般"
    )
    results = grade(ranked(99, 98, 97, 96, 95, 94, 93, 92, 80, 60), scheme)
    assert grades(results) == ["优秀"] * 3 + ["良好"] * 5 + ["一般"] * 2
    assert results["u8"].notes == ("名额限制降档",)
    assert results["u9"].notes == ()


def test_ties_at_the_quota_boundary_follow_the_tie_break():
    scores = {
        "甲": D(95),
        "乙": D(95),
        "丙": D(95),
        "丁": D(95),
        **{f"x{i}": D(50) for i in range(6)},
    }
    order = ["丁", "丙", "乙", "甲"]
    results = grade(
        rank(scores, TiePolicy.COMPETITION, lambda u: order.index(u) if u in order else 9), SCHEME
    )
    assert [u for u, r in results.items() if r.grade == "优秀"] == ["丁", "丙", "乙"]
    assert results["甲"].grade == "良好"


def test_veto_caps_the_grade_and_frees_the_quota_place():
    results = grade(
        ranked(99, 98, 97, 96, 95, 50, 50, 50, 50, 50), SCHEME, veto_caps={"u0": "一般"}
    )
    assert grades(results)[:5] == ["一般", "优秀", "优秀", "优秀", "良好"]
    assert results["u0"].notes == ("一票否决",)
    assert results["u0"].rule_grade == "一般"


def test_veto_never_raises_a_grade():
    results = grade(ranked(60), SCHEME, veto_caps={"u0": "良好"})
    assert results["u0"].grade == "一般"
    assert results["u0"].notes == ("一票否决",)


def test_downgrades_add_up_and_stop_at_the_bottom():
    results = grade(
        ranked(99, 98, 97, 60, 50, 50, 50, 50, 50, 50),
        SCHEME,
        downgrades=[
            Downgrade("u0", 1, "信息发布不及时"),
            Downgrade("u1", 1, "A"),
            Downgrade("u1", 1, "B"),
            Downgrade("u2", 5, "严重失误"),
        ],
    )
    assert [results[u].grade for u in ["u0", "u1", "u2"]] == ["良好", "一般", "一般"]
    assert results["u0"].notes == ("降档：信息发布不及时",)
    assert results["u1"].notes == ("降档：A", "降档：B")


def test_downgrade_without_fallback_means_no_grade():
    results = grade(ranked(80), GradeScheme(SCHEME.bands), downgrades=[Downgrade("u0", 1, "x")])
    assert results["u0"].grade is None


def test_adjustment_sets_the_final_grade_and_is_always_flagged():
    results = grade(
        ranked(95, 85, 85),
        SCHEME,
        adjustments=[
            Adjustment("u1", "优秀", "经考核委员会研究"),
            Adjustment("u2", "良好", "复核无误"),
        ],
    )
    assert results["u1"] == GradeResult("u1", "良好", "优秀", True, ("调整：经考核委员会研究",))
    assert results["u2"] == GradeResult("u2", "良好", "良好", True, ("调整：复核无误",))
    assert results["u0"].adjusted is False


def test_adjustment_to_no_grade_is_allowed():
    results = grade(ranked(95), SCHEME, adjustments=[Adjustment("u0", None, "不参加评定")])
    assert results["u0"].grade is None and results["u0"].rule_grade == "良好"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Adjustment("u0", "优秀", "  "), "必须填写理由"),
        (lambda: Downgrade("u0", 0, "x"), "不小于1"),
        (lambda: Downgrade("u0", 1, ""), "注明原因"),
        (lambda: GradeBand("", D(1)), "不能为空"),
        (lambda: GradeBand("优秀", D(90), D("1.5")), "名额比例"),
        (lambda: GradeScheme((GradeBand("良好", D(78)), GradeBand("优秀", D(90)))), "从高到低"),
        (lambda: GradeScheme((GradeBand("优秀", D(90)),), "优秀"), "不能重复"),
        (lambda: grade(ranked(1), SCHEME, veto_caps={"zz": "一般"}), "不在本组排名中：zz"),
        (lambda: grade(ranked(1), SCHEME, veto_caps={"u0": "差"}), "未定义的等次：差"),
        (lambda: grade(ranked(1), SCHEME, adjustments=[Adjustment("u0", "差", "x")]), "未定义"),
        (
            lambda: grade(ranked(1), SCHEME, adjustments=[Adjustment("u0", "优秀", "x")] * 2),
            "只能有一条",
        ),
    ],
)
def test_bad_parameters_are_rejected_in_chinese(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_count_grades_counts_final_grades():
    results = grade(
        ranked(99, 98, 97, 96, 95, 80, 70, 70, 70, 70),
        SCHEME,
        adjustments=[Adjustment("u9", None, "免于评定")],
    )
    assert count_grades(results) == {"优秀": 3, "良好": 3, "一般": 3}
    assert count_grades(list(results.values())) == {"优秀": 3, "良好": 3, "一般": 3}


# --- properties --------------------------------------------------------------------------

score_lists = st.lists(st.integers(60, 100).map(D), min_size=1, max_size=25)
quotas = st.sampled_from([None, D("0.1"), D("0.3"), D("0.5"), D(1), D(0)])


@st.composite
def situations(draw):
    scores = draw(score_lists)
    scheme = GradeScheme(
        (
            GradeBand("优秀", D(90), draw(quotas)),
            GradeBand("良好", D(80), draw(quotas)),
            GradeBand("合格", D(70), draw(quotas)),
        ),
        draw(st.sampled_from(["不合格", None])),
    )
    units = list(range(len(scores)))
    vetoed = draw(st.lists(st.sampled_from(units), unique=True))
    caps = {u: draw(st.sampled_from(["良好", "合格"])) for u in vetoed}
    hits = [
        Downgrade(u, draw(st.integers(1, 3)), "x") for u in draw(st.lists(st.sampled_from(units)))
    ]
    return dict(zip(units, scores, strict=True)), scheme, caps, hits


@given(situations(), st.sampled_from(list(TiePolicy)))
def test_quotas_are_never_exceeded(situation, policy):
    scores, scheme, caps, hits = situation
    results = grade(rank(scores, policy), scheme, caps, hits)
    counts = count_grades(results)
    for band in scheme.bands:
        if band.quota is not None:
            assert counts.get(band.grade, 0) <= int(band.quota * len(scores))


@given(situations(), st.sampled_from(list(TiePolicy)))
def test_grading_is_monotone_in_score_without_vetoes_downgrades_or_adjustments(situation, policy):
    scores, scheme, _, _ = situation
    results = grade(rank(scores, policy), scheme)
    levels = {u: scheme.grades.index(r.grade) for u, r in results.items()}
    for a in scores:
        for b in scores:
            if scores[a] > scores[b]:
                assert levels[a] <= levels[b]


@given(situations())
def test_vetoes_and_downgrades_only_move_down(situation):
    """Nobody ends above what their score earns; a hit unit ends at least as low as its hit.

    (A hit unit may still end better than it would without any hits at all: another unit's
    downgrade can free a quota place for it.)
    """
    scores, scheme, caps, hits = situation
    results = grade(rank(scores, TiePolicy.COMPETITION), scheme, caps, hits)
    level = {u: scheme.grades.index(r.rule_grade) for u, r in results.items()}
    for unit, score in scores.items():
        assert level[unit] >= scheme.threshold_level(score)
        assert results[unit].grade == results[unit].rule_grade and not results[unit].adjusted
    for unit, cap in caps.items():
        assert level[unit] >= scheme.level_of(cap)
        assert "一票否决" in results[unit].notes
    for unit in {d.unit for d in hits}:
        steps = sum(d.steps for d in hits if d.unit == unit)
        assert level[unit] >= min(scheme.threshold_level(scores[unit]) + steps, scheme.bottom)


@given(situations())
def test_without_quotas_or_adjustments_grades_follow_thresholds(situation):
    scores, scheme, _, _ = situation
    scheme = GradeScheme(tuple(GradeBand(b.grade, b.min_score) for b in scheme.bands), "差")
    for unit, result in grade(rank(scores, TiePolicy.DENSE), scheme).items():
        expected = next((b.grade for b in scheme.bands if scores[unit] >= b.min_score), "差")
        assert result.grade == expected and result.notes == ()
