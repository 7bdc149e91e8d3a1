"""The multi-pattern automaton behind the literal rules.

One automaton holds every literal pattern of a pack set (plus roster names) and is built
once per :class:`~kaohe.core.wording.checker.Checker`, so a page is scanned in one pass
whatever the number of rules. Matching is leftmost-longest and non-overlapping: at a given
position the longest pattern wins (``国家环境保护总局`` over ``环境保护总局``), which is
also what makes a longer correct phrase shadow a wrong one inside it.

Backends: ``ahocorasick-rs`` (default; Rust ``aho-corasick`` crate) and, optionally,
``daachorse`` (a character-wise double-array automaton, faster on large CJK dictionaries
here). Both report code-point offsets for ``str`` input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Match = tuple[int, int, int]  # (pattern index, start, end), code points
BACKENDS = ("ahocorasick_rs", "daachorse")


class Automaton:
    """Leftmost-longest matcher over a fixed list of non-empty patterns."""

    def __init__(self, patterns: Sequence[str], backend: str = "ahocorasick_rs") -> None:
        if backend not in BACKENDS:
            raise ValueError(f"未知的匹配引擎 {backend!r}，可选：{BACKENDS}")
        if any(not p for p in patterns):
            raise ValueError("模式串不能为空")
        self.patterns = tuple(patterns)
        self.backend = backend
        self.find: Callable[[str], list[Match]]
        if not self.patterns:
            self.find = _nothing
        elif backend == "ahocorasick_rs":
            import ahocorasick_rs

            automaton = ahocorasick_rs.AhoCorasick(
                list(self.patterns), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
            )
            self.find = automaton.find_matches_as_indexes
        else:
            import daachorse

            automaton = daachorse.CharwiseDoubleArrayAhoCorasick(
                list(self.patterns), match_kind=daachorse.MATCH_KIND_LEFTMOST_LONGEST
            )
            find = automaton.find

            def reorder(text: str) -> list[Match]:
                return [(index, start, end) for start, end, index in find(text)]

            self.find = reorder


def _nothing(text: str) -> list[Match]:
    return []
