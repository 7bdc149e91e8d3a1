"""Turning stored indicators into the pure core's rule and tree objects."""

from collections import defaultdict
from decimal import Decimal

from kaohe.core.numbers import parse_score
from kaohe.core.rules import IndicatorSpec, Rule, RuleKind

from .models import Indicator, Scorecard

# The words an office writes in a sheet for each rule kind.
RULE_NAMES = {
    "扣分": RuleKind.DEDUCT,
    "赋分": RuleKind.AWARD,
    "达标": RuleKind.FIXED,
    "比例": RuleKind.PROPORTIONAL,
    "排名": RuleKind.RANK_TABLE,
    "清单": RuleKind.CHECKLIST,
    "加分": RuleKind.BONUS,
    "否决": RuleKind.VETO,
}


def parse_rule_kind(text: str) -> RuleKind:
    if text in RULE_NAMES:
        return RULE_NAMES[text]
    try:
        return RuleKind(text)
    except ValueError:
        names = "、".join(RULE_NAMES)
        raise ValueError(f"未知规则“{text}”，应为 {names} 之一。") from None


def build_rule(kind: str, params: dict) -> Rule:
    """Params are the JSON an office stores per indicator; numbers may be given as strings."""
    if not isinstance(params, dict):
        raise ValueError("规则参数应为 JSON 对象。")
    known = {"cap", "table", "table_else", "items", "veto_score", "veto_grade"}
    if unknown := set(params) - known:
        raise ValueError(f"未知规则参数：{'、'.join(sorted(unknown))}。")

    def num(value: object) -> Decimal:
        return parse_score(str(value))

    return Rule(
        kind=parse_rule_kind(kind),
        cap=num(params["cap"]) if "cap" in params else None,
        table=tuple(sorted((int(rank), num(pts)) for rank, pts in params.get("table", {}).items())),
        table_else=num(params.get("table_else", 0)),
        items=tuple((str(code), num(pts)) for code, pts in params.get("items", {}).items()),
        veto_score=num(params["veto_score"]) if "veto_score" in params else None,
        veto_grade=params.get("veto_grade"),
    )


def points_for(indicator: Indicator, category_id: int | None) -> Decimal:
    for variant in indicator.category_points.all():
        if variant.category_id == category_id:
            return variant.points
    return indicator.points


def load_indicators(scorecard: Scorecard) -> list[Indicator]:
    return list(
        scorecard.indicators.prefetch_related("category_points").order_by("sort_order", "id")
    )


def build_tree(indicators: list[Indicator], category_id: int | None) -> tuple[IndicatorSpec, ...]:
    """The tree as the core sees it for one category (per-category points resolved)."""
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        children[indicator.parent_id].append(indicator)

    def node(indicator: Indicator) -> IndicatorSpec:
        kids = tuple(node(child) for child in children[indicator.id])
        rule = None if kids else build_rule(indicator.rule_kind, indicator.rule_params)
        return IndicatorSpec(
            key=indicator.id,
            code=indicator.code,
            name=indicator.name,
            points=points_for(indicator, category_id),
            rule=rule,
            children=kids,
            counts_to_total=rule is None or rule.kind not in (RuleKind.BONUS, RuleKind.VETO),
        )

    return tuple(node(top) for top in children[None])


def leaves(tree: tuple[IndicatorSpec, ...]) -> list[IndicatorSpec]:
    found: list[IndicatorSpec] = []
    for spec in tree:
        found.extend(leaves(spec.children) if spec.children else [spec])
    return found
