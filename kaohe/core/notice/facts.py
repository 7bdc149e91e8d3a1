"""The facts a results notice (通报) speaks about, already computed from the records.

The Django side builds one ``NoticeFacts`` per campaign; the drafter writes sentences from
it and the checker holds a typed notice against it. Keeping the facts plain, frozen and
free of Django means both can be tested on literal data and can never disagree about what
the records say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .text import fold_width

__all__ = [
    "GroupFact",
    "IndicatorFact",
    "NoticeFacts",
    "ProblemFact",
    "ReportFact",
    "UnitFact",
]

# A notice writes "县住建局" as often as "住建局"; the county prefix carries no meaning.
COUNTY_PREFIX = "县"


@dataclass(frozen=True)
class UnitFact:
    """One assessed unit, with its final grade and, apart, the grade the rules gave.

    ``grade`` differs from ``rule_grade`` only through a recorded adjustment
    (``adjusted``, with its reason); a difference without one is what the checker reports.
    """

    name: str  # canonical short name as the notice writes it: "住建局"
    aliases: frozenset[str]  # every other exact name: "住房和城乡建设局", "县住建局", …
    category: str  # "乡镇场" / "县直部门" / "园区"
    score: Decimal | None
    rule_grade: str | None
    grade: str | None
    adjusted: bool = False
    adjustment_reason: str = ""

    @property
    def supported_grade(self) -> str | None:
        """The grade the records support: the rules' grade unless an adjustment is recorded.

        A notice may call a unit only this; ``grade`` alone is not enough, because a grade
        typed over the rules without an adjustment record is exactly the error to catch.
        """
        if self.adjusted or self.rule_grade is None:
            return self.grade
        return self.rule_grade


@dataclass(frozen=True)
class GroupFact:
    """A ranking group as the notice names it ("乡镇场", "县直部门"), units best first."""

    name: str
    units: tuple[str, ...]  # canonical names, ranked
    grade_order: tuple[str, ...]  # best first: ("优秀", "良好", "一般")
    thresholds: Mapping[str, Decimal]  # grade -> minimum score; the fallback grade has none


@dataclass(frozen=True)
class IndicatorFact:
    """An indicator the notice may quote: its points and, per group, the full-mark ratio."""

    name: str  # "主动公开"
    points: Decimal
    full_mark_ratio: Mapping[str, Decimal]  # group name -> ratio in [0, 1], unrounded


@dataclass(frozen=True)
class ProblemFact:
    """A kind of problem found in verification or daily records, with the units it hit."""

    kind: str  # "key_area_late", "review_mismatch", "summary_missing", …
    label: str  # "重点领域信息更新发布滞后"
    keywords: tuple[str, ...]  # words marking a sentence as speaking of it: ("滞后",)
    units: frozenset[str]  # canonical names with this problem in the ledger
    deadline: date | None = None  # for submission tasks: the units listed missed it


@dataclass(frozen=True)
class ReportFact:
    """A recurring report's running total ("APP注册企业用户", 1268)."""

    label: str
    total: int


@dataclass(frozen=True)
class NoticeFacts:
    """Everything a notice may claim, and the name index used to read unit names."""

    issuer: str  # "县政府办公室"
    year: int
    window: tuple[date | None, date | None]  # the assessment window (11月9日-13日), if set
    method: str  # "网上核验与日常考核相结合"
    basis: tuple[tuple[str, str], ...]  # (title, 文号)
    lead_agencies: tuple[str, ...]
    units: Mapping[str, UnitFact]  # canonical name -> unit
    groups: tuple[GroupFact, ...]
    indicators: tuple[IndicatorFact, ...] = ()
    problems: tuple[ProblemFact, ...] = ()
    reports: tuple[ReportFact, ...] = ()
    _index: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_consistent(self)
        object.__setattr__(self, "_index", _name_index(self.units))

    def resolve(self, written: str) -> str | None:
        """The canonical name of the unit a notice writes as ``written``, or None.

        Exact on the canonical name or an alias, also after dropping a leading "县".
        Never fuzzy: a near miss ("城建局" for "住建局") must surface as an unknown name
        rather than be silently read as some other unit.
        """
        key = fold_width(written.strip())
        found = self._index.get(key)
        if found is None and key.startswith(COUNTY_PREFIX):
            found = self._index.get(key[len(COUNTY_PREFIX) :])
        return found

    def group_of(self, unit: str) -> GroupFact | None:
        """The ranking group a canonical unit belongs to (工业园区 ranks with 县直部门)."""
        return next((g for g in self.groups if unit in g.units), None)

    def group(self, name: str) -> GroupFact | None:
        return next((g for g in self.groups if g.name == name), None)

    def ranked(self, names: Iterable[str]) -> list[str]:
        """Units in notice order: group by group, best first; ungrouped last, by name."""
        order = [u for g in self.groups for u in g.units]
        position = {u: i for i, u in enumerate(order)}
        return sorted(set(names), key=lambda u: (position.get(u, len(order)), u))


def _name_index(units: Mapping[str, UnitFact]) -> dict[str, str]:
    """Every written form -> canonical name; one form naming two units is a data error."""
    index: dict[str, str] = {}
    for unit in units.values():
        for form in {unit.name, *unit.aliases}:
            key = fold_width(form.strip())
            if index.setdefault(key, unit.name) != unit.name:
                raise ValueError(f"名称“{form}”同时指向“{index[key]}”和“{unit.name}”")
    return index


def _check_consistent(facts: NoticeFacts) -> None:
    """Reject facts that refer to units or groups they do not define.

    The builder is ours, but a notice checked against inconsistent facts would report
    nonsense, so the mistake is stopped where it is made.
    """
    for key, unit in facts.units.items():
        if key != unit.name:
            raise ValueError(f"单位键“{key}”与单位名称“{unit.name}”不一致")
    group_names = [g.name for g in facts.groups]
    if len(set(group_names)) != len(group_names):
        raise ValueError(f"分组名称重复：{group_names}")
    for group in facts.groups:
        _require_units(facts, group.units, f"分组“{group.name}”")
    for problem in facts.problems:
        _require_units(facts, problem.units, f"问题“{problem.label}”")
    for indicator in facts.indicators:
        unknown = set(indicator.full_mark_ratio) - set(group_names)
        if unknown:
            raise ValueError(f"指标“{indicator.name}”的满分率引用了未定义的分组：{sorted(unknown)}")


def _require_units(facts: NoticeFacts, names: Iterable[str], where: str) -> None:
    unknown = sorted(n for n in names if n not in facts.units)
    if unknown:
        raise ValueError(f"{where}中的单位未定义：{'、'.join(unknown)}")
