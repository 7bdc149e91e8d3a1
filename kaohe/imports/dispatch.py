"""One entry point for every import: detect the kind of file, check it whole, apply it whole."""

from pathlib import Path

from django.db import transaction

from kaohe.assessment.models import Campaign, Indicator, LedgerEntry
from kaohe.audit.trail import record, snapshot
from kaohe.registry.models import Unit

from .adjustments import plan_adjustments
from .campaign import plan_campaign
from .enrollments import plan_enrollments
from .errors import ImportFailure, RowError
from .indicators import plan_indicators
from .plan import Plan
from .reader import read_table
from .registry import plan_categories, plan_units
from .roster import plan_roster
from .scores import plan_scores

# Each kind's columns. A file is taken as the kind whose columns it has the most of, so a file
# missing one column is still recognised and gets a "缺少必需的列" error rather than a shrug.
KINDS = {
    "categories": ("类别", "代码", "主送写法", "排序"),
    "units": ("单位", "类别"),
    "roster": ("姓名", "职务", "任职日期", "离任日期"),
    "enrollments": ("考核表", "参评单位"),
    "indicators": ("考核表", "指标编码", "上级编码", "指标名称", "分值", "规则"),
    "adjustments": ("考核表", "单位", "调整后等次", "原因"),
    "scores": ("考核表", "单位", "指标编码", "分值|得分", "原因"),
}


def plan_file(campaign_code: str, filename: str, data: bytes, author_name: str = "") -> Plan:
    if Path(filename).suffix.lower() == ".json":
        return plan_campaign(campaign_code, data)
    table = read_table(data, filename)
    kind = detect_kind(table.header)
    if kind == "categories":
        return plan_categories(table)
    if kind == "units":
        return plan_units(table)
    if kind == "roster":
        return plan_roster(table)
    campaign = Campaign.objects.filter(code=campaign_code).first()
    if campaign is None:
        raise ImportFailure(
            [RowError(None, "", f"没有代码为“{campaign_code}”的考核；请先导入考核设置（JSON）。")]
        )
    if kind == "enrollments":
        return plan_enrollments(campaign, table)
    if kind == "indicators":
        return plan_indicators(campaign, table)
    if kind == "adjustments":
        return plan_adjustments(campaign, table, author_name)
    return plan_scores(campaign, table, author_name)


def import_file(
    campaign_code: str, filename: str, data: bytes, *, dry_run: bool = False, author_name: str = ""
) -> Plan:
    """Check the file and, unless ``dry_run``, apply it in one transaction."""
    with transaction.atomic():
        # Hold the campaign while checking and writing, so a scorer's entry cannot slip in
        # between the check for double deductions and the insert (PostgreSQL; SQLite's
        # IMMEDIATE transactions already serialise writers).
        Campaign.objects.select_for_update().filter(code=campaign_code).first()
        plan = plan_file(campaign_code, filename, data, author_name)
        if not dry_run:
            _audit(campaign_code, filename, plan, plan.apply(), author_name)
    return plan


def _audit(campaign_code: str, filename: str, plan: Plan, created, author_name: str) -> None:
    """One record for the file, and one for each score or grade decision it brought in."""
    actor = author_name or "文件导入"
    campaign = Campaign.objects.filter(code=campaign_code).first()
    summary = {"file": filename, "kind": plan.kind, "changes": plan.lines[:100]}
    record(
        actor=actor,
        action="import",
        campaign=campaign,
        after=summary,
        reason=f"导入{plan.kind}：{filename}",
    )
    rows = list(created or ())
    units = Unit.objects.in_bulk({row.unit_id for row in rows})
    indicators = Indicator.objects.in_bulk(
        {getattr(row, "indicator_id", None) for row in rows} - {None}
    )
    for row in rows:
        action = "ledger.add" if isinstance(row, LedgerEntry) else "grade.adjust"
        record(
            actor=actor, action=action, campaign=campaign, unit=units[row.unit_id],
            indicator=indicators.get(getattr(row, "indicator_id", None)), obj=row, after=snapshot(row),
            reason=getattr(row, "reason", "") or f"导入：{filename}",
        )  # fmt: skip


def detect_kind(header: list[str]) -> str:
    def share(columns: tuple[str, ...]) -> float:
        present = sum(any(alt in header for alt in column.split("|")) for column in columns)
        return present / len(columns)

    kind = max(KINDS, key=lambda name: share(KINDS[name]))
    if share(KINDS[kind]) < 0.5:
        raise ImportFailure(
            [
                RowError(
                    1,
                    "",
                    f"无法识别文件类型：表头应与下载的导入模板一致（实际表头：{'，'.join(header)}）。",
                )
            ]
        )
    return kind


def import_path(campaign_code: str, path: Path, **kwargs) -> Plan:
    return import_file(campaign_code, path.name, path.read_bytes(), **kwargs)
