"""What a regex rule needs from a page, read off its parsed form.

The checker uses this to avoid work: which characters must be folded before the regex runs
(:func:`alphabet`, :func:`needs_folding`), and which literals every match starts with or
contains (:func:`literal_prefixes`, :func:`required_literals`), so that the automaton pass it
makes anyway can tell whether the regex can match the page at all.

It reads ``re``'s own parser (``re._parser``, private but stable across 3.11–3.13); every
answer errs on the safe side: "always run" or "fold everything the regex mentions".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]

from .normalize import fold, fold_table

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def alphabet(pattern: str) -> set[str]:
    """Characters the regex can match literally (classes of up to 257 characters included)."""
    chars: set[str] = set()

    def walk(items: Iterable) -> None:
        for op, av in items:
            if op in (sre.LITERAL, sre.NOT_LITERAL):
                chars.add(chr(av))
            elif op is sre.IN:
                for item_op, item_av in av:  # literals and small ranges; not \d etc.
                    if item_op is sre.LITERAL:
                        chars.add(chr(item_av))
                    elif item_op is sre.RANGE and item_av[1] - item_av[0] <= 256:
                        chars.update(map(chr, range(item_av[0], item_av[1] + 1)))
            elif op is sre.SUBPATTERN:
                walk(av[-1])
            elif op in _REPEATS:
                walk(av[2])
            elif op is sre.BRANCH:
                for branch in av[1]:
                    walk(branch)
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                walk(av[1])
            elif op is sre.ATOMIC_GROUP:
                walk(av)

    walk(parser.parse(pattern))
    return chars


def needs_folding(chars: set[str]) -> set[str]:
    """The characters of ``chars`` whose unfolded forms are not in ``chars`` themselves: only
    those have to be folded in the page (a regex listing ``[0-9０-９]`` needs no folding)."""
    preimages: dict[str, set[str]] = {}
    for code, image in fold_table().items():
        if image in chars:
            preimages.setdefault(image, set()).add(chr(code))
    return {ch for ch in chars if not preimages.get(ch, set()) <= chars}


def unfolded_characters(pattern: str) -> list[str]:
    """Foldable characters a regex lists without their folded form: it could never match
    them, since it runs on folded text."""
    chars = alphabet(pattern)
    return sorted(ch for ch in chars if fold(ch) != ch and fold(ch) not in chars)


def required_literals(pattern: str) -> list[str]:
    """Runs of literal characters that every match contains (top level, plain groups and
    look-arounds), longest first."""
    runs: list[str] = []
    current: list[str] = []

    def cut() -> None:
        runs.append("".join(current))
        current.clear()

    def walk(items: Iterable) -> None:
        for op, av in items:
            if op is sre.LITERAL:
                current.append(chr(av))
            elif op is sre.SUBPATTERN:
                walk(av[-1])
            elif op in _REPEATS and av[0] >= 1:
                cut()
                walk(av[2])  # the first repetition is required, what follows it is not
                cut()
            elif op is sre.ASSERT:
                cut()
                walk(av[1])  # a look-ahead / look-behind's text must be there too
                cut()
            elif op in (sre.ASSERT_NOT, sre.AT):
                pass  # zero-width: the literal run around it stays contiguous in the text
            else:
                cut()

    walk(parser.parse(pattern))
    cut()
    return sorted({run for run in runs if run}, key=lambda run: (-len(run), run))


def literal_prefixes(pattern: str, length: int = 4, limit: int = 128) -> list[str]:
    """Every string of up to ``length`` characters that a match can start with, when the
    regex starts with literals, small classes and alternations of literals; [] otherwise
    (or when there would be more than ``limit`` of them, or any shorter than two)."""
    prefixes, _ = _expand(list(parser.parse(pattern)), [""], length, limit)
    if not prefixes or min(map(len, prefixes)) < 2:
        return []
    return sorted(prefixes)


def _expand(items: list, prefixes: list[str], length: int, limit: int) -> tuple[list[str], bool]:
    """Extend ``prefixes`` by ``items``; the flag says whether all items were consumed."""
    for op, av in items:
        if min(map(len, prefixes)) >= length:
            return prefixes, False
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue  # zero-width
        if op is sre.LITERAL:
            options: list[str] | None = [chr(av)]
        elif op is sre.IN:
            options = _class_chars(av, limit=32)
        elif op is sre.SUBPATTERN:
            extended, complete = _expand(list(av[-1]), prefixes, length, limit)
            if not extended:
                return prefixes, False
            prefixes = extended
            if not complete:
                return prefixes, False
            continue
        elif op is sre.BRANCH:
            options = []
            for branch in av[1]:
                alternatives, complete = _expand(list(branch), [""], length, limit)
                if not alternatives or not complete:
                    options = None
                    break
                options.extend(alternatives)
        elif op in _REPEATS and av[0] >= 1:
            extended, _ = _expand(list(av[2]), prefixes, length, limit)
            return (extended or prefixes), False
        else:
            options = None
        if not options:
            return prefixes, False
        extended = [p + o for p in prefixes for o in options]
        if len(extended) > limit:
            return prefixes, False
        prefixes = extended
    return prefixes, True


def _class_chars(items: list, limit: int) -> list[str] | None:
    """The characters of a ``[...]`` class, or None if it is negated, uses categories
    (``\\d``, ``\\w``) or is larger than ``limit``."""
    chars: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            chars.append(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < limit:
            chars.extend(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
        if len(chars) > limit:
            return None
    return chars


def overlaps(a: str, b: str) -> bool:
    """Could matches of ``a`` and ``b`` overlap (one inside the other, or an end of one
    being the start of the other)?"""
    if a in b or b in a:
        return True
    for k in range(1, min(len(a), len(b))):  # noqa: SIM110 - a plain loop is much faster
        if a[-k:] == b[:k] or b[-k:] == a[:k]:
            return True
    return False


def union(patterns: Sequence[str]) -> re.Pattern[str] | None:
    """One regex matching wherever any of ``patterns`` matches (at a position, or anywhere),
    to tell in one call that none of them can; None if they cannot be combined. Each is put
    in its own branch with its group names made unique; the parse of each renamed pattern
    must equal the original's (only names changed), and back-references are refused, since
    renumbered groups would change what they refer to."""
    branches = []
    try:
        for number, pattern in enumerate(patterns):
            parsed = parser.parse(pattern)
            if _has_groupref(parsed):
                return None
            renamed = pattern
            for name in parsed.state.groupdict:
                renamed = renamed.replace(f"(?P<{name}>", f"(?P<u{number}_{name}>")
            if str(parser.parse(renamed)) != str(parsed):
                return None
            branches.append(f"(?:{renamed})")
        return re.compile("|".join(branches))
    except re.error:  # e.g. inline global flags, which must come first
        return None


def _has_groupref(items: Iterable) -> bool:
    for op, av in items:
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            return True
        if op is sre.SUBPATTERN and _has_groupref(av[-1]):
            return True
        if op in _REPEATS and _has_groupref(av[2]):
            return True
        if op is sre.BRANCH and any(_has_groupref(branch) for branch in av[1]):
            return True
        if op in (sre.ASSERT, sre.ASSERT_NOT) and _has_groupref(av[1]):
            return True
        if op is sre.ATOMIC_GROUP and _has_groupref(av):
            return True
    return False
