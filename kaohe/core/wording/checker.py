"""The checker: rule packs + roster + allowlist compiled once, then ``scan(text)`` per page.

One scan =

1. one automaton pass (:mod:`.engine`) for every literal rule and roster name, which also
   reports the characters that need folding (one-character "trigger" patterns) and the
   literals that regex rules start with or require ("gate" patterns, see :mod:`.gates`);
   a page whose first characters are mostly triggers (traditional script) is folded whole
   first instead, since its first pass would report little else (:meth:`Checker._dense`);
2. folding at the trigger positions only (:mod:`.normalize`), and a second pass only if
   folding can change what matches (a traditional character, a deleted zero-width space);
3. the regex rules whose gates were seen, where they were (:mod:`.regexrules`; rules sharing
   gates are ruled out together by one combined regex), the others behind a literal search,
   and the privacy detectors behind a byte gate (:mod:`.privacy`);
4. :class:`~.model.Finding` objects whose offsets point into the original text.

Why so: on this machine the automaton scans ~220 MB/s, and every extra pass of Python's
``re``, ``str.translate`` or even ``str.encode`` over a page costs a sizeable fraction of
that, as does every Python operation per match; so work that the automaton can do in its
one pass is moved there, and what has to run per page is kept to a few C-level passes.

Post-filters (exceptions, page date, allowlist, ignore marks) only look at the hits, which
are rare, so their cost does not grow with the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
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
from .regexrules import Emit, RegexRule, plan_groups, plan_prechecks
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


@dataclass(slots=True)
class _Slot:
    """Everything attached to one automaton pattern."""

    plain: list[_Literal] = field(default_factory=list)
    dated: list[_Literal] = field(default_factory=list)  # sorted by effective date
    name: str | None = None  # a roster name
    # The exceptions of the dated rules when they all have the same: a match inside one is
    # dropped before the rule in force is looked up (旅游局 inside 文化和旅游局, on every page
    # that names the bureau).
    dated_exceptions: tuple[tuple[str, int], ...] = ()


class Checker:
    """Compiled rules. Build with :meth:`from_packs`; reuse for every page."""

    SAMPLE = 96  # characters looked at by :meth:`_dense`

    def __init__(
        self,
        packs: Sequence[RulePack],
        roster: Iterable[Tenure | tuple] = (),
        allowlist: Iterable[str] = (),
        ignore: Iterable[Mark | str] = (),
        fixed: Iterable[Mark | str] = (),
        engine: str = DEFAULT_BACKEND,
        personal_data: bool = True,
    ) -> None:
        self.packs = tuple(packs)
        #: Detect personal data too (身份证号, 手机号, 银行卡号) — a check of its own beside the
        #: wording rules. Inspections keep it on; off, the wording rules run alone (what
        #: benchmarks/bench_wording.py times against a bare automaton).
        self.personal_data = personal_data
        check_unique_ids(self.packs)
        self.roster = Roster(
            Tenure(fold(t.name), fold(t.title), t.start, t.end) for t in Roster(roster).tenures
        )
        self.allowlist = Allowlist(allowlist)
        self._allowlist = self.allowlist if self.allowlist else None  # None: nothing to check
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
    def _compile(packs: Sequence[RulePack]) -> tuple[dict[str, _Slot], list[RegexRule], set[str]]:
        """Literal rules grouped by folded pattern, regex rules, and the characters that
        are looked at around matches (exceptions) or by regexes, so they must be folded."""
        slots: dict[str, _Slot] = {}
        regexes: list[RegexRule] = []
        context: set[str] = set()
        for pack in packs:
            for rule in pack.rules:
                if rule.regex:
                    bad = regexinfo.unfolded_characters(rule.pattern)
                    if bad:
                        raise ValueError(f"规则 {rule.id}：正则中含有会被归一化的字符 {bad}")
                    regexes.append(RegexRule(rule, re.compile(rule.pattern)))
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
            if slot.dated and all(lit.exceptions == slot.dated[0].exceptions for lit in slot.dated):
                slot.dated_exceptions = slot.dated[0].exceptions
        return slots, regexes, context

    def _plan_automaton(self, pattern_chars: set[str], engine: str) -> None:
        """One automaton: rule patterns, then regex gates (:mod:`.gates`), then fold
        triggers.

        The extra patterns must not change any rule match: matching is leftmost-longest and
        non-overlapping, so none of them may overlap a rule pattern or hide another."""
        triggers = self.normalizer.keys
        trigger_set = set(triggers)
        first = len(self.patterns)
        by_char: dict[str, list[str]] = {}  # overlapping strings share a character
        for pattern in self.patterns:
            for ch in set(pattern):
                by_char.setdefault(ch, []).append(pattern)
        chosen: dict[int, tuple[str, ...]] = {}
        gates: list[str] = []
        for item in self._regexes:
            chosen[id(item)], item.anchored = choose_gates(
                item.rule.pattern, trigger_set, gates, by_char
            )
            gates.extend(gate for gate in chosen[id(item)] if gate not in gates)
        self._groups = plan_groups([r for r in self._regexes if chosen[id(r)]], chosen)
        self._groups_of: dict[int, list[int]] = {}  # gate index → groups it opens
        for number, group in enumerate(self._groups):
            for gate in group.gate_strings:
                self._groups_of.setdefault(first + gates.index(gate), []).append(number)
        self._prechecks = plan_prechecks([r for r in self._regexes if not chosen[id(r)]])
        self._first_gate = first
        self._first_trigger = first + len(gates)
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
        self.automaton = Automaton((*self.patterns, *gates, *triggers), backend=engine)

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
        personal_data: bool = True,
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
            personal_data=personal_data,
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
        on = page_date if page_date is None or type(page_date) is date else _as_date(page_date)
        norm, matches = self._fold_and_match(text)
        folded = text if norm is None else norm.text
        found: list[Finding] = []
        emit = self._emitter(text, norm, found, ignore, fixed)
        groups = self._groups
        for number, starts in self._literals(matches, folded, on, emit).items():
            groups[number].run(folded, starts, emit)  # the regexes whose gates were seen
        for check in self._prechecks:  # ungated regexes, behind a literal they require
            if check.search is None or check.search(folded) is not None:
                check.run(folded, emit)
        for hit in privacy.detect(folded, on) if self.personal_data else ():
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
        if len(found) > 1:
            found.sort(key=_order)
        return found

    def _emitter(
        self,
        text: str,
        norm: NormalizedText | None,
        found: list[Finding],
        ignore: Iterable[Mark | str],
        fixed: Iterable[Mark | str],
    ) -> Emit:
        """The function that turns a hit (offsets into the folded text) into a finding in
        ``found``, unless the allowlist or an ignore mark suppresses it."""
        ignored = self.ignore | parse_marks(ignore) if ignore else self.ignore
        fixed_marks = self.fixed | parse_marks(fixed) if fixed else self.fixed
        folded = text if norm is None else norm.text
        allowlist = self._allowlist
        append = found.append

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
            o_start, o_end = (start, end) if norm is None else norm.span(start, end)
            if allowlist is not None and allowlist.covers(folded, text, start, end, o_start, o_end):
                return
            print_ = fingerprint(rule, folded, start, end, quoted)
            if ignored and marked(ignored, rule, print_):
                return
            append(
                Finding(  # positional, in field order: cheaper than keywords, per finding
                    text[o_start:o_end] if quoted is None else quoted,
                    o_start,
                    o_end - o_start,
                    category,
                    severity,
                    suggestion,
                    rule,
                    pack,
                    note,
                    print_,
                    bool(fixed_marks) and marked(fixed_marks, rule, print_),
                )
            )

        return emit

    def _literals(
        self, matches: list[Match], folded: str, on: date | None, emit: Emit
    ) -> dict[int, list[int]]:
        """Findings of the literal rules and roster names. Returns where the gates were
        seen, by the regex group they open (positions ascending)."""
        first = self._first_gate
        slots = self._slots
        groups_of = self._groups_of
        starts_of: dict[int, list[int]] = {}
        for start, end, index in matches:
            if index >= first:
                for number in groups_of[index]:
                    starts_of.setdefault(number, []).append(start)
                continue
            slot = slots[index]
            for literal in slot.plain:
                if literal.exceptions and _excepted(literal.exceptions, folded, start):
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
            if slot.dated and not (
                slot.dated_exceptions and _excepted(slot.dated_exceptions, folded, start)
            ):
                self._dated(slot.dated, folded, start, end, on, emit)
            if slot.name is not None:
                self._leader(slot.name, folded, start, end, on, emit)
        return starts_of

    def _leader(
        self, name: str, folded: str, start: int, end: int, on: date | None, emit: Emit
    ) -> None:
        hit = self.roster.check(folded, start, end, name, on)
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

    def _dense(self, text: str) -> bool:
        """Is the page mostly characters to fold (traditional script)? Then its first pass
        would only report triggers (and cost three times a plain pass): it is folded whole
        first. Asked of a sample at the start, by the automaton itself."""
        sample = self.automaton.find(text[: self.SAMPLE])
        last = self._first_trigger
        return (
            len(sample) >= self.SAMPLE >> 4
            and sum(m[2] >= last for m in sample) >= self.SAMPLE >> 4
        )

    def _fold_and_match(self, text: str) -> tuple[NormalizedText | None, list[Match]]:
        """One automaton pass; fold where triggers matched; scan again only if needed.

        Returns the folded text (None: nothing to fold, the page is its own folded form)
        and the rule, roster and gate matches in text order."""
        if self._dense(text):
            norm = self.normalizer.normalize_all(text)
            return norm, self.automaton.find(norm.text)
        matches = self.automaton.find(text)
        last = self._first_trigger
        if not matches or max(map(itemgetter(2), matches)) < last:  # most pages
            return None, matches
        if len(matches) > max(64, len(text) >> 4):  # mostly triggers: traditional script
            norm = self.normalizer.normalize_all(text)
            # Folding nearly always brings pattern characters: scan again without asking.
            return norm, self.automaton.find(norm.text)
        triggers = [match for match in matches if match[2] >= last]
        norm = self.normalizer.normalize_at(text, [match[0] for match in triggers])
        if self._rescan.isdisjoint([match[2] for match in triggers]):
            return norm, [match for match in matches if match[2] < last]
        return norm, self.automaton.find(norm.text)

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
        if chosen.exceptions and _excepted(chosen.exceptions, folded, start):
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


def _excepted(exceptions: tuple[tuple[str, int], ...], text: str, start: int) -> bool:
    """Does one of the correct phrases containing the pattern stand at ``start``?"""
    for phrase, offset in exceptions:
        if start >= offset and text.startswith(phrase, start - offset):
            return True
    return False


def _order(finding: Finding) -> tuple[int, int, str]:
    return (finding.offset, -finding.length, finding.rule)


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
