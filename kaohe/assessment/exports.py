"""Ranked result tables as CSV, JSON and XLSX — the shape other tools read (header is a contract)."""

import csv
import io
import json
from dataclasses import asdict, dataclass

from kaohe.core.numbers import format_score

from .models import Campaign, Result

CSV_HEADER = ("考核表", "类别", "序号", "单位", "得分", "等次")
OVERALL_NAME = "综合"


@dataclass(frozen=True)
class ResultRow:
    scorecard: str
    group: str
    position: int
    rank: int
    unit: str  # as the table prints it
    unit_full_name: str
    score: str
    grade: str
    rule_grade: str
    adjusted: bool
    notes: str


def result_rows(
    campaign: Campaign, scorecard_code: str | None = None, overall: bool = False
) -> list[ResultRow]:
    results = Result.objects.filter(campaign=campaign).select_related("group__scorecard", "unit")
    if overall:
        results = results.filter(group__scorecard=None)
    else:
        results = results.exclude(group__scorecard=None)
        if scorecard_code:
            results = results.filter(group__scorecard__code=scorecard_code)
    ordered = sorted(
        results,
        key=lambda r: (
            r.group.scorecard.sort_order if r.group.scorecard else -1,
            r.group.sort_order,
            r.position,
        ),
    )
    return [
        ResultRow(
            scorecard=r.group.scorecard.name if r.group.scorecard else OVERALL_NAME,
            group=r.group.name,
            position=r.position,
            rank=r.rank,
            unit=r.display_name,
            unit_full_name=r.unit.name,
            score=format_score(r.total),
            grade=r.grade,
            rule_grade=r.rule_grade,
            adjusted=r.adjusted,
            notes=r.notes,
        )
        for r in ordered
    ]


def to_csv(rows: list[ResultRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows((r.scorecard, r.group, r.position, r.unit, r.score, r.grade) for r in rows)
    return out.getvalue()


def to_json(campaign: Campaign, rows: list[ResultRow]) -> str:
    return json.dumps(
        {"campaign": campaign.code, "name": campaign.name, "results": [asdict(r) for r in rows]},
        ensure_ascii=False,
        indent=2,
    )


def to_xlsx(rows: list[ResultRow]) -> bytes:
    """One sheet per table (考核表 × 类别), numbers stored as numbers."""
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    tables: dict[tuple[str, str], list[ResultRow]] = {}
    for row in rows:
        tables.setdefault((row.scorecard, row.group), []).append(row)
    for index, ((card, group), members) in enumerate(tables.items(), start=1):
        sheet = workbook.create_sheet(f"{index}-{group}"[:31])
        sheet.append([card])
        sheet.append(["序号", "单位名称", "考核得分", "等次", "说明"])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for r in members:
            sheet.append([r.position, r.unit, float(Decimal(r.score)), r.grade, r.notes])
        sheet.column_dimensions["B"].width = 32
        sheet.column_dimensions["E"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
