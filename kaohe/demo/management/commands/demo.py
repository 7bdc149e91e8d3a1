"""``kaohe demo``: create or refresh the 2020 Jinghe demo campaign (jinghe-2020)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kaohe.demo.loader import ensure_demo_users, load_demo


class Command(BaseCommand):
    help = "创建或刷新演示考核 jinghe-2020（2020年精河县政务公开政务服务考核）。"

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0, interactive=False)
        load_demo(log=self.stdout.write)
        ensure_demo_users(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("演示考核 jinghe-2020 已就绪。"))
