"""Text folding before matching, with a map back to the original offsets.

Pages come full-width (``２０２０``, ``（``), traditional (``國土資源局``) or sprinkled with
zero-width characters pasted from Word; the rules are written once, in simplified,
half-width form. Folding rules:

- full-width ASCII U+FF01–U+FF5E → ASCII; U+3000 and NBSP → space;
- 繁→简 one character at a time, from OpenCC's ``TSCharacters`` table as shipped by
  ``opencc-python-reimplemented`` (first candidate; the table is Apache-2.0). Phrase-level
  conversion is not used: it may change the length and it is not needed to find words;
- zero-width / soft-hyphen format characters are deleted.

Every mapping is one character to one character, or one character to none, so the offset
map only has to remember deletions (a handful per page, usually none).

Speed: ``str.translate`` runs at 25–50 MB/s on Chinese text here, slower than the automaton,
and even a regex scan for the characters to fold costs a third of an automaton pass. So:

- :class:`Normalizer` can be restricted to the characters whose folded form can take part in
  a match (the checker passes the alphabet of its rules): a ``，`` is left alone when no rule
  contains ``,``. Folding it would not change any result, only cost time.
- :meth:`Normalizer.normalize_at` folds only the positions the caller already found. The
  checker adds the foldable characters to its automaton as one-character "trigger"
  patterns, so the one automaton pass it makes anyway also says where folding is needed;
  most simplified pages have no trigger at all and are never copied.
- :meth:`Normalizer.normalize` finds them itself (one regex scan) for other callers.

A page with many foldable characters (traditional script) falls back to ``str.translate``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DELETED_CHARS = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
SPACES = "\u3000\u00a0"


@lru_cache(maxsize=1)
def traditional_table() -> dict[int, str]:
    """繁→简 for single characters, from OpenCC's TSCharacters.txt (first candidate)."""
    try:
        data = (resources.files("opencc") / "dictionary" / "TSCharacters.txt").read_text(
            encoding="utf-8"
        )
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError) as exc:
        raise ImportError(
            "繁简转换需要 opencc-python-reimplemented==0.1.7（提供 OpenCC 的 TSCharacters 字表）"
        ) from exc
    table: dict[str, str] = {}
    for line in data.splitlines():
        key, _, values = line.partition("\t")
        first = values.split(" ", 1)[0].strip()
        if len(key) == 1 and len(first) == 1 and key != first:
            table[key] = first
    # Resolve chains (A→B, B→C) so that folding is idempotent.
    resolved: dict[int, str] = {}
    for key, value in table.items():
        seen = {key}
        while value in table and value not in seen:
            seen.add(value)
            value = table[value]
        if value != key:
            resolved[ord(key)] = value
    return resolved


@lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """The full folding table: width, traditional script, spaces and deleted characters."""
    table = dict(traditional_table())
    table.update({code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
    table.update({ord(ch): " " for ch in SPACES})
    table.update({ord(ch): "" for ch in DELETED_CHARS})
    return table


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Folded text plus what is needed to map its offsets back to the original.

    ``breaks``/``shifts``: from folded index ``breaks[i]`` on, ``shifts[i]`` characters
    of the original had been deleted before it.
    """

    original: str
    text: str
    breaks: tuple[int, ...] = ()
    shifts: tuple[int, ...] = ()

    def to_original(self, index: int) -> int:
        """Original index of the folded character at ``index``."""
        if not self.breaks:
            return index
        i = bisect_right(self.breaks, index) - 1
        return index + (self.shifts[i] if i >= 0 else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the folded span; deleted characters inside it
        are included, those just outside it are not."""
        if not self.breaks:
            return start, end
        begin = self.to_original(start)
        if end <= start:
            return begin, begin
        return begin, self.to_original(end - 1) + 1


class Normalizer:
    """Folds text with :func:`fold_table`, optionally only where it can matter.

    ``relevant``: the characters rules can match (in folded form). Mapped characters whose
    folded form is not among them are left alone; deletions always apply, because a
    zero-width space inside a word would otherwise hide it.
    """

    #: Above this share of changed runs, one ``str.translate`` is cheaper than run by run.
    DENSE = 1 / 24
    #: Same for :meth:`normalize_at`, whose positions cost less than regex-found runs.
    DENSE_AT = 1 / 12

    def __init__(self, relevant: Iterable[str] | None = None) -> None:
        full = fold_table()
        if relevant is None:
            self.table = dict(full)
        else:
            keep = set(relevant)
            self.table = {k: v for k, v in full.items() if v == "" or v in keep}
        # str.translate raises and swallows a KeyError for every character a dict does not
        # map; a list indexed by code point (identity where nothing changes) is twice as fast.
        # It covers the BMP; the few supplementary-plane keys (CJK Extension B…) are applied
        # separately, and only to text that has such characters at all.
        self._lookup: list[int | str | None] = list(range(0x10000))
        self._astral: dict[int, str | None] = {}
        for code, image in self.table.items():
            if code < 0x10000:
                self._lookup[code] = image or None
            else:
                self._astral[code] = image or None
        chars = "".join(sorted(chr(k) for k in self.table))
        self._runs = re.compile("[" + _escape_class(chars) + "]+") if chars else None
        self._deletions = re.compile("[" + _escape_class(DELETED_CHARS) + "]")

    def _translate(self, text: str) -> str:
        folded = text.translate(self._lookup)
        # Supplementary-plane keys (CJK Extension B…) only when the text has such characters:
        # UTF-16 needs two units for each of them, a cheap test (ASCII text needs none).
        if (
            self._astral
            and not text.isascii()
            and len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)
        ):
            folded = folded.translate(self._astral)
        return folded

    @property
    def keys(self) -> tuple[str, ...]:
        """The characters this normalizer changes (or deletes)."""
        return tuple(chr(code) for code in self.table)

    def normalize_at(self, text: str, positions: list[int]) -> NormalizedText:
        """Fold ``text`` knowing where its foldable characters are: ``positions`` (ascending)
        must list every index of ``text`` holding one of :attr:`keys`, as the caller's
        automaton found them."""
        if not positions:
            return NormalizedText(text, text)
        if len(positions) > max(64, len(text) * self.DENSE_AT):
            return self.normalize_all(text)
        table = self.table
        pieces: list[str] = []
        append = pieces.append
        last = 0
        deleting = False
        for position in positions:
            folded = table[ord(text[position])]
            append(text[last:position])
            append(folded)
            last = position + 1
            if not folded:
                deleting = True
        append(text[last:])
        folded_text = "".join(pieces)
        if not deleting:
            return NormalizedText(text, folded_text)
        return self._with_deletions(text, folded_text)

    def normalize(self, text: str) -> NormalizedText:
        """Fold ``text`` and keep the map back to it."""
        if self._runs is None:
            return NormalizedText(text, text)
        limit = max(64, int(len(text) * self.DENSE))
        pieces: list[str] = []
        append = pieces.append
        last = 0
        deleting = False
        for count, match in enumerate(self._runs.finditer(text)):
            if count > limit:
                return self.normalize_all(text)
            start, end = match.span()
            run = match.group()
            folded = self._translate(run)
            append(text[last:start])
            append(folded)
            last = end
            if len(folded) != len(run):
                deleting = True
        if not pieces:
            return NormalizedText(text, text)
        append(text[last:])
        folded_text = "".join(pieces)
        if not deleting:
            return NormalizedText(text, folded_text)
        return self._with_deletions(text, folded_text)

    def normalize_all(self, text: str) -> NormalizedText:
        """Fold with one ``str.translate`` over the whole text: cheaper than run by run when
        most of it changes (a traditional-script page)."""
        folded = self._translate(text)
        if len(folded) == len(text):
            return NormalizedText(text, folded)
        return self._with_deletions(text, folded)

    def _with_deletions(self, text: str, folded: str) -> NormalizedText:
        breaks: list[int] = []
        shifts: list[int] = []
        for deleted, match in enumerate(self._deletions.finditer(text), start=1):
            index = match.start() - deleted + 1  # folded index of the next kept character
            if breaks and breaks[-1] == index:
                shifts[-1] = deleted
            else:
                breaks.append(index)
                shifts.append(deleted)
        return NormalizedText(text, folded, tuple(breaks), tuple(shifts))


def _escape_class(chars: str) -> str:
    return "".join("\\" + ch if ch in "\\]^-[" else ch for ch in chars)


@lru_cache(maxsize=1)
def _full() -> Normalizer:
    return Normalizer()


def fold(text: str) -> str:
    """Fold a short string completely (patterns, allowlist phrases, fingerprints)."""
    return _full()._translate(text)


def normalize(text: str) -> NormalizedText:
    """Fold a whole text completely, keeping the offset map."""
    return _full().normalize(text)
