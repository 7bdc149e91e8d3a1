"""Running the regex rules on a page without a full ``re`` pass each.

A regex pass over a page costs a sizeable fraction of the automaton pass, so:

- gated rules (:mod:`.gates`) only run where the automaton saw one of their gates; rules
  opened by the same gates (the 文号 rules share theirs) form a :class:`Group`, whose
  combined regex (:func:`.regexinfo.union`) rules a gate position out for all of them in one
  call, so that the usual correct 文号 costs one ``match`` instead of one per rule;
- the other rules are prechecked with one compiled literal search (:class:`Precheck`), a
  literal they all require; rules that share one (``次会议``) share the search.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import regexinfo
from .model import Rule
from .normalize import fold

Emit = Callable[..., None]


@dataclass(slots=True)
class RegexRule:
    rule: Rule
    regex: re.Pattern[str]
    anchored: bool = False  # its gates are prefixes: try the regex only where they matched


@dataclass(frozen=True, slots=True)
class Group:
    """Regex rules opened by the same gates (``gate_strings``). ``union`` matches wherever
    one of them does."""

    members: tuple[RegexRule, ...]
    gate_strings: tuple[str, ...]
    anchored: bool
    union: re.Pattern[str] | None

    @classmethod
    def of(cls, members: Sequence[RegexRule], gate_strings: tuple[str, ...]) -> Group:
        union = regexinfo.union([m.rule.pattern for m in members]) if len(members) > 1 else None
        return cls(tuple(members), gate_strings, members[0].anchored, union)

    def run(self, folded: str, starts: list[int], emit: Emit) -> None:
        """Each member's matches: where the gates were seen (``starts``, ascending) if
        anchored, anywhere otherwise."""
        union = self.union
        if self.anchored:  # a match starts where one of its prefixes was seen
            if union is not None:
                starts = [s for s in starts if union.match(folded, s) is not None]
            for item in self.members if starts else ():
                regex = item.regex
                candidates = [m for s in starts if (m := regex.match(folded, s)) is not None]
                if candidates:
                    emit_regex(item.rule, candidates, emit)
        elif union is None or union.search(folded) is not None:
            for item in self.members:
                emit_regex(item.rule, list(item.regex.finditer(folded)), emit)


@dataclass(frozen=True, slots=True)
class Precheck:
    """Ungated rules that all require ``literal`` ("" = none: they always run)."""

    literal: str
    search: Callable[[str], re.Match[str] | None] | None
    members: tuple[RegexRule, ...]

    def run(self, folded: str, emit: Emit) -> None:
        """The members' matches, on a page where ``search`` found the literal."""
        for item in self.members:
            emit_regex(item.rule, list(item.regex.finditer(folded)), emit)


def plan_groups(gated: Sequence[RegexRule], chosen: dict[int, tuple[str, ...]]) -> list[Group]:
    """Gated rules grouped by their gates (``chosen``: id → gate strings)."""
    members: dict[tuple[frozenset[str], bool], list[RegexRule]] = {}
    for item in gated:
        members.setdefault((frozenset(chosen[id(item)]), item.anchored), []).append(item)
    return [Group.of(items, chosen[id(items[0])]) for items in members.values()]


def plan_prechecks(ungated: Sequence[RegexRule]) -> tuple[Precheck, ...]:
    """Few literal searches that still rule pages out: every rule requires the runs of
    literal text :func:`.regexinfo.required_literals` finds (and any piece of them). Runs of
    two characters or more that several rules require are searched once for all of them,
    most shared first, then the longer (likely rarer); a rule left over gets its own longest
    run, or none (it always runs). ``re`` finds a literal about twice as fast as ``in``."""
    runs = {id(item): regexinfo.required_literals(item.rule.pattern) for item in ungated}
    shared = sorted({run for found in runs.values() for run in found if len(run) > 1})
    left = list(ungated)
    checks: list[Precheck] = []
    while left:
        cover = {lit: _requiring(lit, left, runs) for lit in shared}
        best = max(shared, key=lambda lit: (len(cover[lit]), len(lit), lit), default="")
        if not best or len(cover[best]) < 2:
            break
        checks.append(_precheck(best, cover[best]))
        chosen = {id(item) for item in cover[best]}
        left = [item for item in left if id(item) not in chosen]
    for item in left:
        own = runs[id(item)]
        checks.append(_precheck(own[0] if own else "", [item]))
    return tuple(checks)


def _precheck(literal: str, members: Sequence[RegexRule]) -> Precheck:
    search = re.compile(re.escape(literal)).search if literal else None
    return Precheck(literal, search, tuple(members))


def _requiring(literal: str, rules: list[RegexRule], runs: dict[int, list[str]]) -> list[RegexRule]:
    """The rules one of whose required runs contains ``literal``."""
    return [item for item in rules if any(literal in run for run in runs[id(item)])]


def emit_regex(rule: Rule, candidates: list[re.Match[str]], emit: Emit) -> None:
    for match in candidates:
        emit(
            rule.id,
            rule.pack,
            rule.category,
            rule.severity,
            match.start(),
            match.end(),
            suggestion(rule.suggestion, match),
            rule.note,
        )


_EXPANDED: dict[tuple[str, str, tuple[str | None, ...]], str] = {}


def suggestion(template: str, match: re.Match[str]) -> str:
    """``fold(match.expand(template))``, remembered: Python 3.11 parses the template anew
    on every ``expand``, which costs more than the rest of a finding, and the same few
    (template, groups) come back page after page."""
    if "\\" not in template:  # nothing to expand
        return fold(template)
    key = (template, match.re.pattern, match.groups())
    expanded = _EXPANDED.get(key)
    if expanded is None:
        if len(_EXPANDED) >= 4096:
            _EXPANDED.clear()
        expanded = _EXPANDED[key] = fold(match.expand(template))
    return expanded
