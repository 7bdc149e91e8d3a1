"""Rule packs: versioned TSV files with a provenance header.

Format (UTF-8)::

    # name: typos
    # version: 2024.1
    # date: 2024-06-30
    # category: typo
    # kind: literal            (or regex; default literal)
    # severity: error          (default for rows that leave it empty)
    # illustrative: no         (yes: the whole list is an example, not a vetted list)
    # source: where the list comes from (may repeat; lines are joined)
    # note: anything a reviewer must know (may repeat)
    id<TAB>pattern<TAB>suggestion<TAB>severity<TAB>effective<TAB>exceptions<TAB>note

The first line that does not start with ``#`` names the columns; only ``id`` and ``pattern``
are required. Later ``#`` lines are comments. ``exceptions`` are ``|``-separated phrases that
contain the pattern and are correct; ``effective`` is ``YYYY-MM-DD``; ``illustrative`` marks
single rows that were invented for the list. Packs are data so that a county can add its own
without touching code, and so that a reviewer can read where each entry comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from .model import Category, Rule, RulePack, Severity

COLUMNS = (
    "id",
    "pattern",
    "suggestion",
    "severity",
    "effective",
    "exceptions",
    "illustrative",
    "note",
)
HEADER_KEYS = ("name", "version", "date", "category", "kind", "severity", "illustrative")
MULTI_KEYS = ("source", "note")
_HEADER = re.compile(r"^#\s*([a-z_]+)\s*:\s*(.*?)\s*$")
_YES = {"yes", "y", "true", "1", "是"}
_NO = {"", "no", "n", "false", "0", "否"}
_E = TypeVar("_E", Category, Severity)


class PackError(ValueError):
    """A pack file that cannot be used; the message names the file and line."""


def parse_pack(text: str, origin: str = "<string>") -> RulePack:
    """Read one pack from its text. Raises :class:`PackError` on anything doubtful:
    a silently skipped rule is worse than a refused pack."""
    header: dict[str, str] = {}
    multi: dict[str, list[str]] = {key: [] for key in MULTI_KEYS}
    columns: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if line.startswith("#"):
            match = _HEADER.match(line)
            if columns is None and match:
                key, value = match.groups()
                if key in MULTI_KEYS:
                    multi[key].append(value)
                elif key in HEADER_KEYS:
                    if key in header:
                        raise PackError(f"{origin}:{number}: 重复的表头项 {key}")
                    header[key] = value
                else:
                    raise PackError(f"{origin}:{number}: 未知的表头项 {key}")
            continue
        cells = line.split("\t")
        if columns is None:
            columns = [cell.strip() for cell in cells]
            unknown = [c for c in columns if c not in COLUMNS]
            if unknown or "id" not in columns or "pattern" not in columns:
                raise PackError(f"{origin}:{number}: 列名不对：{columns}")
            continue
        if len(cells) > len(columns):
            raise PackError(f"{origin}:{number}: 列数多于表头（{len(cells)} > {len(columns)}）")
        rows.append((number, cells + [""] * (len(columns) - len(cells))))
    if columns is None:
        raise PackError(f"{origin}: 没有列名行")
    for key in ("name", "version", "date", "category"):
        if not header.get(key):
            raise PackError(f"{origin}: 表头缺少 {key}")
    if not multi["source"]:
        raise PackError(f"{origin}: 表头缺少 source（来源）")
    name = header["name"]
    category = _enum(Category, header["category"], origin, 0)
    kind = header.get("kind", "literal")
    if kind not in ("literal", "regex"):
        raise PackError(f"{origin}: kind 只能是 literal 或 regex：{kind}")
    default_severity = _enum(Severity, header.get("severity", "warning"), origin, 0)
    pack_illustrative = _flag(header.get("illustrative", ""), origin, 0)
    rules = tuple(
        _rule(
            dict(zip(columns, (c.strip() for c in cells), strict=True)),
            name,
            category,
            kind,
            default_severity,
            pack_illustrative,
            origin,
            number,
        )
        for number, cells in rows
    )
    ids = [rule.id for rule in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PackError(f"{origin}: 重复的规则编号 {duplicates}")
    return RulePack(
        name=name,
        version=header["version"],
        date=_date(header["date"], origin, 0),
        category=category,
        kind=kind,
        source="\n".join(multi["source"]),
        notes="\n".join(multi["note"]),
        rules=rules,
        illustrative=pack_illustrative,
        origin=origin,
    )


def _rule(
    row: dict[str, str],
    pack: str,
    category: Category,
    kind: str,
    default_severity: Severity,
    pack_illustrative: bool,
    origin: str,
    number: int,
) -> Rule:
    rule_id, pattern = row["id"], row["pattern"]
    if not rule_id or not pattern:
        raise PackError(f"{origin}:{number}: id 和 pattern 不能为空")
    exceptions = tuple(e for e in row.get("exceptions", "").split("|") if e)
    if kind == "regex":
        try:
            re.compile(pattern)
        except re.error as exc:
            raise PackError(f"{origin}:{number}: 正则表达式有误：{exc}") from exc
        if exceptions:
            raise PackError(f"{origin}:{number}: 正则规则不支持 exceptions")
    else:
        bad = [e for e in exceptions if pattern not in e or e == pattern]
        if bad:
            raise PackError(
                f"{origin}:{number}: 例外短语必须包含且长于 pattern「{pattern}」：{bad}"
            )
    effective = row.get("effective", "")
    return Rule(
        id=rule_id,
        category=category,
        severity=_enum(Severity, row.get("severity") or default_severity, origin, number),
        pattern=pattern,
        suggestion=row.get("suggestion", ""),
        pack=pack,
        regex=kind == "regex",
        effective=_date(effective, origin, number) if effective else None,
        exceptions=exceptions,
        illustrative=pack_illustrative or _flag(row.get("illustrative", ""), origin, number),
        note=row.get("note", ""),
    )


def _enum(cls: type[_E], value: str, origin: str, number: int) -> _E:
    try:
        return cls(value.strip())
    except ValueError as exc:
        raise PackError(f"{origin}:{number}: 无效的取值 {value!r}") from exc


def _date(value: str, origin: str, number: int) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise PackError(f"{origin}:{number}: 日期应为 YYYY-MM-DD：{value!r}") from exc


def _flag(value: str, origin: str, number: int) -> bool:
    lowered = value.strip().lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise PackError(f"{origin}:{number}: 应为 yes 或 no：{value!r}")


def load_pack(path: str | Path) -> RulePack:
    """Read a pack file."""
    path = Path(path)
    return parse_pack(path.read_text(encoding="utf-8"), origin=str(path))


@lru_cache(maxsize=1)
def _default_packs() -> tuple[RulePack, ...]:
    folder = resources.files(__package__) / "packs"
    packs = tuple(
        parse_pack(entry.read_text(encoding="utf-8"), origin=f"packs/{entry.name}")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".tsv")
    )
    check_unique_ids(packs)
    return packs


def load_default_packs() -> list[RulePack]:
    """The packs shipped in ``kaohe/core/wording/packs/`` (read once, then cached)."""
    return list(_default_packs())


def check_unique_ids(packs: Iterable[RulePack]) -> None:
    """Rule ids are what ignore lists store, so they must be unique across a pack set."""
    seen: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                raise PackError(f"规则编号 {rule.id} 同时出现在 {seen[rule.id]} 和 {pack.name}")
            seen[rule.id] = pack.name
