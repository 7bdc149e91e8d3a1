"""Check the text of a results notice (通报) against the facts before it is published.

The 2020 精河县 notice announces 33 departments where its annexes hold 32, and calls 审计局
良好 with 94.7 points; such contradictions are what this module reports. It reads plain
text (a web copy, a pasted draft, ``render_text`` of a drafted body) and checks only the
claims it can read for certain:

- counts of units ("7个乡镇场" in the scope sentence, "等18个县直部门达到优秀等次"),
- units named as examples of a grade, and of a problem,
- full-mark percentages and points of an indicator,
- report totals,
- unit names that the registry does not know, where a unit name is expected.

Anything it cannot tie to a fact (a number about something the facts do not hold, a
sentence naming no indicator) is skipped silently: a false alarm in a notice check costs
the office more trust than a miss.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kaohe.core.numbers import format_score
from kaohe.core.stats import percent

from .facts import GroupFact, IndicatorFact, NoticeFacts, ProblemFact, UnitFact
from .text import (
    LEAD_IN,
    body_of,
    fold_width,
    group_nouns,
    looks_like_unit,
    noun_alternation,
    sentence_spans,
    split_names,
)

__all__ = ["KINDS", "Finding", "check_notice"]

KINDS = (
    "count",
    "grade_count",
    "grade_member",
    "percent",
    "points",
    "problem_member",
    "unknown_unit",
)


@dataclass(frozen=True)
class Finding:
    """One claim of the notice that the facts contradict.

    ``sentence`` is the sentence as typed (so the office can find it), ``claim`` what it
    says, ``fact`` what the records say, ``kind`` one of ``KINDS``.
    """

    sentence: str
    claim: str
    fact: str
    kind: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.claim} —— {self.fact}"


# ── Patterns; all run on width-folded text (，→, （→( ：→: ；→; ％→%) ────────────────────
# A count of units: "33个县直有关部门", "18家县直部门". {nouns} = the groups' nouns.
COUNT_PATTERN = r"(?<![\d.])(?P<count>\d+)[ ]*(?:个|家)(?P<noun>{nouns})"
# A grade claim: a verb then the grade ("达到优秀等次", "评为良好"), or grade + "等次".
# A bare "为一般" is not one: "一般" is also an everyday word.
GRADE_PATTERN = (
    r"(?:达到|评为|评定为|获评|获得|确定为)(?P<verb_grade>{grades})(?:等次|等级)?"
    r"|(?P<bare_grade>{grades})(?:等次|等级)"
)
# The scope sentence: "对7个乡镇场和33个县直有关部门……进行了考核", "参加考核的…".
SCOPE = re.compile(
    r"对.*?\d+[ ]*[个家].*?(?:进行了?|开展了?|组织了?|实施了?).*?考核"
    r"|(?:参加|参与|纳入)了?(?:本次|此次|本年度)?考核"
)
# Clause boundaries inside a sentence.
CLAUSE_BREAK = re.compile(r"[,;:]")
# Where a problem's subject list may begin or end: any punctuation.
SUBJECT_BREAK = re.compile(r"[,;:()。!?]")
# "(如:县住建局、农业农村局、卫健委)". The list ends at ")" or at any punctuation, or at the
# next enumerator when the ")" was forgotten, as in the 2020 notice ("卫健委三是…").
EXAMPLE_LIST = re.compile(
    r"\((?:如|例如|比如):?(?P<list>.*?)(?=[)。,;:!?\n]|[一二三四五六七八九十]+是|$)"
)
# "一是", "二是": enumerators that open a new point in a paragraph.
ENUMERATOR = re.compile(r"[一二三四五六七八九十]+是")
# "乡镇场得满分的占29%": the text before 得满分 (up to punctuation) names the group.
PERCENT = re.compile(
    r"(?P<noun>[^\s,;:、()“”。]+?)得满分的?(?:单位)?(?:占比?|比例为?|为)?"
    r"(?P<value>\d+(?:\.\d+)?)%"
)
# "此项总分40分", "满分10分": the points of the indicator named before it.
POINTS = re.compile(r"(?:此项|该项|该指标|本项)?(?:总分|满分|分值)为?(?P<value>\d+(?:\.\d+)?)分")
# A report total right after its label: "APP注册企业用户1268个".
REPORT_TOTAL = r"{label}(?:共|累计|达到?|为)?(?P<value>\d+)(?![\d.])"


@dataclass(frozen=True)
class _Hit:
    """A finding with its position in the text, so findings come out in reading order."""

    pos: int
    finding: Finding


def check_notice(text: str, facts: NoticeFacts) -> list[Finding]:
    """Every claim in ``text`` that ``facts`` contradict, in reading order."""
    reader = _Reader(text, facts)
    hits = [
        *_counts_and_grades(reader),
        *_indicator_figures(reader),
        *_example_lists(reader),
        *_subject_lists(reader),
        *_report_totals(reader),
    ]
    unique: dict[Finding, int] = {}
    for hit in sorted(hits, key=lambda h: h.pos):
        unique.setdefault(hit.finding, hit.pos)
    return list(unique)


class _Reader:
    """The body of a notice, folded for matching, with its sentences and the facts."""

    def __init__(self, text: str, facts: NoticeFacts) -> None:
        self.facts = facts
        self.original = body_of(text)
        self.folded = fold_width(self.original)
        self.spans = sentence_spans(self.folded)
        self.nouns = group_nouns(g.name for g in facts.groups)
        self.count = re.compile(COUNT_PATTERN.format(nouns=noun_alternation(self.nouns)))
        grades = {grade for g in facts.groups for grade in g.grade_order}
        self.grade = re.compile(GRADE_PATTERN.format(grades=noun_alternation(grades)))

    def sentences(self) -> Iterator[tuple[int, str]]:
        for start, end in self.spans:
            yield start, self.folded[start:end]

    def lines(self) -> Iterator[tuple[int, str]]:
        start = 0
        for line in self.folded.split("\n"):
            yield start, line
            start += len(line) + 1

    def sentence_at(self, pos: int) -> str:
        for start, end in self.spans:
            if start <= pos < end:
                return self.original[start:end]
        return ""

    def hit(self, pos: int, claim: str, fact: str, kind: str) -> _Hit:
        return _Hit(pos, Finding(self.sentence_at(pos), claim, fact, kind))

    def typed(self, start: int, end: int) -> str:
        """The text as typed between two absolute offsets."""
        return self.original[start:end]

    def group_for(self, noun: str) -> GroupFact | None:
        name = self.nouns.get(noun)
        return self.facts.group(name) if name else None

    def group_ending(self, text: str) -> GroupFact | None:
        """The group whose noun ends ``text`` ("其中乡镇场" -> 乡镇场), longest noun first."""
        for noun in sorted(self.nouns, key=len, reverse=True):
            if text.endswith(noun):
                return self.group_for(noun)
        return None

    def names(self, text: str) -> list[tuple[str, str | None]]:
        """(written, canonical or None) for each item of a name list."""
        items = split_names(text)
        if items and self.facts.resolve(items[0]) is None:
            items[0] = LEAD_IN.sub("", items[0])
        return [(item, self.facts.resolve(item)) for item in items if item]


# ── Counts and grades ────────────────────────────────────────────────────────────────
def _counts_and_grades(reader: _Reader) -> Iterator[_Hit]:
    for start, sentence in reader.sentences():
        scope = SCOPE.search(sentence) is not None
        for offset, clause in _clauses(sentence, CLAUSE_BREAK):
            at = start + offset
            phrases = list(reader.grade.finditer(clause))
            counts = list(reader.count.finditer(clause))
            if phrases:
                yield from _grade_clause(reader, at, clause, phrases, counts)
            elif scope:
                for count in counts:
                    yield from _scope_count(reader, at, count)


def _clauses(sentence: str, breaks: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    start = 0
    for match in breaks.finditer(sentence):
        yield start, sentence[start : match.start()]
        start = match.end()
    yield start, sentence[start:]


def _scope_count(reader: _Reader, at: int, count: re.Match[str]) -> Iterator[_Hit]:
    group = reader.group_for(count["noun"])
    if group is None or int(count["count"]) == len(group.units):
        return
    claim = reader.typed(at + count.start(), at + count.end())
    yield reader.hit(at + count.start(), claim, f"{group.name}共{len(group.units)}个", "count")


def _grade_of(phrase: re.Match[str]) -> str:
    return phrase["verb_grade"] or phrase["bare_grade"]


def _grade_clause(
    reader: _Reader,
    at: int,
    clause: str,
    phrases: list[re.Match[str]],
    counts: list[re.Match[str]],
) -> Iterator[_Hit]:
    """A clause like "A等2个乡镇场和B、C等18个县直部门达到优秀等次".

    Each count belongs to the next grade phrase after it ("…达到优秀等次"), or to the one
    before it ("优秀等次的有18个…"); the names before a count are its examples.
    """
    if not counts:
        yield from _bare_members(reader, at, clause, phrases)
        return
    previous_end = 0
    for count in counts:
        phrase = next((p for p in phrases if p.start() >= count.end()), phrases[-1])
        grade = _grade_of(phrase)
        names_from = max([previous_end, *(p.end() for p in phrases if p.end() <= count.start())])
        group = reader.group_for(count["noun"])
        if group is not None:
            yield from _grade_count(reader, at, count, phrase, group, grade)
            for written, unit in reader.names(clause[names_from : count.start()]):
                yield from _member(reader, at + names_from, written, unit, grade, group)
        previous_end = count.end()


def _bare_members(
    reader: _Reader, at: int, clause: str, phrases: list[re.Match[str]]
) -> Iterator[_Hit]:
    """ "审计局、交通运输局达到良好等次": names without a count, read only if the last one
    (the subject of the verb) is a known unit, otherwise the words are not a list."""
    previous_end = 0
    for phrase in phrases:
        names = reader.names(clause[previous_end : phrase.start()])
        if names and names[-1][1] is not None:
            for written, unit in names:
                yield from _member(reader, at + previous_end, written, unit, _grade_of(phrase))
        previous_end = phrase.end()


def _grade_count(
    reader: _Reader,
    at: int,
    count: re.Match[str],
    phrase: re.Match[str],
    group: GroupFact,
    grade: str,
) -> Iterator[_Hit]:
    actual = sum(1 for u in group.units if reader.facts.units[u].grade == grade)
    if int(count["count"]) == actual:
        return
    # The count and its grade phrase, even when example names stand between them.
    count_text = reader.typed(at + count.start(), at + count.end())
    phrase_text = reader.typed(at + phrase.start(), at + phrase.end())
    after = phrase.start() >= count.end()
    claim = count_text + phrase_text if after else f"{phrase_text}：{count_text}"
    yield reader.hit(at + count.start(), claim, f"{group.name}中{grade}{actual}个", "grade_count")


def _member(
    reader: _Reader,
    pos: int,
    written: str,
    unit: str | None,
    grade: str,
    group: GroupFact | None = None,
) -> Iterator[_Hit]:
    """A unit named as an example of ``grade`` (within ``group`` when a count names one)."""
    if unit is None:
        yield from _unknown(reader, pos, written)
        return
    fact = reader.facts.units[unit]
    if group is not None and unit not in group.units:
        yield reader.hit(pos, f"{written} {grade}", f"{unit} 不属于{group.name}", "grade_member")
        return
    supported = fact.supported_grade
    if grade == supported == fact.grade:
        return
    shown = supported if grade != supported else fact.grade
    detail = _grade_detail(reader.facts, fact, grade, shown)
    yield reader.hit(pos, f"{written} {grade}", f"{unit} 数据中为{shown}{detail}", "grade_member")


def _grade_detail(facts: NoticeFacts, unit: UnitFact, written: str, shown: str | None) -> str:
    """ "（94.7分，优秀线90分）": the score and the line between the two grades."""
    parts = [f"{format_score(unit.score)}分"] if unit.score is not None else []
    group = facts.group_of(unit.name)
    if group is not None:
        ranked = [g for g in group.grade_order if g in (written, shown)]
        if ranked and ranked[0] in group.thresholds:
            parts.append(f"{ranked[0]}线{format_score(group.thresholds[ranked[0]])}分")
    if unit.adjusted:
        parts.append(f"已调整：{unit.adjustment_reason}" if unit.adjustment_reason else "已调整")
    return f"（{'，'.join(parts)}）" if parts else ""


def _unknown(reader: _Reader, pos: int, written: str) -> Iterator[_Hit]:
    if looks_like_unit(written):
        yield reader.hit(pos, written, "单位名册中没有这个名称（含简称、别称）", "unknown_unit")


# ── Indicator figures: points and full-mark percentages ──────────────────────────────
def _indicator_figures(reader: _Reader) -> Iterator[_Hit]:
    indicators = {i.name: i for i in reader.facts.indicators}
    if not indicators:
        return
    mention = re.compile(noun_alternation(fold_width(n) for n in indicators))
    by_folded = {fold_width(n): i for n, i in indicators.items()}
    for start, sentence in reader.sentences():
        mentions = [(m.end(), by_folded[m.group()]) for m in mention.finditer(sentence)]
        if not mentions:
            continue
        for match in POINTS.finditer(sentence):
            indicator = _last_before(mentions, match.start())
            if indicator is not None and Decimal(match["value"]) != indicator.points:
                claim = reader.typed(start + match.start(), start + match.end())
                fact = f"“{indicator.name}”指标总分为{format_score(indicator.points)}分"
                yield reader.hit(start + match.start(), claim, fact, "points")
        for match in PERCENT.finditer(sentence):
            indicator = _last_before(mentions, match.start())
            group = reader.group_ending(match["noun"])
            if indicator is None or group is None:
                continue
            ratio = indicator.full_mark_ratio.get(group.name)
            if ratio is None or _same_percent(match["value"], ratio):
                continue
            claim = reader.typed(start + match.start(), start + match.end())
            fact = f"“{indicator.name}”指标{group.name}得满分的占{percent(ratio)}"
            yield reader.hit(start + match.start(), claim, fact, "percent")


def _last_before(mentions: list[tuple[int, IndicatorFact]], pos: int) -> IndicatorFact | None:
    before = [item for end, item in mentions if end <= pos]
    return before[-1] if before else None


def _same_percent(written: str, ratio: Decimal) -> bool:
    """Whether a typed percentage is the ratio rounded as typed: "29%" or "28.6%" for 2/7."""
    if "." not in written:
        return f"{written}%" == percent(ratio)
    places = Decimal(1).scaleb(-len(written.split(".")[1]))
    return Decimal(written) == (ratio * 100).quantize(places, rounding=ROUND_HALF_UP)


# ── Units named for a problem ────────────────────────────────────────────────────────
def _example_lists(reader: _Reader) -> Iterator[_Hit]:
    """ "…更新发布滞后。(如:县住建局、农业农村局、卫健委)": the list illustrates the point
    just made, so the problem is read from the text between the last enumerator (一是…)
    or sentence end and the list."""
    for line_start, line in reader.lines():
        for match in EXAMPLE_LIST.finditer(line):
            problems = _problems_in(reader.facts, _context(line, match.start()))
            pos = line_start + match.start("list")
            for written, unit in reader.names(match["list"]):
                yield from _problem_member(reader, pos, written, unit, problems)


def _context(line: str, start: int) -> str:
    before = line[:start].rstrip().rstrip("。")
    cut = max(before.rfind("。"), before.rfind(")"))
    before = before[cut + 1 :]
    enumerators = list(ENUMERATOR.finditer(before))
    return before[enumerators[-1].start() :] if enumerators else before


def _problems_in(facts: NoticeFacts, text: str) -> list[ProblemFact]:
    return [p for p in facts.problems if any(k in text for k in _markers(p))]


def _markers(problem: ProblemFact) -> tuple[str, ...]:
    return tuple(fold_width(k) for k in (*problem.keywords, problem.label) if k)


def _subject_lists(reader: _Reader) -> Iterator[_Hit]:
    """ "截至目前,县工业园区、住建局、阿合其农场还未上报": names right before a problem's
    keyword. Read only when the name next to the keyword is a known unit, so that
    "部分乡镇场、县直部门…更新发布滞后" is not taken for a list of names."""
    for start, sentence in reader.sentences():
        for offset, clause in _clauses(sentence, SUBJECT_BREAK):
            found = [
                (clause.find(k), p)
                for p in reader.facts.problems
                for k in _markers(p)
                if k in clause
            ]
            if not found:
                continue
            names = reader.names(clause[: min(i for i, _ in found)])
            if not names or names[-1][1] is None:
                continue
            problems = list({p.kind: p for _, p in found}.values())
            for written, unit in names:
                yield from _problem_member(reader, start + offset, written, unit, problems)


def _problem_member(
    reader: _Reader,
    pos: int,
    written: str,
    unit: str | None,
    problems: list[ProblemFact],
) -> Iterator[_Hit]:
    if unit is None:
        yield from _unknown(reader, pos, written)
        return
    if not problems or any(unit in p.units for p in problems):
        return
    labels = "；".join(p.label for p in problems)
    listed = "；".join(
        f"{p.label}：{'、'.join(reader.facts.ranked(p.units)) or '无'}" for p in problems
    )
    yield reader.hit(
        pos, f"{written}：{labels}", f"{unit} 不在数据中（{listed}）", "problem_member"
    )


# ── Report totals ────────────────────────────────────────────────────────────────────
def _report_totals(reader: _Reader) -> Iterator[_Hit]:
    for report in reader.facts.reports:
        pattern = re.compile(REPORT_TOTAL.format(label=re.escape(fold_width(report.label))))
        for match in pattern.finditer(reader.folded):
            if int(match["value"]) != report.total:
                claim = reader.typed(match.start(), match.end())
                fact = f"{report.label}合计{report.total}"
                yield reader.hit(match.start(), claim, fact, "count")
