"""Importing the leaders' roster (姓名,职务,任职日期,离任日期) that the wording check reads."""

import datetime as dt

from kaohe.registry.models import LeaderTenure

from .errors import Collector
from .plan import Plan, require_columns

COLUMNS = ("姓名", "职务", "任职日期", "离任日期")


def plan_roster(table) -> Plan:
    errors = Collector()
    require_columns(table.header, COLUMNS, errors)
    errors.raise_if_any()
    rows, seen = [], {}
    for number, row in table.rows:
        name, title = row["姓名"], row["职务"]
        if not name:
            errors.add(number, "姓名", "不能为空。")
        if not title:
            errors.add(number, "职务", "不能为空。")
        start = _date(row["任职日期"], number, "任职日期", errors, required=True)
        end = _date(row["离任日期"], number, "离任日期", errors, required=False)
        if start and end and end < start:
            errors.add(number, "离任日期", "离任日期早于任职日期。")
        if (name, title, start) in seen:
            errors.add(number, "", f"与第{seen[(name, title, start)]}行重复。")
        seen[(name, title, start)] = number
        rows.append((name, title, start, end))
    errors.raise_if_any()

    plan = Plan("领导任职")
    for name, title, start, end in rows:
        plan.note(
            f"{title}{name}：{start:%Y-%m-%d}—{end:%Y-%m-%d}"
            if end
            else f"{title}{name}：{start:%Y-%m-%d}起"
        )

    def apply() -> None:
        for name, title, start, end in rows:
            LeaderTenure.objects.update_or_create(
                name=name, title=title, start=start, defaults={"end": end}
            )

    plan.apply = apply
    return plan


def _date(text: str, number: int, column: str, errors: Collector, required: bool) -> dt.date | None:
    if not text:
        if required:
            errors.add(number, column, "不能为空。")
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-")[:10])
    except ValueError:
        errors.add(number, column, f"日期应写作 YYYY-MM-DD，实际为“{text}”。")
        return None
