"""笔画 (stroke-count) order for unit names, the customary order of official lists.

Each character is compared by its total stroke count (Unihan kTotalStrokes, via the
MIT-licensed `strokes` package), then — standing in for the 起笔笔形 rule, for which there
is no data here — by code point; only when two characters are identical does the next
character decide. So names sharing a first character stay together, as in a stroke-order
index. Characters without stroke data (digits, Latin letters, punctuation, Han characters
missing from Unihan) sort after every character that has it, among themselves by code point.
A name that is a prefix of another sorts first.
"""

from functools import lru_cache

from strokes import strokes

_HAS_STROKES, _NO_STROKES = 0, 1


def stroke_key(name: str) -> tuple[tuple[int, int, int], ...]:
    """Sort key for `name`: use as sorted(names, key=stroke_key)."""
    return tuple(_char_key(char) for char in name)


@lru_cache(maxsize=8192)
def _char_key(char: str) -> tuple[int, int, int]:
    count = strokes(char)
    if count:
        return (_HAS_STROKES, count, ord(char))
    return (_NO_STROKES, 0, ord(char))
