"""``kaohe check-notice CAMPAIGN TEXTFILE [--json]``: numbers and names in a notice against the data.

Exit status 1 when a finding remains (findings the office accepted with a reason do not count).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaohe.assessment.models import Campaign
from kaohe.assessment.results import recompute
from kaohe.imports.errors import ImportFailure
from kaohe.imports.reader import decode_text
from kaohe.notices.build import open_findings


class Command(BaseCommand):
    help = "核对通报文本中的数量、比例、单位与等次是否与考核数据一致。"

    def add_arguments(self, parser):
        parser.add_argument("campaign")
        parser.add_argument("textfile")
        parser.add_argument(
            "--json", action="store_true", help="以 JSON 输出：[{sentence, claim, fact}]"
        )

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(code=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"没有代码为“{options['campaign']}”的考核。")
        path = Path(options["textfile"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        if not campaign.is_frozen:
            recompute(campaign)
        try:
            text = decode_text(path.read_bytes())
        except ImportFailure as failure:
            raise CommandError(str(failure)) from None
        findings = open_findings(campaign, text)
        if options["json"]:
            rows = [{"sentence": f.sentence, "claim": f.claim, "fact": f.fact} for f in findings]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        elif findings:
            for number, f in enumerate(findings, start=1):
                self.stdout.write(
                    f"{number}. 文中：“{f.claim}”  数据：{f.fact}\n   原句：{f.sentence}"
                )
        else:
            self.stdout.write("未发现与数据不一致之处。")
        if findings:
            raise SystemExit(1)
