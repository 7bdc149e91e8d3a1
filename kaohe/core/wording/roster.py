"""Leader name–title consistency against a roster of tenures.

A county page that says "县长张三" when 张三 was 副县长 on the page date, or had left office,
is a serious error (领导姓名职务错误 is among the 严重表述错误 of the government-website
inspection). The roster is data passed in by the caller (the assessment office keeps it);
nothing here knows any real person.

A title counts only when it touches the name: "县长张三" or "张三县长". Known titles are the
roster's own plus the usual county leadership posts (:data:`DEFAULT_TITLES`), so "县长张三" is
checked even when 张三 is listed only as 副县长. The longest known title wins: "副县长张三" is
read as 副县长, never as 县长. A written title also fits a held title that ends with it, unless
what is left over ends with 副 or 代: 常务副县长 may be written 副县长, 县委书记 may not be
written 县长, and 副县长 / 代县长 are not 县长. "原县长张三", "前县长张三" and "时任县长张三"
speak of the past: they are accepted when the person held the title at any time up to the
page date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .model import Severity

RULE = "L001"
PACK = "roster"
FORMER_MARKERS = ("时任", "前任", "原", "前")
DEFAULT_TITLES = tuple(
    title
    for unit in ("县", "区", "市")
    for title in (
        f"{unit}委书记",
        f"{unit}委副书记",
        f"{unit}委常委",
        f"{unit}长",
        f"代{unit}长",
        f"常务副{unit}长",
        f"副{unit}长",
        f"{unit}人大常委会主任",
        f"{unit}人大常委会副主任",
        f"{unit}政协主席",
        f"{unit}政协副主席",
        f"{unit}纪委书记",
        f"{unit}监委主任",
    )
)


def title_fits(written: str, held: str) -> bool:
    """Does the written title correctly describe someone holding ``held``?"""
    if written == held:
        return True
    rest = held[: -len(written)]
    return held.endswith(written) and not rest.endswith(("副", "代"))


@dataclass(frozen=True, slots=True)
class Tenure:
    """``name`` held ``title`` from ``start`` to ``end`` (inclusive; None = still in office)."""

    name: str
    title: str
    start: date
    end: date | None = None

    def holds(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True, slots=True)
class RosterHit:
    start: int
    end: int
    severity: Severity
    suggestion: str
    note: str


class Roster:
    """Tenures indexed by name, and the titles looked for next to a name."""

    def __init__(
        self, tenures: Iterable[Tenure | tuple], titles: Iterable[str] = DEFAULT_TITLES
    ) -> None:
        self.tenures = tuple(t if isinstance(t, Tenure) else _tenure(*t) for t in tenures)
        self.by_name: dict[str, list[Tenure]] = defaultdict(list)
        for tenure in self.tenures:
            if not tenure.name or not tenure.title:
                raise ValueError(f"名册条目缺少姓名或职务：{tenure}")
            if tenure.end is not None and tenure.end < tenure.start:
                raise ValueError(f"任职结束早于开始：{tenure}")
            self.by_name[tenure.name].append(tenure)
        self.names = tuple(self.by_name)
        known = {t.title for t in self.tenures} | set(titles) if self.tenures else set()
        self.titles = tuple(sorted(known, key=lambda t: (-len(t), t)))

    def check(
        self, text: str, start: int, end: int, name: str, page_date: date | None
    ) -> RosterHit | None:
        """Is the title written next to ``name`` (at ``text[start:end]``) right?"""
        title, t_start, t_end = self._adjacent_title(text, start, end)
        if title is None:
            return None
        span = (min(start, t_start), max(end, t_end))
        tenures = self.by_name[name]
        if page_date is None:
            if any(title_fits(title, t.title) for t in tenures):
                return None
            return RosterHit(
                *span,
                Severity.WARNING,
                _held(name, tenures),
                f"名册中{name}没有“{title}”任职记录（页面无日期）",
            )
        former = any(text.startswith(m, t_start - len(m)) for m in FORMER_MARKERS if t_start)
        if former:
            ok = any(title_fits(title, t.title) and t.start <= page_date for t in tenures)
        else:
            ok = any(title_fits(title, t.title) and t.holds(page_date) for t in tenures)
        if ok:
            return None
        holders = [
            t.name for t in self.tenures if t.holds(page_date) and title_fits(title, t.title)
        ]
        current = [t.title for t in tenures if t.holds(page_date)]
        parts = []
        if holders:
            parts.append(f"{page_date.isoformat()}时{title}为{'、'.join(holders)}")
        if current:
            parts.append(f"{name}时任{'、'.join(current)}")
        suggestion = "；".join(parts) or _held(name, tenures)
        note = f"{name}在{page_date.isoformat()}不任{title}"
        return RosterHit(*span, Severity.ERROR, suggestion, note)

    def _adjacent_title(self, text: str, start: int, end: int) -> tuple[str | None, int, int]:
        for title in self.titles:
            t_start = start - len(title)
            if t_start >= 0 and text.startswith(title, t_start):
                return title, t_start, start
        for title in self.titles:
            if text.startswith(title, end):
                return title, end, end + len(title)
        return None, start, end


def _tenure(name: str, title: str, start: date | str, end: date | str | None = None) -> Tenure:
    """A tenure from a plain tuple; dates may be ISO strings (as a spreadsheet gives them)."""

    def as_date(value: date | str | None) -> date | None:
        return date.fromisoformat(value) if isinstance(value, str) and value else value or None

    begin = as_date(start)
    if begin is None:
        raise ValueError(f"名册条目缺少任职开始日期：{name} {title}")
    return Tenure(name, title, begin, as_date(end))


def _held(name: str, tenures: list[Tenure]) -> str:
    spans = [
        f"{t.title}（{t.start.isoformat()}—{t.end.isoformat() if t.end else '今'}）"
        for t in sorted(tenures, key=lambda t: t.start)
    ]
    return f"请核对：{name}曾任" + "、".join(spans)
