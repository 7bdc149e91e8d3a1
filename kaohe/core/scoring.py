"""Turn one ranking group's ledger into scorecard totals.

Scoring works column by column (one leaf indicator across all units of the group) rather
than unit by unit: PROPORTIONAL and RANK_TABLE need the whole column anyway, and it keeps
the hot loop to plain list comprehensions, which is what makes 5,000 units x 60 leaves
fast enough to rescore on every page view.

Every node score is rounded to cents, so that the parts shown on a scorecard add up
exactly to the totals shown next to them.
"""

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .numbers import CENT, quantize
from .rules import ZERO, Cell, IndicatorSpec, RuleKind, validate_tree, walk

Column = list[Decimal]  # one value per unit, in the order of `units`
CellColumn = list[Cell | None]  # None: the unit has no records for this indicator


@dataclass(frozen=True, slots=True)
class UnitScore:
    unit: Hashable
    total: Decimal  # in [0, full_marks], quantized
    by_indicator: Mapping[Hashable, Decimal]  # every node of the tree, keyed by IndicatorSpec.key
    vetoed_by: tuple[Hashable, ...] = ()  # keys of VETO indicators triggered, in tree order
    veto_grade: str | None = (
        None  # grade cap of the first triggered veto (in tree order) that has one
    )


@dataclass(frozen=True, slots=True)
class ExplainNode:
    key: Hashable
    code: str
    name: str
    points: Decimal
    score: Decimal
    children: tuple["ExplainNode", ...] = ()
    kind: RuleKind | None = None  # None for an inner node
    counts_to_total: bool = True


def score_group(
    tree: Sequence[IndicatorSpec],
    full_marks: Decimal,
    units: Sequence[Hashable],
    cells: Mapping[Hashable, Mapping[Hashable, Cell]],
) -> dict[Hashable, UnitScore]:
    """Score every unit of one ranking group (the peers PROPORTIONAL and RANK_TABLE compare).

    `cells` is the ledger by leaf, then by unit (``cells[leaf_key][unit]``) — the column
    layout this module scores in. It may hold more than this group (e.g. the whole ledger); only (unit, leaf) pairs
    of this group and tree are read.
    """
    validate_tree(tree, full_marks)
    units = list(units)
    if len(set(units)) != len(units):
        raise ValueError("同一排名组中的单位不能重复")
    columns: dict[Hashable, Column] = {}
    for node in tree:
        _score_node(node, units, cells, columns)
    totals = _totals(tree, full_marks, len(units), columns)
    vetoes = _vetoes(tree, units, cells)
    result = {}
    for index, unit in enumerate(units):
        hits = [node for node, triggered in vetoes if triggered[index]] if vetoes else []
        result[unit] = UnitScore(
            unit=unit,
            total=_apply_vetoes(totals[index], hits) if hits else totals[index],
            by_indicator=_Row(columns, index),
            vetoed_by=tuple(node.key for node in hits),
            veto_grade=next((n.rule.veto_grade for n in hits if n.rule.veto_grade), None),
        )
    return result


class _Row(Mapping):
    """One unit's node scores, read from the group's columns on demand: building 70-entry
    dicts for 15,000 units would cost more than scoring them."""

    __slots__ = ("_columns", "_index")

    def __init__(self, columns: dict[Hashable, Column], index: int) -> None:
        self._columns, self._index = columns, index

    def __getitem__(self, key: Hashable) -> Decimal:
        return self._columns[key][self._index]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def _score_node(
    node: IndicatorSpec,
    units: list[Hashable],
    cells: Mapping[Hashable, Mapping[Hashable, Cell]],
    columns: dict[Hashable, Column],
) -> Column:
    """Fill `columns` for `node` and its subtree; an inner node is its counted children, capped."""
    if node.rule is not None:
        raw = _LEAF_SCORERS[node.rule.kind](node, _cell_column(cells, units, node.key))
        # Only a division (PROPORTIONAL) leaves the cents that points and cells are kept in.
        column = _clamp(raw, _ceiling(node), round_cents=node.rule.kind is RuleKind.PROPORTIONAL)
    else:
        child_columns = [_score_node(child, units, cells, columns) for child in node.children]
        counted = [
            col
            for child, col in zip(node.children, child_columns, strict=True)
            if child.counts_to_total
        ]
        points = node.points
        column = [min(points, sum(row, ZERO)) for row in zip(*counted, strict=True)] or [
            ZERO
        ] * len(units)
    columns[node.key] = column
    return column


def _cell_column(
    cells: Mapping[Hashable, Mapping[Hashable, Cell]], units: list[Hashable], key: Hashable
) -> CellColumn:
    """The leaf's cell of every unit (None: no records); map keeps the lookups in C."""
    column = cells.get(key)
    return list(map(column.get, units)) if column else [None] * len(units)


def _ceiling(node: IndicatorSpec) -> Decimal:
    """A leaf never scores above its points, except a BONUS with its own cap."""
    rule = node.rule
    return rule.cap if rule.kind is RuleKind.BONUS and rule.cap is not None else node.points


def _clamp(raw: Column, ceiling: Decimal, round_cents: bool) -> Column:
    """Round to cents where needed, then clamp, so a value never pokes out of [0, ceiling].

    Written as flat comprehensions because this runs once per cell of the group.
    """
    if round_cents:
        raw = [value.quantize(CENT, ROUND_HALF_UP) for value in raw]
    return [ZERO if v < ZERO else ceiling if v > ceiling else v for v in raw]


def _totals(
    tree: Sequence[IndicatorSpec], full_marks: Decimal, n: int, columns: dict[Hashable, Column]
) -> Column:
    """Top-level counted nodes, plus every uncounted BONUS wherever it sits, within full marks."""
    parts = [columns[node.key] for node in tree if node.counts_to_total]
    parts += [
        columns[node.key]
        for node in walk(tree)
        if not node.counts_to_total and node.rule and node.rule.kind is RuleKind.BONUS
    ]
    sums = [sum(row, ZERO) for row in zip(*parts, strict=True)] or [ZERO] * n
    return _clamp(sums, full_marks, round_cents=False)


def _vetoes(
    tree: Sequence[IndicatorSpec],
    units: list[Hashable],
    cells: Mapping[Hashable, Mapping[Hashable, Cell]],
) -> list[tuple[IndicatorSpec, list[bool]]]:
    """For each VETO leaf in tree order: which units have at least one record against it."""
    result = []
    for node in walk(tree):
        if node.rule and node.rule.kind is RuleKind.VETO:
            column = _cell_column(cells, units, node.key)
            result.append((node, [cell is not None and cell.count > 0 for cell in column]))
    return result


def _apply_vetoes(total: Decimal, hits: list[IndicatorSpec]) -> Decimal:
    """A veto caps the total at its veto_score; it never raises a total that is already lower."""
    caps = [node.rule.veto_score for node in hits if node.rule.veto_score is not None]
    return min([total, *caps])


# --- leaf rules: each returns one unclamped value per unit -------------------------------


def _deduct(node: IndicatorSpec, cells: CellColumn) -> Column:
    points = node.points
    cap = node.rule.cap if node.rule.cap is not None else points
    return [points if c is None else points - (cap if c.total > cap else c.total) for c in cells]


def _sum_of_amounts(node: IndicatorSpec, cells: CellColumn) -> Column:
    return [ZERO if c is None else c.total for c in cells]


def _fixed(node: IndicatorSpec, cells: CellColumn) -> Column:
    points = node.points
    return [points if c is not None and c.total > 0 else ZERO for c in cells]


def _proportional(node: IndicatorSpec, cells: CellColumn) -> Column:
    values = _sum_of_amounts(node, cells)
    best = max(values, default=ZERO)
    if best <= 0:
        return [ZERO] * len(values)
    return [node.points * value / best for value in values]


def _rank_table(node: IndicatorSpec, cells: CellColumn) -> Column:
    """Competition ranking (1,2,2,4): a unit's rank is 1 + the number of peers strictly ahead."""
    values = _sum_of_amounts(node, cells)
    rank_of: dict[Decimal, int] = {}
    for position, value in enumerate(sorted(values, reverse=True), start=1):
        rank_of.setdefault(value, position)
    table = dict(node.rule.table)
    return [table.get(rank_of[value], node.rule.table_else) for value in values]


def _checklist(node: IndicatorSpec, cells: CellColumn) -> Column:
    item_points = node.rule.item_points()
    by_items: dict[frozenset[str], Decimal] = {}  # few distinct item sets recur across units
    result = []
    for cell in cells:
        if cell is None:
            result.append(ZERO)
        elif cell.items in by_items:
            result.append(by_items[cell.items])
        else:
            by_items[cell.items] = _checklist_value(node, item_points, cell.items)
            result.append(by_items[cell.items])
    return result


def _checklist_value(
    node: IndicatorSpec, item_points: dict[str, Decimal], items: frozenset[str]
) -> Decimal:
    unknown = items - item_points.keys()
    if unknown:
        raise ValueError(f"指标{node.code}（{node.name}）没有检查项：{'、'.join(sorted(unknown))}")
    return sum((item_points[code] for code in items), ZERO)


def _veto(node: IndicatorSpec, cells: CellColumn) -> Column:
    return [ZERO] * len(cells)


_LEAF_SCORERS: dict[RuleKind, Callable[[IndicatorSpec, CellColumn], Column]] = {
    RuleKind.DEDUCT: _deduct,
    RuleKind.AWARD: _sum_of_amounts,
    RuleKind.FIXED: _fixed,
    RuleKind.PROPORTIONAL: _proportional,
    RuleKind.RANK_TABLE: _rank_table,
    RuleKind.CHECKLIST: _checklist,
    RuleKind.BONUS: _sum_of_amounts,
    RuleKind.VETO: _veto,
}


# --- presenting and combining -------------------------------------------------------------


def explain(
    tree: Sequence[IndicatorSpec], full_marks: Decimal, unit_score: UnitScore
) -> list[ExplainNode]:
    """The scorecard of one unit as a nested outline, for the detail page and the export.

    `full_marks` is only used to validate the tree the same way score_group does, so a
    scorecard is never explained against a scheme it could not have been scored with.
    """
    validate_tree(tree, full_marks)
    return [_explain_node(node, unit_score.by_indicator) for node in tree]


def _explain_node(node: IndicatorSpec, scores: Mapping[Hashable, Decimal]) -> ExplainNode:
    return ExplainNode(
        key=node.key,
        code=node.code,
        name=node.name,
        points=node.points,
        score=scores[node.key],
        children=tuple(_explain_node(child, scores) for child in node.children),
        kind=node.rule.kind if node.rule else None,
        counts_to_total=node.counts_to_total,
    )


def combine(
    totals: Mapping[str, Decimal | None], weights: Mapping[str, Decimal], method: str
) -> Decimal | None:
    """The overall result of one unit from its scorecard totals (None = not assessed by it).

    "weighted": sum(w * s) / sum(w) over the scorecards that assess the unit, so a unit is
    not penalised for a scorecard that does not apply to it; a weight of 0 means "does not
    count", so a unit assessed only by such scorecards has no overall result (None).
    "first": the total of the first scorecard, in `weights` order, that assesses the unit.
    """
    unknown = [name for name in totals if name not in weights]
    if unknown:
        raise ValueError(f"考核表没有设置权重：{'、'.join(map(str, unknown))}")
    assessed = [(name, totals[name]) for name in weights if totals.get(name) is not None]
    if method == "first":
        return assessed[0][1] if assessed else None
    if method != "weighted":
        raise ValueError(f"不支持的汇总方式：{method}（应为 weighted 或 first）")
    if any(not w.is_finite() or w < 0 for w in weights.values()):
        raise ValueError("加权汇总的权重不能小于0")
    counted = [(weights[name], total) for name, total in assessed if weights[name] > 0]
    if not counted:
        return None
    weighted = sum((weight * total for weight, total in counted), ZERO)
    return quantize(weighted / sum((weight for weight, _ in counted), ZERO))
