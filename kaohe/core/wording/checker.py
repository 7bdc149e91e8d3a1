"""The checker: rule packs + roster + allowlist compiled once, then ``scan(text)`` per page.

One scan =

1. one automaton pass (:mod:`.engine`) for every literal rule and roster name, which also
   reports the characters that need folding (one-character "trigger" patterns) and the
   literals that regex rules start with or require ("gate" patterns, see
   :mod:`.regexinfo`);
2. folding at those positions only (:mod:`.normalize`), and a second pass only if folding
   can change what matches (a traditional character, a deleted zero-width space);
3. the regex rules whose gate matched (a regex without a usable gate is prechecked with
   ``in``), and the privacy detectors;
4. :class:`~.model.Finding` objects whose offsets point into the original text.

Why so: on this machine the automaton scans ~110 MB/s, and every extra pass of Python's
``re`` or ``str.translate`` over a page costs a sizeable fraction of that, so work that the
automaton can do in its one pass is moved there.

Post-filters (exceptions, page date, allowlist, ignore marks) only look at the hits, which
are rare, so their cost does not grow with the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter

from . import privacy, regexinfo
from . import roster as roster_mod
from .allow import Allowlist, Mark, fingerprint, marked, parse_marks
from .engine import DEFAULT_BACKEND, Automaton, Match
from .gates import choose_gates
from .model import Category, Finding, Rule, RulePack, Severity
from .normalize import NormalizedText, Normalizer, fold
from .packs import check_unique_ids, load_default_packs
from .roster import Roster, Tenure

# A renamed agency's old name is right when the text talks about the reform itself:
# "原县国土资源局", "不再保留县环境保护局", "县环保局现已更名为…", "将县国土资源局的职责整合".
_FORMER_BEFORE = re.compile(
    r"(?:原|撤销|不再保留|前身为|前身是)"
    r"(?:[\u4e00-\u9fff]{0,8}?(?:省|自治区|市|州|盟|地区|县|区|旗))?$"
)
_FORMER_AFTER = re.compile(
    r"(?:现已|已经|已|正式)?(?:更名|改名|改称|并入|划入|撤销|的职责|职责|不再保留|整合)"
)
_BEFORE_WINDOW = 14


@dataclass(slots=True)
class _Literal:
    rule: Rule
    exceptions: tuple[tuple[str, int], ...]  # (folded correct phrase, pattern offset in it)

    def excepted(self, text: str, start: int) -> bool:
        for phrase, offset in self.exceptions:
            begin = start - offset
            if begin >= 0 and text.startswith(phrase, begin):
                return True
        return False


@dataclass(slots=True)
class _Slot:
    """Everything attached to one automaton pattern."""

    plain: list[_Literal] = field(default_factory=list)
    dated: list[_Literal] = field(default_factory=list)  # sorted by effective date
    name: str | None = None  # a roster name


@dataclass(slots=True)
class _Regex:
    rule: Rule
    regex: re.Pattern[str]
    required: str  # a literal every match contains; the regex is skipped without it
    # Automaton indices of literals one of which every match starts with or contains; when
    # set, the regex only runs on pages where the automaton saw one of them.
    gates: frozenset[int] = frozenset()
    anchored: bool = False  # the gates are prefixes: try the regex only where they matched


Emit = Callable[..., None]


class Checker:
    """Compiled rules. Build with :meth:`from_packs`; reuse for every page."""

    def __init__(
        self,
        packs: Sequence[RulePack],
        roster: Iterable[Tenure | tuple] = (),
        allowlist: Iterable[str] = (),
        ignore: Iterable[Mark | str] = (),
        fixed: Iterable[Mark | str] = (),
        engine: str = DEFAULT_BACKEND,
    ) -> None:
        self.packs = tuple(packs)
        check_unique_ids(self.packs)
        self.roster = Roster(
            Tenure(fold(t.name), fold(t.title), t.start, t.end) for t in Roster(roster).tenures
        )
        self.allowlist = Allowlist(allowlist)
        self.ignore = parse_marks(ignore)
        self.fixed = parse_marks(fixed)

        slots, regexes, context = self._compile(self.packs)
        for name in self.roster.names:
            slots.setdefault(name, _Slot()).name = name
        for regex in (_FORMER_BEFORE, _FORMER_AFTER, *privacy.REGEXES):
            context |= regexinfo.needs_folding(regexinfo.alphabet(regex.pattern))
        for words in (
            self.roster.titles,
            roster_mod.FORMER_MARKERS,
            privacy.BANK_CONTEXT,
            self.allowlist.phrases,
        ):
            for word in words:
                context.update(word)

        #: The literal patterns (folded) of the rules and roster names, in automaton order.
        self.patterns: tuple[str, ...] = tuple(slots)
        self._slots = tuple(slots.values())
        self._regexes = tuple(regexes)
        pattern_chars = {ch for pattern in self.patterns for ch in pattern}
        self.normalizer = Normalizer(pattern_chars | context)
        self._plan_automaton(pattern_chars, engine)

    @staticmethod
    def _compile(packs: Sequence[RulePack]) -> tuple[dict[str, _Slot], list[_Regex], set[str]]:
        """Literal rules grouped by folded pattern, regex rules, and the characters that
        are looked at around matches (exceptions) or by regexes, so they must be folded."""
        slots: dict[str, _Slot] = {}
        regexes: list[_Regex] = []
        context: set[str] = set()
        for pack in packs:
            for rule in pack.rules:
                if rule.regex:
                    bad = regexinfo.unfolded_characters(rule.pattern)
                    if bad:
                        raise ValueError(f"规则 {rule.id}：正则中含有会被归一化的字符 {bad}")
                    literals = regexinfo.required_literals(rule.pattern)
                    compiled = re.compile(rule.pattern)
                    regexes.append(_Regex(rule, compiled, literals[0] if literals else ""))
                    context |= regexinfo.needs_folding(regexinfo.alphabet(rule.pattern))
                    continue
                pattern = fold(rule.pattern)
                if fold(rule.suggestion) == pattern:
                    raise ValueError(
                        f"规则 {rule.id}：建议与错误写法归一化后相同（{rule.pattern}）"
                    )
                literal = _Literal(rule, _exceptions(rule, pattern))
                slot = slots.setdefault(pattern, _Slot())
                (slot.dated if rule.effective else slot.plain).append(literal)
                for phrase, _ in literal.exceptions:
                    context.update(phrase)
        for slot in slots.values():
            slot.dated.sort(key=lambda lit: lit.rule.effective or date.min)
        return slots, regexes, context

    def _plan_automaton(self, pattern_chars: set[str], engine: str) -> None:
        """One automaton: rule patterns, then regex gates (:mod:`.gates`), then fold
        triggers, then privacy flags (runs of three full-width digits, then single ones,
        then the separators the privacy gate cannot see; see :func:`.privacy.worth_detecting`).

        The extra patterns must not change any rule match: matching is leftmost-longest and
        non-overlapping, so none of them may overlap a rule pattern or hide another."""
        triggers = self.normalizer.keys
        trigger_set = set(triggers)
        # Flags are dropped when full-width digits must be folded anyway (a pack with digits).
        flags = () if trigger_set.intersection(privacy.FLAG_CHARS) else privacy.FLAGS
        first = len(self.patterns)
        by_char: dict[str, list[str]] = {}  # overlapping strings share a character
        for pattern in self.patterns:
            for ch in set(pattern):
                by_char.setdefault(ch, []).append(pattern)
        gates: list[str] = []
        for item in self._regexes:
            chosen, item.anchored = choose_gates(
                item.rule.pattern, trigger_set, gates, by_char, set(privacy.FLAG_CHARS)
            )
            for gate in chosen:
                if gate not in gates:
                    gates.append(gate)
            item.gates = frozenset(first + gates.index(gate) for gate in chosen)
        # Gate → the regexes it opens (by position); the others are prechecked by literal.
        gate_items: dict[int, list[int]] = {}
        for number, item in enumerate(self._regexes):
            for gate_index in sorted(item.gates):
                gate_items.setdefault(gate_index, []).append(number)
        self._gate_items = {gate: tuple(items) for gate, items in gate_items.items()}
        self._ungated = tuple(item for item in self._regexes if not item.gates)
        # ``re`` finds a literal about twice as fast as ``in`` on these pages (one pass of a
        # tight first-character loop instead of the general substring search).
        self._required_search = {
            item.required: re.compile(re.escape(item.required)).search
            for item in self._ungated
            if item.required
        }
        self._first_trigger = first + len(gates)
        self._first_flag = self._first_trigger + len(triggers)
        self._has_flags = bool(flags)
        # Single full-width digits and wide separators followed by a digit, when no pattern,
        # gate or trigger holds such a separator (they then can never hide a match nor be
        # hidden; see privacy.worth_detecting).
        # A separator flag covers the digit after it: no pattern or gate may start with one.
        used = trigger_set | pattern_chars | {ch for gate in gates for ch in gate}
        starts = {p[0] for p in (*self.patterns, *gates)}
        extra: tuple[str, ...] = ()
        self._privacy_hints = (
            bool(flags)
            and not used.intersection(privacy.WIDE_SEPARATORS)
            and not starts.intersection("0123456789" + privacy.FLAG_CHARS)
        )
        if self._privacy_hints:
            extra = (*privacy.FLAG_CHARS, *privacy.SEPARATOR_FLAGS)
        self._first_lone = self._first_flag + len(flags)
        self._first_separator = self._first_lone + len(privacy.FLAG_CHARS)
        # Gates with full-width digits hide them from the flags: count them as lone digits.
        self._wide_gates = frozenset(
            first + i for i, gate in enumerate(gates) if set(gate) & set(privacy.FLAG_CHARS)
        )
        # A trigger folds into a character that a pattern (or a gate) may contain: the page
        # must be scanned again once folded, or that match would be missed.
        table = self.normalizer.table
        images = {image for image in table.values() if image}
        matched = pattern_chars | {ch for gate in gates for ch in gate if ch in images}
        self._rescan = frozenset(
            self._first_trigger + i
            for i, ch in enumerate(triggers)
            if not table[ord(ch)] or table[ord(ch)] in matched
        )
        self.automaton = Automaton(
            (*self.patterns, *gates, *triggers, *flags, *extra), backend=engine
        )

    @classmethod
    def from_packs(
        cls,
        packs: Sequence[RulePack] | None = None,
        *,
        roster: Iterable[Tenure | tuple] = (),
        allowlist: Iterable[str] = (),
        ignore: Iterable[Mark | str] = (),
        fixed: Iterable[Mark | str] = (),
        engine: str = DEFAULT_BACKEND,
    ) -> Checker:
        """Compile ``packs`` (default: :func:`load_default_packs`) with a roster of
        ``(name, title, start, end)`` tenures, allowlist phrases (``re:`` for a regex),
        and ignore / mark-fixed lists of ``(rule id, fingerprint)``."""
        return cls(
            load_default_packs() if packs is None else packs,
            roster=roster,
            allowlist=allowlist,
            ignore=ignore,
            fixed=fixed,
            engine=engine,
        )

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(rule for pack in self.packs for rule in pack.rules)

    def scan(
        self,
        text: str,
        page_date: date | datetime | str | None = None,
        *,
        ignore: Iterable[Mark | str] = (),
        fixed: Iterable[Mark | str] = (),
    ) -> list[Finding]:
        """Findings in ``text`` ordered by offset. ``page_date`` decides the date-bound
        rules (renamed agencies, leader tenures); ``ignore``/``fixed`` add to the lists given
        at construction, for this page only."""
        on = _as_date(page_date)
        ignored = self.ignore | parse_marks(ignore) if ignore else self.ignore
        fixed_marks = self.fixed | parse_marks(fixed) if fixed else self.fixed
        norm, matches, seen = self._fold_and_match(text)
        folded = norm.text
        found: list[Finding] = []
        allowlist = self.allowlist

        def emit(
            rule: str,
            pack: str,
            category: Category,
            severity: Severity,
            start: int,
            end: int,
            suggestion: str,
            note: str = "",
            quoted: str | None = None,
        ) -> None:
            o_start, o_end = norm.span(start, end)
            if allowlist and allowlist.covers(norm, start, end, o_start, o_end):
                return
            print_ = fingerprint(rule, folded, start, end, quoted)
            if marked(ignored, rule, print_):
                return
            found.append(
                Finding(
                    text=text[o_start:o_end] if quoted is None else quoted,
                    offset=o_start,
                    length=o_end - o_start,
                    category=category,
                    severity=severity,
                    suggestion=suggestion,
                    rule=rule,
                    pack=pack,
                    note=note,
                    fingerprint=print_,
                    reopened=marked(fixed_marks, rule, print_),
                )
            )

        slots = self._slots
        for start, end, index in matches:
            slot = slots[index]
            for literal in slot.plain:
                if literal.exceptions and literal.excepted(folded, start):
                    continue
                rule = literal.rule
                emit(
                    rule.id,
                    rule.pack,
                    rule.category,
                    rule.severity,
                    start,
                    end,
                    rule.suggestion,
                    rule.note,
                )
            if slot.dated:
                self._dated(slot.dated, folded, start, end, on, emit)
            if slot.name is not None:
                hit = self.roster.check(folded, start, end, slot.name, on)
                if hit is not None:
                    emit(
                        roster_mod.RULE,
                        roster_mod.PACK,
                        Category.LEADER_TITLE,
                        hit.severity,
                        hit.start,
                        hit.end,
                        hit.suggestion,
                        hit.note,
                    )
        regexes = self._regexes
        if seen:  # gated regexes: only those whose gates were seen, only where they were
            starts_of: dict[int, list[int]] = {}
            gate_items = self._gate_items
            for gate, at in seen.items():
                for number in gate_items.get(gate, ()):
                    starts_of[number] = starts_of[number] + at if number in starts_of else at
            for number, starts in starts_of.items():
                item = regexes[number]
                regex = item.regex
                if item.anchored:  # a match starts where one of its prefixes was seen
                    if len(starts) > 1:
                        starts = sorted(starts)
                    candidates = [m for s in starts if (m := regex.match(folded, s)) is not None]
                else:
                    candidates = list(regex.finditer(folded))
                if candidates:
                    self._emit_regex(item.rule, candidates, emit)
        required_search = self._required_search
        for item in self._ungated:
            if item.required and required_search[item.required](folded) is None:
                continue
            candidates = list(item.regex.finditer(folded))
            if candidates:
                self._emit_regex(item.rule, candidates, emit)
        if self._privacy_hints:
            gated = privacy.worth_detecting(
                folded,
                self._first_flag in seen,
                self._first_lone in seen or not self._wide_gates.isdisjoint(seen),
                seen.get(self._first_separator, ()),
            )
            hits = privacy.detect(folded, on, gated=True) if gated else ()
        else:
            full_width = (self._first_flag in seen) if self._has_flags else None
            hits = privacy.detect(folded, on, full_width=full_width)
        for hit in hits:
            emit(
                hit.rule,
                privacy.PACK,
                Category.PRIVACY,
                hit.severity,
                hit.start,
                hit.end,
                hit.suggestion,
                quoted=hit.masked,
            )
        found.sort(key=lambda f: (f.offset, -f.length, f.rule))
        return found

    @staticmethod
    def _emit_regex(rule: Rule, candidates: list[re.Match[str]], emit: Emit) -> None:
        for match in candidates:
            emit(
                rule.id,
                rule.pack,
                rule.category,
                rule.severity,
                match.start(),
                match.end(),
                fold(match.expand(rule.suggestion)),
                rule.note,
            )

    def _fold_and_match(
        self, text: str
    ) -> tuple[NormalizedText, list[Match], dict[int, list[int]]]:
        """One automaton pass; fold where triggers matched; scan again only if needed.

        Returns the folded text, the rule / roster matches, and what else was seen: where
        each gate matched, and where the privacy flags did (under ``_first_flag`` for runs
        of full-width digits, ``_first_lone`` for single ones, ``_first_separator``)."""
        matches = self.automaton.find(text)
        first = len(self.patterns)
        if max(map(itemgetter(2), matches), default=-1) < first:
            return NormalizedText(text, text), matches, {}
        norm: NormalizedText | None = None
        if len(matches) > max(64, len(text) >> 4):  # mostly triggers: traditional script
            norm = self.normalizer.normalize_all(text)
            if not self._rescan.isdisjoint(map(itemgetter(2), matches)):
                matches = self.automaton.find(norm.text)
            rules, seen, _ = self._sort(matches)
            return norm, rules, seen
        rules, seen, positions = self._sort(matches)
        if positions:
            norm = self.normalizer.normalize_at(text, positions)
            if not self._rescan.isdisjoint(map(itemgetter(2), matches)):
                rules, seen, _ = self._sort(self.automaton.find(norm.text))
        return norm or NormalizedText(text, text), rules, seen

    def _sort(self, matches: list[Match]) -> tuple[list[Match], dict[int, list[int]], list[int]]:
        """Rule / roster matches; where gates and privacy flags matched; trigger positions."""
        first, last, flag = len(self.patterns), self._first_trigger, self._first_flag
        lone, separator = self._first_lone, self._first_separator
        rules: list[Match] = []
        seen: dict[int, list[int]] = {}
        positions: list[int] = []
        for match in matches:
            index = match[2]
            if index < first:
                rules.append(match)
            elif index < last:
                seen.setdefault(index, []).append(match[0])
            elif index < flag:
                positions.append(match[0])
            else:
                key = flag if index < lone else lone if index < separator else separator
                seen.setdefault(key, []).append(match[0])
        return rules, seen, positions

    def _dated(
        self,
        dated: list[_Literal],
        folded: str,
        start: int,
        end: int,
        on: date | None,
        emit: Emit,
    ) -> None:
        """Date-bound rules of one pattern: the newest one in force on the page date."""
        chosen: _Literal | None = dated[-1] if on is None else None
        if on is not None:
            for literal in dated:
                effective = literal.rule.effective
                if effective is not None and effective <= on:
                    chosen = literal
        if chosen is None:
            return
        rule = chosen.rule
        if chosen.exceptions and chosen.excepted(folded, start):
            return
        if rule.category is Category.RENAMED_AGENCY and _former_context(folded, start, end):
            return
        since = rule.effective.isoformat() if rule.effective else ""
        if on is None:
            severity = Severity.INFO
            note = f"页面无日期：{since}起应称“{rule.suggestion}”，请核对页面日期"
        else:
            severity = rule.severity
            note = f"{since}起应称“{rule.suggestion}”" + (f"；{rule.note}" if rule.note else "")
        emit(rule.id, rule.pack, rule.category, severity, start, end, rule.suggestion, note)


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None or type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10]) if value else None


def _exceptions(rule: Rule, pattern: str) -> tuple[tuple[str, int], ...]:
    """Folded exception phrases with the pattern's offset inside each. The suggestion is
    one too when it contains the pattern (旅游局 → 文化和旅游局): the right form at the
    position must never be reported as the wrong one."""
    phrases = [fold(e) for e in rule.exceptions]
    suggestion = fold(rule.suggestion)
    if pattern in suggestion and suggestion != pattern:
        phrases.append(suggestion)
    result = []
    for phrase in dict.fromkeys(phrases):
        offset = phrase.find(pattern)
        while offset != -1:
            result.append((phrase, offset))
            offset = phrase.find(pattern, offset + 1)
    return tuple(result)


def _former_context(text: str, start: int, end: int) -> bool:
    if _FORMER_BEFORE.search(text, max(0, start - _BEFORE_WINDOW), start):
        return True
    return _FORMER_AFTER.match(text, end) is not None
