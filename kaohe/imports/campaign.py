"""Importing a campaign's set-up (basis documents, scorecards, ranking groups, grade bands) from JSON.

The set-up is a nested document, so JSON fits it better than a sheet; errors name the JSON path.
"""

import datetime as dt
import json
from decimal import Decimal

from kaohe.assessment.models import (
    BasisDocument,
    Campaign,
    GradeBand,
    RankingGroup,
    Scorecard,
)
from kaohe.core.numbers import parse_score
from kaohe.core.ranking import TiePolicy
from kaohe.registry.models import Category

from .errors import Collector, ImportFailure, RowError
from .plan import Plan


def plan_campaign(code: str, data: bytes) -> Plan:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailure([RowError(None, "", f"不是有效的 UTF-8 JSON 文件：{exc}")]) from exc
    errors = Collector()
    checker = _Checker(errors)
    setup = checker.campaign(doc)
    errors.raise_if_any()

    plan = Plan("考核设置")
    exists = Campaign.objects.filter(code=code).first()
    if exists and exists.is_frozen:
        raise ImportFailure([RowError(None, "", f"考核“{code}”已发布，结果已冻结，不能修改设置。")])
    plan.note(f"{'更新' if exists else '新建'}考核：{code} {setup['name']}")
    for card in setup["scorecards"]:
        plan.note(f"考核表：{card['code']} {card['name']}（{len(card['groups'])}个排名组）")
    plan.apply = lambda: _apply(code, setup)
    return plan


class _Checker:
    """Validates the JSON document into plain values, collecting every error with its path."""

    def __init__(self, errors: Collector) -> None:
        self.errors = errors
        self.categories = {c.name: c for c in Category.objects.all()}

    def fail(self, path: str, message: str) -> None:
        self.errors.add(None, path, message)

    def text(self, obj: dict, key: str, path: str, required: bool = True) -> str:
        value = obj.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{path}.{key}", "应为非空文字。" if required else "应为文字。")
            return ""
        return value.strip()

    def number(self, obj: dict, key: str, path: str, default: str | None = None) -> Decimal:
        value = obj.get(key, default)
        try:
            return parse_score(str(value))
        except ValueError as exc:
            self.fail(f"{path}.{key}", str(exc))
            return Decimal(0)

    def date(self, obj: dict, key: str, path: str) -> dt.date | None:
        value = obj.get(key)
        if value in (None, ""):
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{path}.{key}", f"日期应写作 YYYY-MM-DD，实际为“{value}”。")
            return None

    def campaign(self, doc: object) -> dict:
        if not isinstance(doc, dict):
            self.fail("$", "顶层应为对象。")
            return {"name": "", "scorecards": []}
        year = doc.get("year")
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            self.fail("$.year", "应为年份整数。")
        method = doc.get("overall_method", Campaign.OverallMethod.WEIGHTED)
        if method not in Campaign.OverallMethod.values:
            self.fail("$.overall_method", f"应为 {'/'.join(Campaign.OverallMethod.values)} 之一。")
        return {
            "year": year,
            "name": self.text(doc, "name", "$"),
            "issuer": self.text(doc, "issuer", "$", required=False),
            "method": self.text(doc, "method", "$", required=False),
            "period_start": self.date(doc, "period_start", "$"),
            "period_end": self.date(doc, "period_end", "$"),
            "window_start": self.date(doc, "window_start", "$"),
            "window_end": self.date(doc, "window_end", "$"),
            "overall_method": method,
            "basis_documents": [
                {
                    "title": self.text(d, "title", f"$.basis_documents[{i}]"),
                    "number": self.text(d, "number", f"$.basis_documents[{i}]"),
                }
                for i, d in enumerate(self.items(doc, "basis_documents", "$"))
            ],
            "scorecards": [
                self.scorecard(c, f"$.scorecards[{i}]")
                for i, c in enumerate(self.items(doc, "scorecards", "$"))
            ],
            "overall_groups": [
                self.group(g, f"$.overall_groups[{i}]")
                for i, g in enumerate(self.items(doc, "overall_groups", "$"))
            ],
        }

    def items(self, obj: dict, key: str, path: str) -> list[dict]:
        value = obj.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(f"{path}.{key}", "应为对象列表。")
            return []
        return value

    def scorecard(self, card: dict, path: str) -> dict:
        policy = card.get("tie_policy", TiePolicy.SEQUENTIAL.value)
        if policy not in {p.value for p in TiePolicy}:
            self.fail(f"{path}.tie_policy", f"应为 {'/'.join(p.value for p in TiePolicy)} 之一。")
        tie_break = card.get("tie_break", Scorecard.TieBreak.SORT_ORDER)
        if tie_break not in Scorecard.TieBreak.values:
            self.fail(f"{path}.tie_break", f"应为 {'/'.join(Scorecard.TieBreak.values)} 之一。")
        groups = [
            self.group(g, f"{path}.groups[{i}]")
            for i, g in enumerate(self.items(card, "groups", path))
        ]
        if not groups:
            self.fail(f"{path}.groups", "至少需要一个排名组。")
        return {
            "code": self.text(card, "code", path),
            "name": self.text(card, "name", path),
            "full_marks": self.number(card, "full_marks", path, "100"),
            "weight": self.number(card, "weight", path, "1"),
            "tie_policy": policy,
            "tie_break": tie_break,
            "tie_break_indicator": self.text(card, "tie_break_indicator", path, required=False),
            "annex_name_label": self.text(card, "annex_name_label", path, required=False)
            or "单位名称",
            "annex_score_label": self.text(card, "annex_score_label", path, required=False)
            or "考核得分",
            "groups": groups,
        }

    def group(self, group: dict, path: str) -> dict:
        names = group.get("categories", [])
        if not isinstance(names, list) or not names:
            self.fail(f"{path}.categories", "应列出至少一个单位类别。")
            names = []
        for name in names:
            if name not in self.categories:
                self.fail(f"{path}.categories", f"未知类别“{name}”。")
        bands = []
        for i, band in enumerate(self.items(group, "bands", path)):
            quota = band.get("quota")
            bands.append(
                {
                    "grade": self.text(band, "grade", f"{path}.bands[{i}]"),
                    "min_score": self.number(band, "min_score", f"{path}.bands[{i}]"),
                    "quota": None
                    if quota in (None, "")
                    else self.number(band, "quota", f"{path}.bands[{i}]"),
                }
            )
        scores = [b["min_score"] for b in bands]
        if scores != sorted(scores, reverse=True):
            self.fail(f"{path}.bands", "等次应从高到低排列，最低分依次递减。")
        return {
            "name": self.text(group, "name", path),
            "categories": [self.categories[n] for n in names if n in self.categories],
            "fallback_grade": self.text(group, "fallback_grade", path, required=False),
            "bands": bands,
        }


def _apply(code: str, setup: dict) -> None:
    fields = {
        k: setup[k]
        for k in (
            "year",
            "name",
            "issuer",
            "method",
            "period_start",
            "period_end",
            "window_start",
            "window_end",
            "overall_method",
        )
    }
    campaign, _ = Campaign.objects.update_or_create(code=code, defaults=fields)
    campaign.basis_documents.all().delete()
    for order, doc in enumerate(setup["basis_documents"]):
        BasisDocument.objects.create(campaign=campaign, sort_order=order, **doc)
    campaign.groups.all().delete()  # groups and bands are re-created from the file
    for order, card in enumerate(setup["scorecards"]):
        values = {
            k: card[k]
            for k in (
                "name",
                "full_marks",
                "weight",
                "tie_policy",
                "tie_break",
                "tie_break_indicator",
                "annex_name_label",
                "annex_score_label",
            )
        }
        scorecard, _ = Scorecard.objects.update_or_create(
            campaign=campaign, code=card["code"], defaults={**values, "sort_order": order}
        )
        for g_order, group in enumerate(card["groups"]):
            _create_group(campaign, scorecard, group, g_order)
    for g_order, group in enumerate(setup["overall_groups"]):
        _create_group(campaign, None, group, g_order)


def _create_group(campaign: Campaign, scorecard: Scorecard | None, group: dict, order: int) -> None:
    created = RankingGroup.objects.create(
        campaign=campaign,
        scorecard=scorecard,
        name=group["name"],
        fallback_grade=group["fallback_grade"],
        sort_order=order,
    )
    created.categories.set(group["categories"])
    for b_order, band in enumerate(group["bands"]):
        GradeBand.objects.create(group=created, sort_order=b_order, **band)
