"""``kaohe results CAMPAIGN [--scorecard CODE] --format csv|json|xlsx [-o FILE]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaohe.assessment.exports import result_rows, to_csv, to_json, to_xlsx
from kaohe.assessment.models import Campaign
from kaohe.assessment.results import recompute


class Command(BaseCommand):
    help = "输出考核结果排名表（CSV 表头：考核表,类别,序号,单位,得分,等次）。"

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="考核代码，如 jinghe-2020")
        parser.add_argument("--scorecard", help="只输出该考核表（代码）")
        parser.add_argument("--overall", action="store_true", help="输出综合结果（按类别）")
        parser.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
        parser.add_argument("-o", "--output", help="输出文件；缺省输出到标准输出（xlsx 必须指定）")

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(code=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"没有代码为“{options['campaign']}”的考核。")
        code = options["scorecard"]
        if code and not campaign.scorecards.filter(code=code).exists():
            known = "、".join(campaign.scorecards.values_list("code", flat=True))
            raise CommandError(f"考核“{campaign.code}”没有考核表“{code}”（可选：{known}）。")
        if not campaign.is_frozen:
            recompute(campaign)
        rows = result_rows(campaign, code, overall=options["overall"])
        fmt, output = options["format"], options["output"]
        if fmt == "xlsx":
            if not output:
                raise CommandError("xlsx 格式请用 -o 指定输出文件。")
            Path(output).write_bytes(to_xlsx(rows))
            return
        text = to_csv(rows) if fmt == "csv" else to_json(campaign, rows) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
