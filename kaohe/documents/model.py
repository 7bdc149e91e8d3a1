"""Document model of a 通报 (results notice), independent of any output format.

The writers (DOCX, XLSX, HTML) all render this one model, so the notice a county office
signs, the spreadsheet it circulates and the on-screen preview can never disagree.
Everything is a frozen dataclass holding *already formatted* text: number formatting and
ranking belong to ``kaohe.core``; this layer only lays text out.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Annex",
    "Block",
    "Column",
    "ColumnKind",
    "Heading",
    "Notice",
    "Paragraph",
    "RankedTable",
    "display_width",
    "format_chinese_date",
    "normalize_doc_number",
]


def display_width(text: str) -> float:
    """Width in body characters: CJK and full-width count 1, everything else ½.

    Used for indents the standard states in characters (署名, 附件说明) and for
    spreadsheet column widths.
    """
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def format_chinese_date(date: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 §7.3.5 wants it: Arabic numerals, no zero padding.

    >>> format_chinese_date(dt.date(2020, 12, 24))
    '2020年12月24日'
    """
    return f"{date.year}年{date.month}月{date.day}日"


# Brackets people type instead of the 六角括号 the standard requires (§7.2.4).
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕"})
_DOC_NUMBER = re.compile(r"^(?P<code>[^〔〕\s]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


def normalize_doc_number(text: str) -> str:
    """Validate a 发文字号 and repair the common bracket mistakes.

    GB/T 9704-2012 §7.2.4: 机关代字 + 年份 + 发文顺序号; the year is written in full inside
    六角括号 〔〕, the sequence number has no 第 and no leading zeros. Offices often type
    ``[2020]`` or ``【2020】``; those are converted, anything else is rejected so a
    malformed number never reaches a signed document.
    """
    cleaned = text.strip().translate(_BRACKETS)
    if not _DOC_NUMBER.match(cleaned):
        raise ValueError(f"发文字号格式不正确：{text!r}（应如“精政办发〔2020〕6号”）")
    return cleaned


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph (正文自然段): first line indented two characters."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A 层次标题.

    ``level`` follows GB/T 9704-2012 §7.3.3: 1 = “一、” (黑体), 2 = “（一）/㈠” (楷体),
    3 = “1.” (仿宋加粗), 4 = “（1）” (仿宋). The numbering is part of ``text`` because
    notices number by hand and occasionally skip or restart.

    ``run_in`` is body text that continues in the same paragraph after the heading, as in
    “㈠政务公开工作水平有待进一步提高。一是……”: the heading sentence is set in the heading
    face and the rest in the body face.
    """

    level: int
    text: str
    run_in: str = ""

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3, 4):
            raise ValueError(f"标题层级只能是1至4级，收到：{self.level}")


Block = Paragraph | Heading


class ColumnKind(StrEnum):
    """What a table column holds; drives alignment, widths and number typing in XLSX."""

    INDEX = "index"  # 序号
    NAME = "name"  # 单位名称
    SCORE = "score"  # 考核得分 / 评分情况
    GRADE = "grade"  # 等次
    SUBSCORE = "subscore"  # 分项得分
    TEXT = "text"  # anything else


@dataclass(frozen=True)
class Column:
    label: str
    kind: ColumnKind = ColumnKind.TEXT


def _tuple_of_str(values: Iterable[object], what: str) -> tuple[str, ...]:
    out = tuple(values)
    for v in out:
        if not isinstance(v, str):
            raise TypeError(f"{what}必须是已格式化的字符串，收到 {type(v).__name__}: {v!r}")
    return out


@dataclass(frozen=True)
class RankedTable:
    """One ranked results table of an annex (e.g. the 乡镇场 group).

    Cells are strings already formatted the way the notice prints them ("94.5", "优秀");
    the writers never reformat, so DOCX, XLSX and HTML show identical text.
    """

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None

    def __post_init__(self) -> None:
        cols = tuple(self.columns)
        rows = tuple(_tuple_of_str(r, "表格单元格") for r in self.rows)
        object.__setattr__(self, "columns", cols)
        object.__setattr__(self, "rows", rows)
        kinds = [c.kind for c in cols]
        for needed in (ColumnKind.INDEX, ColumnKind.NAME, ColumnKind.SCORE):
            if kinds.count(needed) != 1:
                raise ValueError(
                    f"排名表必须恰好有一列“{needed.value}”，列为：{[c.label for c in cols]}"
                )
        for i, row in enumerate(rows, start=1):
            if len(row) != len(cols):
                raise ValueError(f"第{i}行有{len(row)}个单元格，表头有{len(cols)}列")

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.columns)

    @classmethod
    def standard(
        cls,
        rows: Sequence[Sequence[str]],
        *,
        caption: str | None = None,
        name_label: str = "单位名称",
        score_label: str = "考核得分",
        grade: bool = False,
        subscores: Sequence[str] = (),
    ) -> RankedTable:
        """The usual layout: 序号, 单位名称, [分项得分…], 考核得分, [等次]."""
        columns = [Column("序号", ColumnKind.INDEX), Column(name_label, ColumnKind.NAME)]
        columns += [Column(s, ColumnKind.SUBSCORE) for s in subscores]
        columns.append(Column(score_label, ColumnKind.SCORE))
        if grade:
            columns.append(Column("等次", ColumnKind.GRADE))
        return cls(columns=tuple(columns), rows=tuple(tuple(r) for r in rows), caption=caption)


@dataclass(frozen=True)
class Annex:
    """附件: printed on its own pages after the signature (GB/T 9704-2012 §8.2)."""

    number: int
    title: str
    tables: tuple[RankedTable, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", tuple(self.tables))
        if not self.tables:
            raise ValueError(f"附件{self.number}没有表格")

    @property
    def label(self) -> str:
        return f"附件{self.number}"


@dataclass(frozen=True)
class Notice:
    """A 通报 as issued: 版头, 主体 and 附件.

    ``title`` may contain ``"\\n"`` to force the line break of a multi-line 标题 (the
    standard wants 梯形/菱形 arrangements chosen by meaning, which no algorithm does well).
    ``annex_notes`` (附件说明) defaults to the annex titles. ``sealed`` chooses between the
    two signature layouts of §7.3.5: with a seal the date sits 4 characters from the right
    and the signature is centred over it; without, the signature is 2 characters from the
    right and the date starts 2 characters further right.
    """

    issuer: str
    doc_number: str
    title: str
    addressees: str
    body: tuple[Block, ...]
    signature: str
    date: dt.date
    annexes: tuple[Annex, ...] = ()
    annex_notes: tuple[str, ...] = ()
    issuer_mark: str | None = None
    sealed: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", tuple(self.body))
        object.__setattr__(self, "annexes", tuple(self.annexes))
        if self.doc_number:
            object.__setattr__(self, "doc_number", normalize_doc_number(self.doc_number))
        numbers = [a.number for a in self.annexes]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"附件应从1起连续编号，收到：{numbers}")
        notes = tuple(self.annex_notes) or tuple(a.title for a in self.annexes)
        if self.annexes and len(notes) != len(self.annexes):
            raise ValueError("附件说明的条数与附件数不一致")
        object.__setattr__(self, "annex_notes", notes)
        for b in self.body:
            if not isinstance(b, Paragraph | Heading):
                raise TypeError(f"正文块只能是 Paragraph 或 Heading，收到 {type(b).__name__}")

    @property
    def title_text(self) -> str:
        """The title without forced line breaks, as it is cited elsewhere."""
        return self.title.replace("\n", "")

    @property
    def masthead(self) -> str:
        """发文机关标志: 发文机关全称加“文件” (§7.2.3) unless given explicitly."""
        return self.issuer_mark if self.issuer_mark is not None else f"{self.issuer}文件"

    @property
    def date_text(self) -> str:
        return format_chinese_date(self.date)

    def annex_note_lines(self) -> list[str]:
        """附件说明 lines: “1.标题” when there are several annexes, the bare title otherwise."""
        if len(self.annex_notes) == 1:
            return [self.annex_notes[0]]
        return [f"{i}.{t}" for i, t in enumerate(self.annex_notes, start=1)]
