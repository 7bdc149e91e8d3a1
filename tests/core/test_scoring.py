from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.core.rules import Cell, IndicatorSpec, Rule, RuleKind
from kaohe.core.scoring import ExplainNode, UnitScore, combine, explain
from kaohe.core.scoring import score_group as score_by_leaf


def score_group(tree, full_marks, units, cells):
    """The tests write cells as {(unit, leaf): Cell}; the core reads them by leaf, then unit."""
    by_leaf = {}
    for (unit, leaf), cell in cells.items():
        by_leaf.setdefault(leaf, {})[unit] = cell
    return score_by_leaf(tree, full_marks, units, by_leaf)


def leaf(key, points, rule, counts_to_total=True):
    return IndicatorSpec(key, key, f"指标{key}", D(points), rule, (), counts_to_total)


def group(key, points, *children):
    return IndicatorSpec(key, key, f"指标{key}", D(points), None, tuple(children))


def cell(total, count=1, items=()):
    return Cell(D(total), count, frozenset(items))


def score_one(spec, cells_by_unit, full_marks=100):
    """Score a one-leaf tree; returns {unit: leaf score}."""
    units = list(cells_by_unit)
    cells = {(u, spec.key): c for u, c in cells_by_unit.items() if c is not None}
    scores = score_group([spec], D(full_marks), units, cells)
    return {u: s.by_indicator[spec.key] for u, s in scores.items()}


# --- each RuleKind ----------------------------------------------------------------------


def test_deduct_takes_off_deductions_until_nothing_is_left():
    spec = leaf("1", 5, Rule(RuleKind.DEDUCT))
    got = score_one(spec, {"none": None, "some": cell("1.5", 2), "lots": cell(12, 7)})
    assert got == {"none": D(5), "some": D("3.5"), "lots": D(0)}


def test_deduct_cap_limits_total_deduction():
    spec = leaf("1", 5, Rule(RuleKind.DEDUCT, cap=D(2)))
    assert score_one(spec, {"a": cell(1), "b": cell(9)}) == {"a": D(4), "b": D(3)}


def test_deduct_negative_total_never_exceeds_points():
    spec = leaf("1", 5, Rule(RuleKind.DEDUCT))
    assert score_one(spec, {"a": cell(-3)}) == {"a": D(5)}


def test_award_is_sum_clamped_to_points():
    spec = leaf("1", 4, Rule(RuleKind.AWARD))
    got = score_one(spec, {"none": None, "a": cell("2.5"), "b": cell(9), "c": cell(-1)})
    assert got == {"none": D(0), "a": D("2.5"), "b": D(4), "c": D(0)}


def test_fixed_is_all_or_nothing():
    spec = leaf("1", 3, Rule(RuleKind.FIXED))
    got = score_one(spec, {"none": None, "zero": cell(0), "done": cell("0.1")})
    assert got == {"none": D(0), "zero": D(0), "done": D(3)}


def test_proportional_compares_with_the_best_peer_and_rounds_to_cents():
    spec = leaf("1", 10, Rule(RuleKind.PROPORTIONAL))
    got = score_one(spec, {"best": cell(9), "a": cell(7), "b": cell(3), "none": None})
    assert got == {"best": D(10), "a": D("7.78"), "b": D("3.33"), "none": D(0)}


def test_proportional_without_a_positive_best_gives_zero():
    spec = leaf("1", 10, Rule(RuleKind.PROPORTIONAL))
    assert score_one(spec, {"a": cell(0), "b": cell(-2), "c": None}) == {
        "a": D(0),
        "b": D(0),
        "c": D(0),
    }


def test_rank_table_uses_competition_ranking():
    table = ((1, D(5)), (2, D(4)), (3, D(3)), (4, D(2)))
    spec = leaf("1", 5, Rule(RuleKind.RANK_TABLE, table=table, table_else=D(1)))
    got = score_one(
        spec, {"a": cell(9), "b": cell(8), "c": cell("8.0"), "d": cell(1), "e": None, "f": cell(0)}
    )
    # ranks: a1 b2 c2 d4 e5 f5
    assert got == {"a": D(5), "b": D(4), "c": D(4), "d": D(2), "e": D(1), "f": D(1)}


def test_checklist_counts_distinct_items_capped_at_points():
    items = (("a", D(1)), ("b", D(2)), ("c", D("1.5")))
    spec = leaf("1", 4, Rule(RuleKind.CHECKLIST, items=items))
    got = score_one(
        spec,
        {"none": None, "ab": cell(0, 3, "ab"), "abc": cell(0, 3, "abc"), "empty": cell(0, 0)},
    )
    assert got == {"none": D(0), "ab": D(3), "abc": D(4), "empty": D(0)}


def test_checklist_rejects_unknown_items():
    spec = leaf("1", 4, Rule(RuleKind.CHECKLIST, items=(("a", D(1)),)))
    with pytest.raises(ValueError, match="没有检查项：x"):
        score_one(spec, {"u": cell(0, 1, "ax")})


def test_bonus_is_clamped_to_its_cap():
    spec = leaf("B", 3, Rule(RuleKind.BONUS), counts_to_total=False)
    assert score_one(spec, {"a": cell(2), "b": cell(7), "c": cell(-1)}) == {
        "a": D(2),
        "b": D(3),
        "c": D(0),
    }
    capped = leaf("B", 3, Rule(RuleKind.BONUS, cap=D(1)), counts_to_total=False)
    assert score_one(capped, {"a": cell(2)}) == {"a": D(1)}


def test_veto_scores_zero():
    spec = leaf("V", 0, Rule(RuleKind.VETO), counts_to_total=False)
    assert score_one(spec, {"a": cell(1), "b": None}) == {"a": D(0), "b": D(0)}


# --- the tree and the total --------------------------------------------------------------

TREE = [
    group(
        "1",
        30,
        leaf("1.1", 20, Rule(RuleKind.DEDUCT)),
        leaf("1.2", 15, Rule(RuleKind.AWARD)),
    ),
    group("2", 70, leaf("2.1", 70, Rule(RuleKind.DEDUCT))),
    leaf("B", 5, Rule(RuleKind.BONUS), counts_to_total=False),
    leaf("V1", 0, Rule(RuleKind.VETO, veto_grade="一般"), counts_to_total=False),
    leaf("V2", 0, Rule(RuleKind.VETO, veto_score=D(0), veto_grade="较差"), counts_to_total=False),
]


def test_inner_node_is_sum_of_children_capped_at_its_points():
    scores = score_group(TREE, D(100), ["u"], {("u", "1.2"): cell(12)})
    assert scores["u"].by_indicator["1"] == D(30)  # 20 + 12 capped at 30
    scores = score_group(TREE, D(100), ["u"], {("u", "1.1"): cell(15), ("u", "1.2"): cell(4)})
    assert scores["u"].by_indicator["1"] == D(9)


def test_total_adds_bonus_on_top_but_stays_within_full_marks():
    cells = {
        ("u", "1.1"): cell(10),
        ("u", "B"): cell(4),
        ("w", "1.2"): cell(10),
        ("w", "B"): cell(4),
    }
    scores = score_group(TREE, D(100), ["u", "w"], cells)
    assert scores["u"].total == D(84)  # (20 - 10) + 0 + 70 + 4
    assert scores["w"].total == D(100)  # 30 + 70 + 4, clamped
    assert str(scores["u"].total) == "84.00"


def test_uncounted_non_bonus_node_is_shown_but_not_added():
    tree = [leaf("1", 100, Rule(RuleKind.DEDUCT)), leaf("ref", 10, Rule(RuleKind.AWARD), False)]
    scores = score_group(tree, D(100), ["u"], {("u", "ref"): cell(6)})
    assert scores["u"].by_indicator["ref"] == D(6)
    assert scores["u"].total == D(100)


def test_every_node_is_reported_and_missing_cells_mean_no_records():
    scores = score_group(TREE, D(100), ["u"], {})
    assert scores["u"] == UnitScore(
        unit="u",
        total=D("90.00"),
        by_indicator={
            "1": D(20),
            "1.1": D(20),
            "1.2": D(0),
            "2": D(70),
            "2.1": D(70),
            "B": D(0),
            "V1": D(0),
            "V2": D(0),
        },
    )


def test_cells_of_other_units_and_indicators_are_ignored():
    cells = {("stranger", "1.1"): cell(99), ("u", "not-a-leaf"): cell(5)}
    assert score_group(TREE, D(100), ["u"], cells)["u"].total == D(90)


def test_veto_sets_total_and_reports_first_grade_cap_in_tree_order():
    cells = {("u", "V2"): cell(1), ("u", "V1"): cell(1), ("w", "V1"): cell(1, 2)}
    scores = score_group(TREE, D(100), ["u", "w", "x"], cells)
    assert scores["u"].total == D(0)
    assert scores["u"].vetoed_by == ("V1", "V2")
    assert scores["u"].veto_grade == "一般"
    assert scores["w"].total == D(90)  # V1 caps the grade only
    assert (scores["w"].vetoed_by, scores["w"].veto_grade) == (("V1",), "一般")
    assert (scores["x"].vetoed_by, scores["x"].veto_grade) == ((), None)


def test_veto_needs_an_active_record():
    scores = score_group(TREE, D(100), ["u"], {("u", "V2"): cell(0, count=0)})
    assert scores["u"].vetoed_by == ()


def test_veto_score_caps_but_never_raises_a_total():
    tree = [
        leaf("1", 100, Rule(RuleKind.DEDUCT)),
        leaf("V", 0, Rule(RuleKind.VETO, veto_score=D(60)), counts_to_total=False),
    ]
    cells = {("low", "1"): cell(50), ("low", "V"): cell(1), ("high", "V"): cell(1)}
    scores = score_group(tree, D(100), ["low", "high"], cells)
    assert scores["low"].total == D(50)
    assert scores["high"].total == D(60)


def test_empty_group_and_empty_tree():
    assert score_group(TREE, D(100), [], {}) == {}
    assert score_group([], D(100), ["u"], {})["u"].total == D(0)


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ([leaf("1", 5, Rule(RuleKind.DEDUCT)), leaf("1", 5, Rule(RuleKind.AWARD))], "编号重复"),
        ([leaf("1", -1, Rule(RuleKind.AWARD))], "分值必须是不小于0的数字"),
        ([group("1", 5)], "要么设置计分规则"),
        ([leaf("1", 5, Rule(RuleKind.DEDUCT, cap=D(6)))], "扣分上限"),
        ([leaf("1", 5, Rule(RuleKind.AWARD, cap=D(1)))], "只有扣分制和加分项"),
        ([leaf("1", 5, Rule(RuleKind.RANK_TABLE))], "必须设置名次分值表"),
        ([leaf("1", 5, Rule(RuleKind.RANK_TABLE, table=((0, D(1)),)))], "从1开始"),
        ([leaf("1", 5, Rule(RuleKind.RANK_TABLE, table=((1, D(6)),)))], "名次得分"),
        ([leaf("1", 5, Rule(RuleKind.RANK_TABLE, table=((1, D(1)), (1, D(2)))))], "不能重复"),
        ([leaf("1", 5, Rule(RuleKind.AWARD, table=((1, D(1)),)))], "只有按名次赋分"),
        ([leaf("1", 5, Rule(RuleKind.CHECKLIST))], "必须设置检查项"),
        ([leaf("1", 5, Rule(RuleKind.CHECKLIST, items=(("a", D(1)), ("a", D(1)))))], "不能重复"),
        ([leaf("1", 5, Rule(RuleKind.AWARD, items=(("a", D(1)),)))], "只有清单计分"),
        ([leaf("1", 5, Rule(RuleKind.AWARD, veto_grade="一般"))], "只有一票否决"),
        ([leaf("1", 0, Rule(RuleKind.VETO, veto_score=D(101)))], "不能超过满分"),
        ([leaf("1", 0, Rule(RuleKind.VETO, veto_score=D(-1)))], "否决后的得分"),
    ],
)
def test_inconsistent_schemes_are_rejected_in_chinese(tree, message):
    with pytest.raises(ValueError, match=message):
        score_group(tree, D(100), ["u"], {})


def test_rule_errors_name_the_indicator():
    with pytest.raises(ValueError, match="指标1（指标1）：扣分上限"):
        score_group([leaf("1", 5, Rule(RuleKind.DEDUCT, cap=D(6)))], D(100), [], {})


def test_bad_full_marks_and_duplicate_units_are_rejected():
    with pytest.raises(ValueError, match="满分必须是大于0的数字"):
        score_group(TREE, D(0), ["u"], {})
    with pytest.raises(ValueError, match="单位不能重复"):
        score_group(TREE, D(100), ["u", "u"], {})


# --- properties --------------------------------------------------------------------------

amounts = st.decimals(min_value=-20, max_value=200, places=2)
cell_strategy = st.builds(
    Cell, amounts, st.integers(0, 3), st.frozensets(st.sampled_from("abc"), max_size=3)
)
ALL_KINDS_TREE = [
    group(
        "1",
        40,
        leaf("d", 20, Rule(RuleKind.DEDUCT, cap=D(15))),
        leaf("a", 15, Rule(RuleKind.AWARD)),
        leaf("f", 10, Rule(RuleKind.FIXED)),
    ),
    group(
        "2",
        60,
        leaf("p", 25, Rule(RuleKind.PROPORTIONAL)),
        leaf("r", 25, Rule(RuleKind.RANK_TABLE, table=((1, D(25)), (2, D(20))), table_else=D(5))),
        leaf("c", 10, Rule(RuleKind.CHECKLIST, items=(("a", D(4)), ("b", D(4)), ("c", D(4))))),
    ),
    leaf("B", 8, Rule(RuleKind.BONUS), counts_to_total=False),
    leaf("V", 0, Rule(RuleKind.VETO, veto_score=D(0)), counts_to_total=False),
]
LEAVES = ["d", "a", "f", "p", "r", "c", "B", "V"]
ledgers = st.dictionaries(
    st.tuples(st.integers(0, 5), st.sampled_from(LEAVES)), cell_strategy, max_size=40
)


@settings(max_examples=200)
@given(ledgers, st.sampled_from([D(100), D("90"), D("99.5")]))
def test_total_never_leaves_zero_to_full_marks(cells, full_marks):
    for score in score_group(ALL_KINDS_TREE, full_marks, range(6), cells).values():
        assert D(0) <= score.total <= full_marks
        assert score.total == score.total.quantize(D("0.01"))
        for node_key, points in [("1", 40), ("2", 60), ("d", 20), ("p", 25), ("c", 10)]:
            assert D(0) <= score.by_indicator[node_key] <= points


@given(ledgers)
def test_veto_sets_total(cells):
    for unit, score in score_group(ALL_KINDS_TREE, D(100), range(6), cells).items():
        vetoed = cells.get((unit, "V"), Cell(D(0), 0)).count > 0
        assert (score.vetoed_by == ("V",)) is vetoed
        if vetoed:
            assert score.total == D(0)


@given(ledgers, st.sampled_from(["d", "a", "f"]), cell_strategy)
def test_changing_one_indicator_never_touches_its_siblings(cells, changed, new_cell):
    before = score_group(ALL_KINDS_TREE, D(100), range(6), cells)
    after = score_group(ALL_KINDS_TREE, D(100), range(6), {**cells, (0, changed): new_cell})
    for unit in range(6):
        for key in LEAVES:
            if key != changed:
                assert before[unit].by_indicator[key] == after[unit].by_indicator[key]


@given(ledgers)
def test_units_do_not_affect_each_other_outside_peer_rules(cells):
    """Only PROPORTIONAL and RANK_TABLE look at peers; a unit scored alone keeps the rest."""
    together = score_group(ALL_KINDS_TREE, D(100), range(6), cells)
    for unit in range(6):
        alone = score_group(ALL_KINDS_TREE, D(100), [unit], cells)[unit]
        for key in ["d", "a", "f", "c", "B", "V", "1"]:
            assert alone.by_indicator[key] == together[unit].by_indicator[key]


# --- explain and combine -----------------------------------------------------------------


def test_explain_mirrors_the_tree():
    score = score_group(TREE, D(100), ["u"], {("u", "1.1"): cell(3)})["u"]
    nodes = explain(TREE, D(100), score)
    assert [n.code for n in nodes] == ["1", "2", "B", "V1", "V2"]
    first = nodes[0]
    assert first == ExplainNode(
        key="1",
        code="1",
        name="指标1",
        points=D(30),
        score=D(17),
        children=(
            ExplainNode("1.1", "1.1", "指标1.1", D(20), D(17), (), RuleKind.DEDUCT, True),
            ExplainNode("1.2", "1.2", "指标1.2", D(15), D(0), (), RuleKind.AWARD, True),
        ),
        kind=None,
        counts_to_total=True,
    )
    assert nodes[2].counts_to_total is False and nodes[2].kind is RuleKind.BONUS


def test_combine_weighted_over_assessing_scorecards_only():
    weights = {"公开": D(6), "服务": D(4)}
    assert combine({"公开": D(90), "服务": D(80)}, weights, "weighted") == D("86.00")
    assert combine({"公开": D(90), "服务": None}, weights, "weighted") == D(90)
    assert combine({"服务": D("77.7")}, weights, "weighted") == D("77.70")
    assert combine({"公开": None}, weights, "weighted") is None
    assert combine({"公开": D(2), "服务": D(1)}, {"公开": D(1), "服务": D(2)}, "weighted") == D(
        "1.33"
    )


def test_combine_weight_zero_does_not_count():
    weights = {"公开": D(1), "参考": D(0)}
    assert combine({"公开": D(80), "参考": D(100)}, weights, "weighted") == D(80)
    assert combine({"公开": None, "参考": D(100)}, weights, "weighted") is None
    assert combine({"公开": None, "参考": D(100)}, weights, "first") == D(100)


def test_combine_first_follows_weights_order():
    weights = {"服务": D(1), "公开": D(1)}
    assert combine({"公开": D(90), "服务": D(80)}, weights, "first") == D(80)
    assert combine({"公开": D(90), "服务": None}, weights, "first") == D(90)
    assert combine({}, weights, "first") is None


@pytest.mark.parametrize(
    ("totals", "weights", "method", "message"),
    [
        ({"x": D(1)}, {"公开": D(1)}, "weighted", "没有设置权重：x"),
        ({"公开": D(1)}, {"公开": D(-1)}, "weighted", "权重不能小于0"),
        ({"公开": D(1)}, {"公开": D(1)}, "average", "不支持的汇总方式"),
    ],
)
def test_combine_rejects_bad_parameters(totals, weights, method, message):
    with pytest.raises(ValueError, match=message):
        combine(totals, weights, method)
