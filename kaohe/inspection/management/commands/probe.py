"""``kaohe probe [--site ID ...]``: visit each registered site's home page once, now.

For cron (``*/60 * * * * kaohe probe``) where no task worker runs; with ``kaohe db_worker``
a site's probe interval set on its page chains the probes by itself. Each visit is recorded
for the weekly availability rule, and the last seven days are printed per site.
"""

from django.core.management.base import BaseCommand, CommandError

from kaohe.inspection import availability
from kaohe.inspection.models import Site


class Command(BaseCommand):
    help = "可用性探测：访问各网站首页一次并记录，输出近 7 天的访问失败率（≥5% 为不可用）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--site", type=int, action="append", dest="sites", help="网站编号（可多次指定）"
        )

    def handle(self, *args, **options):
        sites = Site.objects.order_by("name", "id")
        wanted = options["sites"] or []
        if wanted:
            sites = sites.filter(pk__in=wanted)
            missing = sorted(set(wanted) - set(sites.values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"没有编号为 {'、'.join(map(str, missing))} 的网站。")
        found = list(sites)
        if not found:
            self.stderr.write("尚未登记任何网站。")
            return
        for site in found:
            sample = availability.probe(site)
            outcome = "成功" if sample.ok else "失败"
            week = availability.week([site.id])[site.id]
            flag = "，不可用" if week.flagged else ""
            self.stdout.write(
                f"{site.name} {site.base_url}：本次{outcome}（{sample.status or '—'}）；"
                f"近 7 天 {week.visits} 次，失败 {week.failures} 次，失败率 {week.percent}{flag}"
            )
