"""Year over year: this year's campaign against the one it was cloned from.

Scorecards are matched by code, ranking groups by name within a scorecard, units by id, top-level
indicators by code. Scores, ranks and grades are the stored ``Result`` rows of each campaign (the
numbers the results page and the notice show; frozen once published); full-mark ratios come from
scoring each ledger again, as the statistics page does. The queries are a fixed handful per
campaign and per scorecard, whatever the number of units.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kaohe.core.numbers import format_score, quantize
from kaohe.core.stats import percent

from . import charts
from .models import Campaign, Enrollment, RankingGroup, Result, Scorecard
from .results import compute

OVERALL = ""  # the scorecard code of the overall (综合) groups


@dataclass(frozen=True)
class Standing:
    """A unit's result in one scorecard in one year."""

    group: str
    name: str
    total: Decimal
    rank: int
    position: int
    grade: str
    adjusted: bool


@dataclass(frozen=True)
class UnitChange:
    unit_id: int
    previous: Standing | None
    current: Standing | None

    @property
    def name(self) -> str:
        return (self.current or self.previous).name

    @property
    def status(self) -> str:
        """ "both", "joined" (assessed this year only) or "left" (last year only)."""
        if self.previous and self.current:
            return "both"
        return "joined" if self.current else "left"

    @property
    def change(self) -> Decimal | None:
        if self.previous and self.current:
            return self.current.total - self.previous.total
        return None

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost; only within a group of the same name."""
        if self.previous and self.current and self.previous.group == self.current.group:
            return self.previous.rank - self.current.rank
        return None

    @property
    def grade_changed(self) -> bool:
        return bool(self.previous and self.current and self.previous.grade != self.current.grade)

    @property
    def change_text(self) -> str:
        return signed(self.change)

    @property
    def rank_change_text(self) -> str:
        """↑2 (two places up), ↓1, or 持平."""
        moved = self.rank_change
        if moved is None:
            return ""
        return "持平" if moved == 0 else f"{'↑' if moved > 0 else '↓'}{abs(moved)}"

    @property
    def direction(self) -> str:
        return _direction(self.change)


@dataclass(frozen=True)
class IndicatorRatio:
    """A top-level indicator's full-mark ratio in one group, both years (None: not assessed)."""

    code: str
    name: str
    points: Decimal | None
    previous: Decimal | None
    current: Decimal | None
    previous_count: tuple[int, int] | None  # (units with full marks, units)
    current_count: tuple[int, int] | None

    @property
    def change(self) -> Decimal | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous

    @property
    def previous_text(self) -> str:
        return _ratio_text(self.previous, self.previous_count)

    @property
    def current_text(self) -> str:
        return _ratio_text(self.current, self.current_count)

    @property
    def change_text(self) -> str:
        """In percentage points, rounded as the percentages are printed."""
        if self.change is None:
            return ""
        points = _whole(self.current * 100) - _whole(self.previous * 100)
        return f"{signed(points)}个百分点" if points else "持平"

    @property
    def direction(self) -> str:
        return _direction(self.change)


@dataclass(frozen=True)
class PairBar:
    x: float
    y: float
    width: float
    height: float
    text: str  # the value as printed above the bar ("29%", "3", "无")
    title: str  # tooltip


@dataclass(frozen=True)
class Pair:
    label: str
    label_x: float
    previous: PairBar
    current: PairBar


@dataclass(frozen=True)
class PairedChart:
    """Two bars per label: last year (light) beside this year (dark). Rendered as inline SVG."""

    width: int
    height: int
    baseline: float
    pairs: list[Pair]
    legend: tuple[str, str]


@dataclass
class Section:
    """One ranking group of one scorecard (or of the overall result), both years."""

    scorecard_code: str  # OVERALL for 综合
    scorecard_name: str
    group: str
    rows: list[UnitChange] = field(default_factory=list)
    indicators: list[IndicatorRatio] = field(default_factory=list)
    previous_scores: list[Decimal] = field(default_factory=list)
    current_scores: list[Decimal] = field(default_factory=list)
    grades: list[tuple[str, int, int]] = field(default_factory=list)  # grade, previous, current
    distribution_chart: PairedChart | None = None
    ratio_chart: PairedChart | None = None
    sort_key: tuple = field(default=(), repr=False, compare=False)

    @property
    def previous_mean(self) -> Decimal | None:
        return _mean(self.previous_scores)

    @property
    def current_mean(self) -> Decimal | None:
        return _mean(self.current_scores)

    @property
    def title(self) -> str:
        return f"{self.scorecard_name} · {self.group}"

    @property
    def charts(self) -> list[tuple[str, PairedChart]]:
        """(caption, chart) for the page, the charts this section has."""
        found = [
            ("得分分布（单位数）", self.distribution_chart),
            ("一级指标满分率", self.ratio_chart),
        ]
        return [(caption, chart) for caption, chart in found if chart is not None]


@dataclass(frozen=True)
class UnitRef:
    unit_id: int
    name: str
    category: str


@dataclass
class Comparison:
    current: Campaign
    previous: Campaign
    sections: list[Section]
    joined: list[UnitRef]  # enrolled this year, not last year
    left: list[UnitRef]  # enrolled last year, not this year
    has_current_results: bool
    has_previous_results: bool

    def unit(self, unit_id: int, scorecard_code: str = OVERALL) -> UnitChange | None:
        """A unit's row in one scorecard (by code; ``OVERALL`` for 综合)."""
        for section in self.sections:
            if section.scorecard_code == scorecard_code:
                for row in section.rows:
                    if row.unit_id == unit_id:
                        return row
        return None

    def section(self, scorecard_code: str, group: str) -> Section | None:
        for found in self.sections:
            if found.scorecard_code == scorecard_code and found.group == group:
                return found
        return None


def signed(value: Decimal | int | None) -> str:
    """+1.5, -2, 0 (empty for None): a change written with its sign."""
    if value is None:
        return ""
    text = format_score(Decimal(value))
    return f"+{text}" if value > 0 else text


def _direction(value: Decimal | None) -> str:
    if not value:
        return ""
    return "up" if value > 0 else "down"


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _ratio_text(ratio: Decimal | None, count: tuple[int, int] | None) -> str:
    if ratio is None or count is None:
        return "无"
    return f"{percent(ratio)}（{count[0]}/{count[1]}）"


def _mean(scores: list[Decimal]) -> Decimal | None:
    return quantize(sum(scores, Decimal(0)) / len(scores)) if scores else None


def compare_campaigns(current: Campaign, previous: Campaign) -> Comparison:
    """Everything the comparison page shows; see the module docstring for how things match."""
    years = (f"{previous.year}年", f"{current.year}年")
    sections = _sections(current, previous)
    results, seen = _results(current, previous)
    _fill_rows(sections, results, current, previous)
    _fill_ratios(sections, previous, current)
    ordered = sorted(sections.values(), key=lambda s: s.sort_key)
    for section in ordered:
        _charts(section, years)
    joined, left = _joined_and_left(current, previous)
    return Comparison(
        current, previous, ordered, joined, left, current.pk in seen, previous.pk in seen
    )


def _sections(current: Campaign, previous: Campaign) -> dict[tuple[str, str], Section]:
    """Every (scorecard code, group name) of either year, this year's order first."""
    sections: dict[tuple[str, str], Section] = {}
    cards = {
        (c.campaign_id, c.code): c
        for c in Scorecard.objects.filter(campaign__in=[current, previous])
    }
    groups = RankingGroup.objects.filter(campaign__in=[current, previous]).values_list(
        "campaign_id", "scorecard__code", "scorecard__sort_order", "name", "sort_order"
    )
    for campaign_id, code, card_order, name, order in sorted(
        groups, key=lambda g: (g[0] != current.pk, g[1] is None, g[2] or 0, g[4])
    ):
        key = (code or OVERALL, name)
        if key in sections:
            continue
        card = cards.get((current.pk, code)) or cards.get((previous.pk, code))
        sort_key = (code is None, campaign_id != current.pk, card_order or 0, order, len(sections))
        sections[key] = Section(key[0], card.name if card else "综合", name, sort_key=sort_key)
    return sections


def _results(current: Campaign, previous: Campaign):
    """Result rows of both campaigns in one query: {(code, group): {campaign id: [rows]}}."""
    fields = (
        "campaign_id", "group__scorecard__code", "group__name", "unit_id",
        "display_name", "total", "rank", "position", "grade", "adjusted",  # Standing after group
    )  # fmt: skip
    found: dict[tuple[str, str], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    seen = set()
    rows = Result.objects.filter(campaign__in=[current, previous]).order_by("position")
    for campaign_id, code, group, unit_id, *standing in rows.values_list(*fields):
        seen.add(campaign_id)
        found[code or OVERALL, group][campaign_id].append((unit_id, Standing(group, *standing)))
    return found, seen


def _fill_rows(sections, results, current: Campaign, previous: Campaign) -> None:
    """Rows per scorecard matched by unit id; a row sits in this year's group (else last year's).

    Scores and grade counts of a section are its group's own results in each year."""
    by_card: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(lambda: [None, None]))
    for (code, group), sides in results.items():
        section = sections[code, group]
        before, now = sides.get(previous.pk, []), sides.get(current.pk, [])
        for unit_id, standing in before:
            by_card[code][unit_id][0] = standing
        for unit_id, standing in now:
            by_card[code][unit_id][1] = standing
        section.previous_scores = [s.total for _, s in before]
        section.current_scores = [s.total for _, s in now]
        counted = Counter(s.grade for _, s in before), Counter(s.grade for _, s in now)
        grades = [g for g in dict.fromkeys([*counted[1], *counted[0]]) if g]
        section.grades = [(g, counted[0][g], counted[1][g]) for g in grades]
    for code, units in by_card.items():
        for unit_id, (before, now) in units.items():
            sections[code, (now or before).group].rows.append(UnitChange(unit_id, before, now))
    for section in sections.values():
        section.rows.sort(
            key=lambda r: (r.current is None, (r.current or r.previous).position, r.unit_id)
        )


def _fill_ratios(sections, previous: Campaign, current: Campaign) -> None:
    ratios = {previous.pk: _full_marks(previous), current.pk: _full_marks(current)}
    for section in sections.values():
        if section.scorecard_code == OVERALL:
            continue
        key = (section.scorecard_code, section.group)
        before = ratios[previous.pk].get(key, {})
        now = ratios[current.pk].get(key, {})
        for code in dict.fromkeys([*now, *before]):
            b, n = before.get(code), now.get(code)
            section.indicators.append(
                IndicatorRatio(
                    code=code,
                    name=(n or b)[0],
                    points=(n or b)[1],
                    previous=Decimal(b[2]) / b[3] if b and b[3] else None,
                    current=Decimal(n[2]) / n[3] if n and n[3] else None,
                    previous_count=(b[2], b[3]) if b else None,
                    current_count=(n[2], n[3]) if n else None,
                )
            )


def _full_marks(campaign: Campaign) -> dict[tuple[str, str], dict[str, list]]:
    """{(scorecard code, group): {indicator code: [name, points, full, units]}} for top-level
    indicators, each unit measured against the points of its own category's tree."""
    found: dict[tuple[str, str], dict[str, list]] = {}
    for outcome in compute(campaign).values():
        card = outcome.group.scorecard
        if card is None:
            continue
        table = found.setdefault((card.code, outcome.group.name), {})
        for unit_id, score in outcome.scores.items():
            for spec in outcome.trees[unit_id]:
                entry = table.setdefault(spec.code, [spec.name, spec.points, 0, 0])
                entry[2] += int(score.by_indicator[spec.key] >= spec.points)
                entry[3] += 1
    return found


def _joined_and_left(current: Campaign, previous: Campaign) -> tuple[list, list]:
    rows = Enrollment.objects.filter(scorecard__campaign__in=[current, previous]).values_list(
        "scorecard__campaign_id", "unit_id", "unit__short_name", "unit__name",
        "unit__category__name", "unit__category__sort_order", "unit__sort_order",
    )  # fmt: skip
    units: dict[int, set[int]] = {current.pk: set(), previous.pk: set()}
    refs = {}
    for campaign_id, unit_id, short, name, category, c_order, order in rows:
        units[campaign_id].add(unit_id)
        refs[unit_id] = ((c_order, order, unit_id), UnitRef(unit_id, short or name, category))

    def listed(ids: set[int]) -> list[UnitRef]:
        return [refs[u][1] for u in sorted(ids, key=lambda u: refs[u][0])]

    return (
        listed(units[current.pk] - units[previous.pk]),
        listed(units[previous.pk] - units[current.pk]),
    )


def _charts(section: Section, legend: tuple[str, str]) -> None:
    if section.previous_scores or section.current_scores:
        before = charts.distribution(section.previous_scores)
        now = charts.distribution(section.current_scores)
        section.distribution_chart = paired_bars(
            [b.label for b in now.bars],
            [Decimal(b.value) for b in before.bars],
            [Decimal(b.value) for b in now.bars],
            legend=legend,
            what="单位数",
        )
    if section.indicators:
        section.ratio_chart = paired_bars(
            [i.code for i in section.indicators],
            [i.previous for i in section.indicators],
            [i.current for i in section.indicators],
            legend=legend,
            max_value=Decimal(1),
            fmt=percent,
            what="满分率",
            names=[i.name for i in section.indicators],
        )


def paired_bars(
    labels: list[str],
    previous: list[Decimal | None],
    current: list[Decimal | None],
    *,
    legend: tuple[str, str],
    max_value: Decimal | None = None,
    fmt: Callable[[Decimal], str] = format_score,
    what: str = "",
    names: list[str] | None = None,
) -> PairedChart:
    """Bars of two years side by side per label; ``None`` (not assessed that year) draws no bar
    and prints 无. The scale is ``max_value`` or the largest value of either year."""
    step, left, top, bottom, height = 76, 8, 34, 30, 210
    width = max(320, left * 2 + step * len(labels))
    scale = float(max_value or max((v for v in (*previous, *current) if v), default=1))
    room, baseline, bar = height - top - bottom, height - bottom, (step - 16) / 2

    def one(x: float, value: Decimal | None, year: str, label: str) -> PairBar:
        size = 0.0 if value is None else min(float(value) / scale, 1.0) * room
        text = "无" if value is None else fmt(value)
        title = f"{year} {label} {what}：{text}"
        return PairBar(round(x, 1), round(baseline - size, 1), bar, round(size, 1), text, title)

    pairs = []
    for i, label in enumerate(labels):
        x = left + i * step + 4
        full = f"{label} {names[i]}" if names else label
        previous_bar = one(x, previous[i], legend[0], full)
        current_bar = one(x + bar + 4, current[i], legend[1], full)
        pairs.append(Pair(label, x, previous_bar, current_bar))
    return PairedChart(width, height, baseline, pairs, legend)
