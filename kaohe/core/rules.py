"""How an indicator turns its ledger into points: the vocabulary of the assessment scheme.

The scheme (考核细则) is configured by people, so every parameter is checked up front with
a message a clerk can act on, rather than producing a silently wrong score later.
"""

import enum
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import CENT, quantize

ZERO = Decimal(0)


class RuleKind(enum.StrEnum):
    DEDUCT = "deduct"  # 扣分制: points - min(sum of deductions, cap); never below 0 ("扣完为止")
    AWARD = "award"  # 直接赋分: sum of awarded amounts, clamped to [0, points]
    FIXED = "fixed"  # 达标得分: points if the records add up to more than 0, else 0
    PROPORTIONAL = "proportional"  # points * value / best value among peers; best <= 0 -> 0
    RANK_TABLE = (
        "rank_table"  # value ranked among peers (descending, competition); points from table
    )
    CHECKLIST = "checklist"  # sum of item points for the distinct items recorded, capped at points
    BONUS = "bonus"  # sum of amounts, clamped to [0, cap]; cap defaults to points
    VETO = "veto"  # 一票否决: any record triggers; indicator scores 0; the unit's total/grade is capped


@dataclass(frozen=True, slots=True)
class Rule:
    kind: RuleKind
    cap: Decimal | None = None  # DEDUCT: max total deduction (default: points); BONUS: max bonus
    table: tuple[tuple[int, Decimal], ...] = ()  # RANK_TABLE: (rank, points); others get table_else
    table_else: Decimal = ZERO
    items: tuple[tuple[str, Decimal], ...] = ()  # CHECKLIST: (item code, points)
    veto_score: Decimal | None = None  # VETO: the unit's scorecard total is capped at this
    veto_grade: str | None = None  # VETO: the unit's grade may be at most this grade

    def validate(self, points: Decimal) -> None:
        """Reject parameters that contradict the kind or the indicator's points (ValueError)."""
        _require(_finite(points) and points >= 0, f"分值必须是不小于0的数字：{points}")
        _require(
            self.cap is None or self.kind in (RuleKind.DEDUCT, RuleKind.BONUS),
            "只有扣分制和加分项可以设置上限",
        )
        _require(
            not (self.table or self.table_else) or self.kind is RuleKind.RANK_TABLE,
            "只有按名次赋分的指标可以设置名次分值表",
        )
        _require(
            not self.items or self.kind is RuleKind.CHECKLIST, "只有清单计分的指标可以设置检查项"
        )
        _require(
            (self.veto_score is None and self.veto_grade is None) or self.kind is RuleKind.VETO,
            "只有一票否决指标可以设置否决后的得分或等次",
        )
        _CHECKS.get(self.kind, _no_check)(self, points)
        amounts = [points, self.cap, self.table_else, self.veto_score]
        amounts += [pts for _rank, pts in self.table] + [pts for _item, pts in self.items]
        _require(
            all(a is None or not _finite(a) or _is_cents(a) for a in amounts),
            "分值和规则参数最多保留两位小数",
        )

    def item_points(self) -> dict[str, Decimal]:
        """CHECKLIST items as a lookup table."""
        return dict(self.items)


def _is_cents(value: Decimal) -> bool:
    """Points are kept in cents, which lets scoring skip rounding on every cell."""
    return value == value.quantize(CENT)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _finite(value: object) -> bool:
    return isinstance(value, Decimal | int) and Decimal(value).is_finite()


def _no_check(rule: Rule, points: Decimal) -> None:
    return None


def _check_deduct(rule: Rule, points: Decimal) -> None:
    if rule.cap is not None:
        _require(
            _finite(rule.cap) and 0 <= rule.cap <= points, f"扣分上限必须在0到分值{points}之间"
        )


def _check_bonus(rule: Rule, points: Decimal) -> None:
    if rule.cap is not None:
        _require(_finite(rule.cap) and rule.cap >= 0, "加分上限必须是不小于0的数字")


def _check_rank_table(rule: Rule, points: Decimal) -> None:
    _require(bool(rule.table), "按名次赋分的指标必须设置名次分值表")
    ranks = [rank for rank, _ in rule.table]
    _require(all(isinstance(r, int) and r >= 1 for r in ranks), "名次必须是从1开始的整数")
    _require(len(set(ranks)) == len(ranks), "名次分值表中的名次不能重复")
    for value in [value for _, value in rule.table] + [rule.table_else]:
        _require(_finite(value) and 0 <= value <= points, f"名次得分必须在0到分值{points}之间")


def _check_checklist(rule: Rule, points: Decimal) -> None:
    _require(bool(rule.items), "清单计分的指标必须设置检查项")
    codes = [code for code, _ in rule.items]
    _require(all(codes), "检查项编号不能为空")
    _require(len(set(codes)) == len(codes), "检查项编号不能重复")
    _require(all(_finite(v) and v >= 0 for _, v in rule.items), "检查项分值必须是不小于0的数字")


def _check_veto(rule: Rule, points: Decimal) -> None:
    if rule.veto_score is not None:
        _require(
            _finite(rule.veto_score) and rule.veto_score >= 0, "否决后的得分必须是不小于0的数字"
        )
    _require(rule.veto_grade is None or bool(rule.veto_grade), "否决后的等次不能为空字符串")


_CHECKS = {
    RuleKind.DEDUCT: _check_deduct,
    RuleKind.BONUS: _check_bonus,
    RuleKind.RANK_TABLE: _check_rank_table,
    RuleKind.CHECKLIST: _check_checklist,
    RuleKind.VETO: _check_veto,
}


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    key: Hashable  # caller's id
    code: str  # e.g. "1.2"
    name: str
    points: Decimal  # already resolved for the category being scored
    rule: Rule | None  # None for an inner node (score = sum of children, capped at points)
    children: tuple["IndicatorSpec", ...] = ()
    counts_to_total: bool = True  # False: left out of the parent's sum (BONUS adds on top instead)

    @property
    def is_leaf(self) -> bool:
        return self.rule is not None


@dataclass(frozen=True, slots=True)
class Cell:
    """The ledger aggregated for one (unit, leaf indicator)."""

    total: Decimal  # sum of record amounts (deductions are positive amounts)
    count: int  # number of active records
    items: frozenset[str] = field(default_factory=frozenset)  # CHECKLIST item codes recorded

    def __post_init__(self) -> None:
        # The ledger is kept in cents; rounding once here lets scoring skip it on every cell.
        object.__setattr__(self, "total", quantize(self.total))


def walk(tree: Sequence[IndicatorSpec]) -> Iterator[IndicatorSpec]:
    """Every node, parents before children, in tree order (the order of the notice)."""
    for node in tree:
        yield node
        yield from walk(node.children)


def validate_tree(tree: Sequence[IndicatorSpec], full_marks: Decimal) -> None:
    """Check the whole scheme once, so scoring itself can stay a tight loop."""
    _require(_finite(full_marks) and full_marks > 0, f"满分必须是大于0的数字：{full_marks}")
    seen: set[Hashable] = set()
    for node in walk(tree):
        label = f"指标{node.code}（{node.name}）"
        _require(node.key not in seen, f"{label}的编号重复：{node.key!r}")
        seen.add(node.key)
        _require(_finite(node.points) and node.points >= 0, f"{label}的分值必须是不小于0的数字")
        _require(
            node.is_leaf != bool(node.children),
            f"{label}必须要么设置计分规则（末级指标），要么包含下级指标，不能两者都有或都没有",
        )
        if node.rule is not None:
            try:
                node.rule.validate(node.points)
            except ValueError as exc:
                raise ValueError(f"{label}：{exc}") from exc
            vetoed = node.rule.veto_score
            _require(vetoed is None or vetoed <= full_marks, f"{label}：否决后的得分不能超过满分")
