"""From ranked scores to grades (等次): thresholds, quotas, vetoes, downgrades, adjustments.

Grades are handled as levels: 0 is the best band, len(bands) is the fallback (or "no
grade"). Every rule can only move a unit to a higher level number (down), except a manual
adjustment, which is why adjustments are kept apart and always flagged.

Order of application: thresholds, then veto caps and downgrades, then quotas. Quotas come
last so that a vetoed or downgraded unit does not use up a place in a band it will not get.
"""

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from types import MappingProxyType

from .ranking import Ranked

QUOTA_NOTE = "名额限制降档"
VETO_NOTE = "一票否决"


@dataclass(frozen=True, slots=True)
class GradeBand:
    grade: str  # "优秀"
    min_score: Decimal  # inclusive
    quota: Decimal | None = None  # max share of the group (0.30 = 30%), floor(share * n)

    def __post_init__(self) -> None:
        if not self.grade:
            raise ValueError("等次名称不能为空")
        if not Decimal(self.min_score).is_finite():
            raise ValueError(f"等次“{self.grade}”的分数线不是有效数字")
        if self.quota is not None and not 0 <= self.quota <= 1:
            raise ValueError(f"等次“{self.grade}”的名额比例必须在0到1之间")


@dataclass(frozen=True, slots=True)
class GradeScheme:
    bands: tuple[GradeBand, ...]  # best first, e.g. 优秀 >= 90, 良好 >= 78
    fallback: str | None = None  # grade below every band (e.g. "一般"), or None = no grade

    def __post_init__(self) -> None:
        names = [band.grade for band in self.bands] + [self.fallback]
        if len(set(names)) != len(names):
            raise ValueError("等次名称不能重复")
        lines = [band.min_score for band in self.bands]
        if any(higher <= lower for higher, lower in pairwise(lines)):
            raise ValueError("等次必须从高到低排列，分数线依次降低")

    @property
    def grades(self) -> tuple[str | None, ...]:
        """Grade of each level; the last one is the fallback."""
        return (*(band.grade for band in self.bands), self.fallback)

    @property
    def bottom(self) -> int:
        return len(self.bands)

    def level_of(self, grade: str | None) -> int:
        if grade not in self.grades:
            raise ValueError(f"未定义的等次：{grade}")
        return self.grades.index(grade)

    def threshold_level(self, score: Decimal) -> int:
        return next((i for i, b in enumerate(self.bands) if score >= b.min_score), self.bottom)


@dataclass(frozen=True, slots=True)
class Downgrade:
    unit: Hashable
    steps: int
    reason: str  # 降档 rule hit, shown as "降档：<reason>"

    def __post_init__(self) -> None:
        if not isinstance(self.steps, int) or self.steps < 1:
            raise ValueError("降档档数必须是不小于1的整数")
        if not self.reason.strip():
            raise ValueError("降档必须注明原因")


@dataclass(frozen=True, slots=True)
class Adjustment:
    unit: Hashable
    grade: str | None  # the final grade; None = no grade
    reason: str  # required: a manual override must always be explainable

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("人工调整等次必须填写理由")


@dataclass(frozen=True, slots=True)
class GradeResult:
    unit: Hashable
    rule_grade: str | None  # by thresholds + quotas + vetoes + downgrades
    grade: str | None  # final (after adjustment)
    adjusted: bool
    notes: tuple[str, ...]  # why: "名额限制降档", "一票否决", "降档：…", "调整：…"


def grade(
    ranked: Sequence[Ranked],
    scheme: GradeScheme,
    veto_caps: Mapping[Hashable, str] = MappingProxyType({}),
    downgrades: Sequence[Downgrade] = (),
    adjustments: Sequence[Adjustment] = (),
) -> dict[Hashable, GradeResult]:
    """Grade one ranking group; `ranked` is the whole group as returned by rank()."""
    ordered = [r.unit for r in sorted(ranked, key=lambda r: r.position)]
    _check_inputs(scheme, ordered, veto_caps, downgrades, adjustments)
    levels = {r.unit: scheme.threshold_level(r.score) for r in ranked}
    notes: dict[Hashable, list[str]] = {unit: [] for unit in ordered}
    _apply_veto_caps(scheme, levels, notes, veto_caps)
    _apply_downgrades(scheme, levels, notes, downgrades)
    _apply_quotas(scheme, ordered, levels, notes)
    manual = {a.unit: a for a in adjustments}
    return {
        unit: _result(scheme, unit, levels[unit], notes[unit], manual.get(unit)) for unit in ordered
    }


def _check_inputs(
    scheme: GradeScheme,
    units: list[Hashable],
    veto_caps: Mapping[Hashable, str],
    downgrades: Sequence[Downgrade],
    adjustments: Sequence[Adjustment],
) -> None:
    if len(set(units)) != len(units):
        raise ValueError("排名中的单位不能重复")
    mentioned = [*veto_caps, *(d.unit for d in downgrades), *(a.unit for a in adjustments)]
    known = set(units)
    strangers = [unit for unit in mentioned if unit not in known]
    if strangers:
        raise ValueError(f"单位不在本组排名中：{'、'.join(map(str, strangers))}")
    adjusted = [a.unit for a in adjustments]
    if len(set(adjusted)) != len(adjusted):
        raise ValueError("同一单位只能有一条人工调整")
    for cap in veto_caps.values():
        scheme.level_of(cap)
    for adjustment in adjustments:
        if adjustment.grade is not None:  # None ("不定等次") is always possible
            scheme.level_of(adjustment.grade)


def _apply_veto_caps(
    scheme: GradeScheme,
    levels: dict[Hashable, int],
    notes: dict[Hashable, list[str]],
    veto_caps: Mapping[Hashable, str],
) -> None:
    """A vetoed unit is noted even when its grade is already at or below the cap."""
    for unit, cap in veto_caps.items():
        levels[unit] = max(levels[unit], scheme.level_of(cap))
        notes[unit].append(VETO_NOTE)


def _apply_downgrades(
    scheme: GradeScheme,
    levels: dict[Hashable, int],
    notes: dict[Hashable, list[str]],
    downgrades: Sequence[Downgrade],
) -> None:
    """Steps of several hits add up; nobody falls below the bottom level."""
    for hit in downgrades:
        levels[hit.unit] = min(levels[hit.unit] + hit.steps, scheme.bottom)
        notes[hit.unit].append(f"降档：{hit.reason}")


def _apply_quotas(
    scheme: GradeScheme,
    ordered: list[Hashable],
    levels: dict[Hashable, int],
    notes: dict[Hashable, list[str]],
) -> None:
    """Best band first: the lowest-ranked excess falls one band and competes there in turn.

    Ties at the boundary are settled by position (the ranking's tie-break), so a quota is
    never exceeded.
    """
    for level, band in enumerate(scheme.bands):
        if band.quota is None:
            continue
        places = math.floor(band.quota * len(ordered))
        holders = [unit for unit in ordered if levels[unit] == level]
        for unit in holders[places:]:
            levels[unit] = level + 1
            if QUOTA_NOTE not in notes[unit]:
                notes[unit].append(QUOTA_NOTE)


def _result(
    scheme: GradeScheme,
    unit: Hashable,
    level: int,
    notes: list[str],
    adjustment: Adjustment | None,
) -> GradeResult:
    rule_grade = scheme.grades[level]
    if adjustment is None:
        return GradeResult(unit, rule_grade, rule_grade, False, tuple(notes))
    notes = [*notes, f"调整：{adjustment.reason}"]
    return GradeResult(unit, rule_grade, adjustment.grade, True, tuple(notes))


def count_grades(results: Mapping[Hashable, GradeResult] | Iterable[GradeResult]) -> dict[str, int]:
    """How many units hold each final grade (units without a grade are not counted)."""
    values = results.values() if isinstance(results, Mapping) else results
    return dict(Counter(r.grade for r in values if r.grade is not None))
