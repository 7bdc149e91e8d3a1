"""Importing a scorecard's indicator tree: codes, parents, points, rule, lead agency."""

import json
import re
from decimal import Decimal

from kaohe.assessment.models import Campaign, Indicator, IndicatorPoints
from kaohe.assessment.tree import build_rule
from kaohe.core.numbers import parse_score
from kaohe.registry.models import Category
from kaohe.registry.names import UnitNames

from .errors import Collector
from .plan import Plan, require_columns

COLUMNS = ("考核表", "指标编码", "上级编码", "指标名称", "分值", "规则")
VARIANT = re.compile(r"^\s*([^=＝]+?)\s*[=＝]\s*([0-9.]+)\s*$")


def plan_indicators(campaign: Campaign, table) -> Plan:
    errors = Collector()
    require_columns(table.header, COLUMNS, errors)
    errors.raise_if_any()
    scorecards = {s.code: s for s in campaign.scorecards.all()} | {
        s.name: s for s in campaign.scorecards.all()
    }
    categories = {c.name: c for c in Category.objects.all()}
    names = UnitNames()
    rows: list[dict] = []
    codes: dict[tuple[int, str], int] = {}
    for number, row in table.rows:
        card = scorecards.get(row["考核表"])
        if card is None:
            errors.add(number, "考核表", f"本考核没有考核表“{row['考核表']}”。")
            continue
        code = row["指标编码"]
        if not code:
            errors.add(number, "指标编码", "不能为空。")
        elif (card.id, code) in codes:
            errors.add(number, "指标编码", f"“{code}”与第{codes[(card.id, code)]}行重复。")
        codes[(card.id, code)] = number
        points = _points(row["分值"], number, "分值", errors)
        owner = None
        if owner_name := row.get("牵头单位", ""):
            owner = names.resolve(owner_name)
            if owner is None:
                errors.add(number, "牵头单位", f"未知单位“{owner_name}”。")
        rows.append(
            {
                "number": number,
                "card": card,
                "code": code,
                "parent": row["上级编码"],
                "name": row["指标名称"],
                "points": points,
                "rule": row["规则"],
                "params": _params(row.get("规则参数", ""), number, errors),
                "owner": owner,
                "variants": _variants(row.get("分类分值", ""), number, categories, errors),
            }
        )
        if not row["指标名称"]:
            errors.add(number, "指标名称", "不能为空。")
    parents = {(r["card"].id, r["parent"]) for r in rows if r["parent"]}
    for r in rows:
        if r["parent"] and (r["card"].id, r["parent"]) not in codes:
            errors.add(r["number"], "上级编码", f"上级指标“{r['parent']}”不在文件中。")
        is_leaf = (r["card"].id, r["code"]) not in parents
        if is_leaf:
            _check_rule(r, errors)
        elif r["rule"]:
            errors.add(r["number"], "规则", "有下级指标的指标按下级合计，不应填写规则。")
    errors.raise_if_any()
    if campaign.is_frozen:
        errors.add(None, "", "考核已发布，结果已冻结，不能修改指标。")
        errors.raise_if_any()

    plan = Plan("指标")
    for card in {r["card"] for r in rows}:
        plan.note(f"考核表“{card.name}”：{sum(r['card'] == card for r in rows)} 个指标")
    plan.apply = lambda: _apply(rows)
    return plan


def _check_rule(r: dict, errors: Collector) -> None:
    if not r["rule"]:
        errors.add(r["number"], "规则", "末级指标必须填写评分规则。")
        return
    try:
        build_rule(r["rule"], r["params"]).validate(r["points"])
    except (ValueError, TypeError) as exc:
        errors.add(r["number"], "规则参数" if r["params"] else "规则", str(exc))


def _points(text: str, number: int, column: str, errors: Collector) -> Decimal:
    try:
        value = parse_score(text)
    except ValueError as exc:
        errors.add(number, column, str(exc))
        return Decimal(0)
    if value < 0:
        errors.add(number, column, "分值不能为负数。")
    return value


def _params(text: str, number: int, errors: Collector) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        errors.add(number, "规则参数", '应为 JSON，如 {"cap": 10}。')
        return {}
    if not isinstance(value, dict):
        errors.add(number, "规则参数", "应为 JSON 对象。")
        return {}
    return value


def _variants(text: str, number: int, categories: dict, errors: Collector) -> list[tuple]:
    """“乡镇场=40；县直部门=35”: points that differ by category."""
    variants = []
    for part in filter(None, re.split(r"[;；]", text)):
        match = VARIANT.match(part)
        if not match:
            errors.add(number, "分类分值", f"“{part}”应写作 类别=分值。")
            continue
        category = categories.get(match[1])
        if category is None:
            errors.add(number, "分类分值", f"未知类别“{match[1]}”。")
            continue
        variants.append((category, _points(match[2], number, "分类分值", errors)))
    return variants


def _apply(rows: list[dict]) -> None:
    saved: dict[tuple[int, str], Indicator] = {}
    for order, r in enumerate(rows):
        indicator, _ = Indicator.objects.update_or_create(
            scorecard=r["card"],
            code=r["code"],
            defaults={
                "name": r["name"],
                "points": r["points"],
                "rule_kind": r["rule"] and build_rule(r["rule"], r["params"]).kind.value,
                "rule_params": r["params"],
                "owner": r["owner"],
                "sort_order": order,
                "parent": None,
            },
        )
        saved[(r["card"].id, r["code"])] = indicator
        indicator.category_points.all().delete()
        for category, points in r["variants"]:
            IndicatorPoints.objects.create(indicator=indicator, category=category, points=points)
    for r in rows:
        if r["parent"]:
            child = saved[(r["card"].id, r["code"])]
            child.parent = saved[(r["card"].id, r["parent"])]
            child.save(update_fields=["parent"])
