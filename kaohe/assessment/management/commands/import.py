"""``kaohe import CAMPAIGN FILE [--dry-run]``: units, set-up, indicators, enrollments, scores, adjustments."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaohe.imports.dispatch import import_path
from kaohe.imports.errors import ImportFailure


class Command(BaseCommand):
    help = "导入单位、考核设置（JSON）、指标、参评单位、评分记录或等次调整；文件有误时整体拒绝。"

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="考核代码")
        parser.add_argument("file", help=".csv（UTF-8 或 GB18030）、.xlsx 或考核设置 .json")
        parser.add_argument(
            "--dry-run", action="store_true", help="只检查并显示将要做的改动，不写入"
        )
        parser.add_argument("--author", default="", help="录入人姓名（记入评分记录）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            plan = import_path(
                options["campaign"], path, dry_run=options["dry_run"], author_name=options["author"]
            )
        except ImportFailure as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"导入失败：共 {len(failure.errors)} 处错误，未写入任何数据。"
            ) from None
        head = "将要" if options["dry_run"] else "已"
        self.stdout.write(f"{head}导入（{plan.kind}）：")
        for line in plan.lines:
            self.stdout.write(f"  {line}")
        if options["dry_run"]:
            self.stdout.write("（试运行：未写入任何数据）")
