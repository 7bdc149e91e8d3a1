"""``kaohe unit-reports CAMPAIGN [--unit NAME] [--per-unit] [--format docx|pdf] -o PATH``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaohe.assessment.models import Campaign
from kaohe.documents.pdf import ConversionError, convert_to_pdf
from kaohe.documents.unit_report import write_unit_reports_docx, write_unit_reports_per_file
from kaohe.notices.unit_reports import unit_reports
from kaohe.registry.names import UnitNames


class Command(BaseCommand):
    help = "生成各单位扣分明细（对号入座整改用）：全部单位一个文件，或每单位一个文件。"

    def add_arguments(self, parser):
        parser.add_argument("campaign")
        parser.add_argument("--unit", help="只生成该单位（全称、简称或别名）")
        parser.add_argument("--per-unit", action="store_true", help="每个单位一个文件（-o 为目录）")
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(code=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"没有代码为“{options['campaign']}”的考核。")
        unit_ids = None
        if options["unit"]:
            unit = UnitNames().resolve(options["unit"])
            if unit is None:
                raise CommandError(f"未知单位“{options['unit']}”。")
            unit_ids = [unit.id]
        reports = unit_reports(campaign, unit_ids)
        if not reports:
            raise CommandError("没有可生成的单位（单位未参加本考核，或结果尚未计算）。")
        output = Path(options["output"])
        if options["per_unit"]:
            files = write_unit_reports_per_file(reports, output)
        else:
            files = [write_unit_reports_docx(reports, output.with_suffix(".docx"))]
        if options["format"] == "pdf":
            try:
                files = [convert_to_pdf(f, f.parent) for f in files]
            except ConversionError as exc:
                raise CommandError(f"PDF 转换失败：{exc}") from exc
        self.stdout.write(f"已生成 {len(files)} 个文件：{files[0]}{' …' if len(files) > 1 else ''}")
