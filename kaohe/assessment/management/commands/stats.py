"""``kaohe stats CAMPAIGN [--scorecard CODE]``: per-indicator statistics by group."""

import csv

from django.core.management.base import BaseCommand, CommandError

from kaohe.assessment.models import Campaign
from kaohe.assessment.statistics import campaign_statistics
from kaohe.core.numbers import format_score
from kaohe.core.stats import percent


class Command(BaseCommand):
    help = "按类别统计各指标的满分率、平均分、最低分、最高分（CSV）。"

    def add_arguments(self, parser):
        parser.add_argument("campaign")
        parser.add_argument("--scorecard")

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(code=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"没有代码为“{options['campaign']}”的考核。")
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            [
                "考核表",
                "类别",
                "指标编码",
                "指标",
                "分值",
                "单位数",
                "满分数",
                "满分率",
                "平均分",
                "最低分",
                "最高分",
            ]
        )
        for row in campaign_statistics(campaign, options["scorecard"]):
            s = row.stats
            writer.writerow(
                [
                    row.scorecard,
                    row.group,
                    row.code,
                    row.name,
                    format_score(row.points),
                    s.count,
                    s.full_marks_count,
                    percent(s.full_mark_ratio),
                    format_score(s.mean),
                    format_score(s.min),
                    format_score(s.max),
                ]
            )
