"""The multi-pattern automaton behind the literal rules.

One automaton holds every literal pattern of a pack set (plus roster names) and is built
once per :class:`~kaohe.core.wording.checker.Checker`, so a page is scanned in one pass
whatever the number of rules. Matching is leftmost-longest and non-overlapping: at a given
position the longest pattern wins (``国家环境保护总局`` over ``环境保护总局``), which is
also what makes a longer correct phrase shadow a wrong one inside it.

Backends: ``daachorse`` (default; a character-wise double-array automaton, about twice as
fast as the other on large CJK dictionaries here) and ``ahocorasick-rs`` (Rust
``aho-corasick`` crate). Both report code-point offsets for ``str`` input and give the same
matches. Matches are ``(start, end, pattern index)`` tuples, the order daachorse returns
them in, so the default backend's list is used as it comes (no per-match Python work).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Match = tuple[int, int, int]  # (start, end, pattern index), code points
BACKENDS = ("daachorse", "ahocorasick_rs")
DEFAULT_BACKEND = "daachorse"


class Automaton:
    """Leftmost-longest matcher over a fixed list of non-empty patterns."""

    def __init__(self, patterns: Sequence[str], backend: str = DEFAULT_BACKEND) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"未知的匹配引擎 {backend!r}，可选：{BACKENDS}")
        if any(not p for p in patterns):
            raise ValueError("模式串不能为空")
        self.patterns = tuple(patterns)
        self.backend = backend
        self.find: Callable[[str], list[Match]]
        if not self.patterns:
            self.find = _nothing
        elif backend == "daachorse":
            import daachorse

            # No prefilter: daachorse's 2-gram prefilter (on by default, never changes the
            # matches) skips stretches that hold no pattern's 2-gram, but with thousands of
            # CJK patterns nearly every position holds one, so it only adds work: without it
            # a pass takes about a tenth fewer instructions (callgrind) and less time here.
            automaton = daachorse.CharwiseDoubleArrayAhoCorasick(
                list(self.patterns),
                match_kind=daachorse.MATCH_KIND_LEFTMOST_LONGEST,
                use_prefilter=False,
            )
            self.find = automaton.find
        else:
            import ahocorasick_rs

            automaton = ahocorasick_rs.AhoCorasick(
                list(self.patterns), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
            )
            find = automaton.find_matches_as_indexes

            def reorder(text: str) -> list[Match]:
                return [(start, end, index) for index, start, end in find(text)]

            self.find = reorder


def _nothing(text: str) -> list[Match]:
    return []
