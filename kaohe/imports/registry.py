"""Importing unit categories and units (with aliases) into the registry."""

import re

from kaohe.registry.models import Category, Unit, UnitAlias
from kaohe.registry.names import UnitNames, normalize_name

from .errors import Collector
from .plan import Plan, require_columns
from .reader import Table

CATEGORY_COLUMNS = ("类别", "代码", "主送写法", "排序")
UNIT_COLUMNS = ("单位", "类别")
ALIAS_SEPARATORS = re.compile(r"[、;；,，]")


def plan_categories(table: Table) -> Plan:
    errors = Collector()
    require_columns(table.header, CATEGORY_COLUMNS, errors)
    errors.raise_if_any()
    seen: set[str] = set()
    rows = []
    for number, row in table.rows:
        name, code = row["类别"], row["代码"]
        if not name:
            errors.add(number, "类别", "不能为空。")
        if not re.fullmatch(r"[a-z0-9-]+", code):
            errors.add(number, "代码", "只能用小写字母、数字和连字符。")
        if name in seen:
            errors.add(number, "类别", f"“{name}”在文件中重复。")
        seen.add(name)
        order = _int(row["排序"], number, "排序", errors)
        rows.append((name, code, row["主送写法"], order))
    errors.raise_if_any()

    plan = Plan("单位类别")
    existing = set(Category.objects.values_list("name", flat=True))
    for name, *_ in rows:
        plan.note(f"{'更新' if name in existing else '新增'}类别：{name}")

    def apply() -> None:
        for name, code, addressee, order in rows:
            Category.objects.update_or_create(
                name=name, defaults={"code": code, "addressee": addressee, "sort_order": order}
            )

    plan.apply = apply
    return plan


def plan_units(table: Table) -> Plan:
    errors = Collector()
    require_columns(table.header, UNIT_COLUMNS, errors)
    errors.raise_if_any()
    categories = {c.name: c for c in Category.objects.all()}
    names = UnitNames()
    claimed: dict[str, str] = {}  # every name in the file -> the unit (full name) claiming it
    rows = []
    for number, row in table.rows:
        name = normalize_name(row["单位"])
        if not name:
            errors.add(number, "单位", "不能为空。")
            continue
        category = categories.get(row["类别"])
        if category is None:
            errors.add(number, "类别", f"未知类别“{row['类别']}”；请先导入单位类别。")
        aliases = [
            normalize_name(a) for a in ALIAS_SEPARATORS.split(row.get("别名", "")) if a.strip()
        ]
        short = normalize_name(row.get("简称", ""))
        for claim in [name, *aliases, *([short] if short else [])]:
            if claim in claimed and claimed[claim] != name:
                errors.add(
                    number,
                    "单位" if claim == name else "别名",
                    f"“{claim}”已被本文件中的“{claimed[claim]}”使用。",
                )
            elif claim == name and claim in claimed:
                errors.add(number, "单位", f"“{name}”在文件中重复。")
            owner = names.resolve(claim)
            if owner is not None and owner.name != name:
                errors.add(number, "别名", f"“{claim}”已是单位“{owner.name}”的名称或别名。")
            claimed[claim] = name
        order = _int(row.get("排序", ""), number, "排序", errors)
        rows.append((name, category, aliases, short, order))
    errors.raise_if_any()

    plan = Plan("单位")
    for name, _category, aliases, _short, _order in rows:
        verb = "更新" if names.resolve(name) else "新增"
        plan.note(f"{verb}单位：{name}" + (f"（别名：{'、'.join(aliases)}）" if aliases else ""))

    def apply() -> None:
        for name, category, aliases, short, order in rows:
            unit, _ = Unit.objects.update_or_create(
                name=name, defaults={"category": category, "sort_order": order, "short_name": short}
            )
            for alias in aliases:
                UnitAlias.objects.get_or_create(unit=unit, alias=alias)

    plan.apply = apply
    return plan


def _int(text: str, number: int, column: str, errors: Collector) -> int:
    if not text:
        return 0
    if not text.isdigit():
        errors.add(number, column, f"应为非负整数，实际为“{text}”。")
        return 0
    return int(text)
