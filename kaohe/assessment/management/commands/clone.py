"""``kaohe clone SOURCE NEW_CODE [--year 2021] [--name …]``: next year's campaign from this one's."""

from django.core.management.base import BaseCommand, CommandError

from kaohe.assessment.clone import CloneError, clone_campaign, default_name, retired_units
from kaohe.assessment.models import Campaign, Enrollment, Indicator

ACTOR = "命令行"


class Command(BaseCommand):
    help = (
        "复制考核设置为新年度考核（考核依据、考核表、排名组与等次、指标、存续的参评单位），"
        "不复制评分记录、结果、调整和流程记录；新考核为草稿。"
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="来源考核代码，如 jinghe-2020")
        parser.add_argument("code", help="新考核代码，如 jinghe-2021")
        parser.add_argument("--year", type=int, help="新考核年度（缺省为来源年度加一）")
        parser.add_argument("--name", help="新考核名称（缺省把来源名称中的年度换为新年度）")

    def handle(self, *args, **options):
        source = Campaign.objects.filter(code=options["source"]).first()
        if source is None:
            raise CommandError(f"没有代码为“{options['source']}”的考核。")
        year = options["year"] or source.year + 1
        name = options["name"] or default_name(source, year)
        retired = retired_units(source, year)
        try:
            created = clone_campaign(source, options["code"], year, name, ACTOR)
        except CloneError as exc:
            raise CommandError(f"{exc}未写入任何数据。") from None
        cards = created.scorecards.count()
        indicators = Indicator.objects.filter(scorecard__campaign=created).count()
        enrolled = Enrollment.objects.filter(scorecard__campaign=created).count()
        self.stdout.write(
            f"已由 {source.code} 复制出 {created.code}（{created.year}年，草稿）：{created.name}"
        )
        self.stdout.write(
            f"  考核依据 {created.basis_documents.count()} 份，考核表 {cards} 张，"
            f"排名组 {created.groups.count()} 个，指标 {indicators} 项，参评登记 {enrolled} 条。"
        )
        if retired:
            names = "、".join(str(u) for u in retired)
            self.stdout.write(f"  {year}年已不再存续、未复制参评的单位：{names}")
