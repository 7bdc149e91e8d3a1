"""``kaohe notice CAMPAIGN --format docx|pdf|xlsx|html -o FILE``: the results notice."""

import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaohe.assessment.models import Campaign
from kaohe.assessment.results import recompute
from kaohe.documents.docx_writer import write_notice_docx
from kaohe.documents.html import render_notice_html
from kaohe.documents.pdf import ConversionError, convert_to_pdf
from kaohe.documents.xlsx_writer import write_notice_xlsx
from kaohe.notices.build import build_notice


class Command(BaseCommand):
    help = "生成考核结果通报（DOCX 供编辑，PDF 供发布，XLSX 附件表，HTML 预览）。"

    def add_arguments(self, parser):
        parser.add_argument("campaign")
        parser.add_argument("--format", choices=["docx", "pdf", "xlsx", "html"], default="docx")
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(code=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"没有代码为“{options['campaign']}”的考核。")
        if not campaign.is_frozen:
            recompute(campaign)
        notice = build_notice(campaign)
        output = Path(options["output"])
        fmt = options["format"]
        if fmt == "docx":
            write_notice_docx(notice, output)
        elif fmt == "xlsx":
            write_notice_xlsx(notice, output)
        elif fmt == "html":
            output.write_text(render_notice_html(notice), encoding="utf-8")
        else:
            with tempfile.TemporaryDirectory(prefix="kaohe-notice-") as scratch:
                docx = write_notice_docx(notice, Path(scratch) / f"{output.stem}.docx")
                try:
                    produced = convert_to_pdf(docx, scratch)
                except ConversionError as exc:
                    raise CommandError(f"PDF 转换失败：{exc}") from exc
                shutil.move(produced, output)
        self.stdout.write(f"已生成：{output}")
