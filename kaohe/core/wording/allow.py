"""Suppressing findings: the allowlist, and ignore / mark-fixed lists.

- The allowlist holds phrases (and ``re:`` regexes) that are right in their context: a quoted
  historical document title, a URL, a proper name. A finding wholly inside an allowlisted
  span is dropped. Phrases are folded like the page (so a traditional or full-width copy of
  the phrase counts too); regexes run on the original text.
- Ignore / mark-fixed lists hold ``(rule id, fingerprint)`` pairs written by reviewers. The
  fingerprint hashes the rule, the matched text and 8 characters either side, all folded,
  so it survives edits elsewhere on the page and rescans with other pack versions, but a
  new occurrence of the same mistake in another sentence is still reported. ``"*"`` as the
  fingerprint ignores a rule altogether.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from .normalize import fold

CONTEXT = 8
ANY = "*"
Mark = tuple[str, str]


def fingerprint(rule: str, folded: str, start: int, end: int, quoted: str | None = None) -> str:
    """Stable id of a finding. ``quoted`` replaces the matched text (masked personal data
    must not end up in a hash that can be brute-forced back)."""
    lo = max(0, start - CONTEXT)
    window = fold(folded[lo : end + CONTEXT])  # 1:1 here: deletions are already applied
    middle = window[start - lo : end - lo] if quoted is None else quoted
    key = f"{rule}\x1e{window[: start - lo]}\x1f{middle}\x1f{window[end - lo :]}"
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def parse_marks(marks: Iterable[Mark | str]) -> frozenset[Mark]:
    """Accept ``("T0001", "9f…")`` pairs or ``"T0001:9f…"`` strings."""
    parsed = set()
    for mark in marks:
        if isinstance(mark, str):
            rule, sep, print_ = mark.partition(":")
            if not sep:
                raise ValueError(f"标记应为“规则编号:指纹”：{mark!r}")
            parsed.add((rule, print_))
        else:
            rule, print_ = mark
            parsed.add((str(rule), str(print_)))
    return frozenset(parsed)


def marked(marks: frozenset[Mark], rule: str, print_: str) -> bool:
    return bool(marks) and ((rule, print_) in marks or (rule, ANY) in marks)


class Allowlist:
    """Phrases and regexes whose spans suppress the findings inside them."""

    REGEX_WINDOW = 200

    def __init__(self, entries: Iterable[str] = ()) -> None:
        phrases: set[str] = set()
        regexes: list[re.Pattern[str]] = []
        for entry in entries:
            entry = entry.strip()
            if not entry:
                continue
            if entry.startswith("re:"):
                regexes.append(re.compile(entry[3:]))
            else:
                phrases.add(fold(entry))
        self.phrases = tuple(sorted(phrases))
        self.regexes = tuple(regexes)

    def __bool__(self) -> bool:
        return bool(self.phrases or self.regexes)

    def covers(
        self, text: str, original: str, start: int, end: int, o_start: int, o_end: int
    ) -> bool:
        """Is the span ``[start, end)`` of the folded ``text`` (``[o_start, o_end)`` of the
        ``original``) allowlisted?"""
        for phrase in self.phrases:
            lo = max(0, end - len(phrase))
            i = text.find(phrase, lo, start + len(phrase))
            while i != -1 and i <= start:
                if i + len(phrase) >= end:
                    return True
                i = text.find(phrase, i + 1, start + len(phrase))
        if self.regexes:
            lo = max(0, o_start - self.REGEX_WINDOW)
            hi = min(len(original), o_end + self.REGEX_WINDOW)
            for regex in self.regexes:
                for match in regex.finditer(original, lo, hi):
                    if match.start() <= o_start and match.end() >= o_end:
                        return True
        return False
