"""``kaohe explain CAMPAIGN UNIT``: a unit's score tree with every ledger entry behind it."""

from django.core.management.base import BaseCommand, CommandError

from kaohe.assessment.explain import explain_unit, render_text
from kaohe.assessment.models import Campaign
from kaohe.registry.names import UnitNames


class Command(BaseCommand):
    help = "逐项说明一个单位的得分：指标树及每一条评分记录。"

    def add_arguments(self, parser):
        parser.add_argument("campaign")
        parser.add_argument("unit", help="单位全称、简称或别名")

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(code=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"没有代码为“{options['campaign']}”的考核。")
        unit = UnitNames().resolve(options["unit"])
        if unit is None:
            raise CommandError(f"未知单位“{options['unit']}”（名称须与全称、简称或别名完全一致）。")
        explained = explain_unit(campaign, unit)
        if not explained:
            raise CommandError(f"单位“{unit.name}”未参加考核“{campaign.code}”。")
        self.stdout.write(render_text(unit, explained), ending="")
