"""``kaohe template KIND -o FILE``: an empty import template (CSV or XLSX) with an example row."""

import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

TEMPLATES = {
    "categories": (
        ["类别", "代码", "主送写法", "排序"],
        ["乡镇场", "township", "各乡镇人民政府、场管委", "1"],
    ),
    "units": (
        ["单位", "类别", "简称", "别名", "排序"],
        ["精河县住房和城乡建设局", "县直部门", "住建局", "住房和城乡建设局、县住建局", "10"],
    ),
    "indicators": (
        [
            "考核表",
            "指标编码",
            "上级编码",
            "指标名称",
            "分值",
            "规则",
            "规则参数",
            "牵头单位",
            "分类分值",
        ],
        [
            "zwgk",
            "1.3",
            "1",
            "重点领域信息公开",
            "15",
            "扣分",
            "",
            "县政务服务和大数据发展服务中心",
            "",
        ],
    ),
    "enrollments": (["考核表", "参评单位"], ["zwgk", "住建局"]),
    "scores": (
        ["考核表", "单位", "指标编码", "分值", "原因", "证据", "事项", "来源"],
        [
            "zwgk",
            "住建局",
            "1.3",
            "3",
            "重点领域信息更新发布滞后",
            "https://example.gov.cn/zdly/",
            "",
            "网上核验",
        ],
    ),
    "adjustments": (
        ["考核表", "单位", "调整后等次", "原因"],
        ["zwgk", "审计局", "良好", "经县人民政府审定"],
    ),
}


class Command(BaseCommand):
    help = "生成导入模板（表头与示例行）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(TEMPLATES))
        parser.add_argument("-o", "--output", required=True, help=".csv 或 .xlsx")

    def handle(self, *args, **options):
        header, example = TEMPLATES[options["kind"]]
        path = Path(options["output"])
        if path.suffix == ".csv":
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows([header, example])
            path.write_text(out.getvalue(), encoding="utf-8-sig")
        elif path.suffix == ".xlsx":
            from openpyxl import Workbook

            workbook = Workbook()
            workbook.active.append(header)
            workbook.active.append(example)
            workbook.save(path)
        else:
            raise CommandError("模板文件名应以 .csv 或 .xlsx 结尾。")
        self.stdout.write(f"已生成模板：{path}")
