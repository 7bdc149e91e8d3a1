"""Small text helpers shared by the drafter and the checker.

Both sides must agree on how a group is named in each kind of sentence and how a list of
unit names is written, otherwise a drafted notice could fail its own check; so those
conventions live here, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Full-width ASCII (，：；（）％０-９) to half-width, one character for one, so offsets in the
# folded text are offsets in the original and findings can quote the sentence as typed.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(text: str) -> str:
    """Fold full-width punctuation and digits to ASCII without changing the length."""
    return text.translate(_WIDTH)


# Where the body of a web copy ends: the page's "关闭" button line, then the footer.
_PAGE_END = re.compile(r"^[ \t]*关闭[ \t]*$", re.MULTILINE)
# Where the annexes start: the 附件说明 ("附件:" / "附件：1.…") or an annex label ("附件1").
_ANNEX_START = re.compile(r"^[ \t]*附件[ \t]*(?:[:：]|[0-9０-９]+[ \t]*$)", re.MULTILINE)


def body_of(text: str) -> str:
    """The notice body: drop the web page footer after "关闭" and everything from the annexes.

    Annex tables are checked against the records elsewhere (they are generated); here only
    sentences a person wrote are read.
    """
    for pattern in (_PAGE_END, _ANNEX_START):
        found = pattern.search(text)
        if found:
            text = text[: found.start()]
    return text


# A sentence: a run up to and including its closing 。！？ (or a line break).
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, surrounding whitespace excluded."""
    spans = []
    for match in _SENTENCE.finditer(text):
        chunk = match.group()
        start = match.start() + len(chunk) - len(chunk.lstrip())
        end = match.end() - len(chunk) + len(chunk.rstrip())
        if start < end:
            spans.append((start, end))
    return spans


# How the notice names each group in different sentences. The scope sentence says
# "33个县直有关部门", a grade sentence "18个县直部门", a ratio "部门得满分的占12%".
SCOPE_NOUNS: dict[str, str] = {"县直部门": "县直有关部门"}
RATIO_NOUNS: dict[str, str] = {"县直部门": "部门"}
# Other ways a group is written, read by the checker (the drafter's nouns are included).
GROUP_NOUN_VARIANTS: dict[str, tuple[str, ...]] = {
    "县直部门": ("县直有关部门", "县直各部门", "县直单位", "部门"),
    "乡镇场": ("乡镇(场)", "乡镇（场）", "乡镇"),
}


def group_nouns(group_names: Iterable[str]) -> dict[str, str]:
    """Written noun (width-folded) -> group name, keeping only nouns naming one group.

    A noun is the group's name, a listed variant, or a tail of the name ("部门" for
    "县直部门") as long as no other group's name ends the same way.
    """
    claims: dict[str, set[str]] = {}
    for name in group_names:
        forms = {name, *GROUP_NOUN_VARIANTS.get(name, ()), SCOPE_NOUNS.get(name, name)}
        forms |= {RATIO_NOUNS.get(name, name)}
        forms |= {name[i:] for i in range(1, len(name) - 1)}  # tails of 2+ characters
        for form in forms:
            claims.setdefault(fold_width(form), set()).add(name)
    return {noun: next(iter(names)) for noun, names in claims.items() if len(names) == 1}


def noun_alternation(nouns: Iterable[str]) -> str:
    """A regex alternation of nouns, longest first so "县直有关部门" wins over "部门".

    With no nouns it matches nothing (an empty alternation would match everywhere).
    """
    words = sorted((n for n in nouns if n), key=len, reverse=True)
    return "|".join(re.escape(n) for n in words) or "(?!)"


ORDINALS = "一二三四五六七八九十"
SUBHEAD_MARKS = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"


def join_and(items: Sequence[str]) -> str:
    """ "A", "A和B", "A、B和C": how a notice joins a short list of phrases."""
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


# Endings of the names of government units; used only to decide whether an unresolvable
# list item is a unit name (reported) or ordinary words (skipped).
_UNIT_SUFFIXES = (
    "局",
    "委",
    "办",
    "部",
    "乡",
    "镇",
    "场",
    "区",
    "中心",
    "院",
    "所",
    "会",
    "队",
    "站",
    "联",
    "社",
    "处",
    "室",
    "厅",
    "馆",
    "校",
    "司",
    "署",
    "府",
)
# Words that start a group description rather than a name ("部分乡镇场", "全部", "其余").
_GENERIC_STARTS = ("部分", "其他", "其余", "各", "全部", "所有", "有关", "相关", "以上", "个别")
# A name is short and made of CJK characters, possibly with a bracketed part.
_NAME_SHAPE = re.compile(r"[\u4e00-\u9fff()（）]{2,24}")


def looks_like_unit(text: str) -> bool:
    """Whether an unresolved item reads like a unit name (so its absence is a finding)."""
    return (
        bool(_NAME_SHAPE.fullmatch(text))
        and text.endswith(_UNIT_SUFFIXES)
        and not text.startswith(_GENERIC_STARTS)
    )


# What may precede the first name of a list and is not part of it.
LEAD_IN = re.compile(
    r"^(?:从考核结果看|截至目前|截止目前|目前|其中|分别为|分别是|包括|共有|有|的有|和|及|以及|与)+"
)
# What may follow the last name and is not part of it: "住建局等", "住建局还", "均".
TRAIL_OUT = re.compile(r"(?:等|还|仍|尚|均|都|也|至今|仍然)+$")
_QUOTES = "“”\"'‘’ "


def split_names(text: str) -> list[str]:
    """The items of a 、-separated list of names, quotes and list particles removed."""
    items = [item.strip(_QUOTES) for item in text.split("、")]
    if items:
        items[-1] = TRAIL_OUT.sub("", items[-1]).strip(_QUOTES)
    return [item for item in items if item]
