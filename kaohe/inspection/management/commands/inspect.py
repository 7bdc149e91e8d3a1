"""``kaohe inspect URL [--columns FILE] [--as-of YYYY-MM-DD] [--max-pages N] [--concurrency C]
[--rate R] [--format json|text] [-o FILE]``.

Inspects one site with the wording (错敏) and privacy checks and prints (or writes) the report
``{"site", "as_of", "pages_fetched", "findings": [...]}``; a progress bar goes to stderr. No
database is touched: staff can check any site from a laptop, and cron can run it anywhere.
Exit status 2 when the column file has bad rows (nothing is crawled then).
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaohe.crawler import CrawlConfig, InspectionReport
from kaohe.crawler.urls import normalize
from kaohe.inspection import runner
from kaohe.inspection.models import KIND_LABELS

FORMATS = ("json", "text")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of 应为 YYYY-MM-DD 格式的日期：“{value}”") from None


def _line(finding: dict) -> str:
    kind = finding["kind"]
    label = KIND_LABELS.get(kind, kind)
    f = finding
    why = f"：{f['reason']}" if f.get("reason") else ""
    if kind in ("dead_link", "unverified_link"):
        return f"[{label}] {f['page']} → {f['target']}（{f['status']}）{why}"
    if kind == "stale_column" and why:
        return f"[{label}] {f['unit']} “{f['column']}” {f['reason']} {f['url']}"
    if kind == "stale_column":
        return (
            f"[{label}] {f['unit']} “{f['column']}” 最近更新 {f['last_update']}，"
            f"超过 {f['max_age_days']} 天 {f['url']}"
        )
    if kind in ("empty_column", "missing_column"):
        return f"[{label}] {f['unit']} “{f['column']}” {f['url']}{why}"
    if kind == "unreachable":
        return f"[{label}] {f['url']}（{f['status']}）"
    suggestion = f" → {f['suggestion']}" if f.get("suggestion") else ""
    dated = f"页面日期 {f['page_date']}" if f.get("page_date") else "页面无日期"
    return (
        f"[{label}] {f['page']} @{f['offset']} “{f['text']}”{suggestion}"
        f"（{f['category']}，{f['severity']}，{f['rule']}，{dated}）"
    )


def as_text(report: InspectionReport) -> str:
    data = report.to_dict()
    findings = data["findings"]
    lines = [
        f"网站：{data['site']}",
        f"核验日期：{data['as_of']}",
        f"抓取页面：{data['pages_fetched']} 页",
        f"发现问题：{len(findings)} 项",
    ]
    lines += [_line(f) for f in findings]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "网上核验一个网站：死链、栏目更新、错敏信息与个人信息，输出核验报告（JSON 或文本）。"
    requires_system_checks: list = []  # no database, no settings beyond the basics

    def add_arguments(self, parser):
        parser.add_argument("url", help="网站首页，如 http://www.example.gov.cn/")
        parser.add_argument(
            "--columns", type=Path, help="栏目文件（CSV/XLSX）：单位,栏目,网址,更新周期(天)"
        )
        parser.add_argument("--as-of", help="核验日期 YYYY-MM-DD（缺省为今天）")
        parser.add_argument(
            "--max-pages", type=int, default=200, help="最多抓取的页面数（缺省 200）"
        )
        parser.add_argument("--concurrency", type=int, default=2, help="每个站点的并发数（缺省 2）")
        parser.add_argument(
            "--rate", type=float, default=1.0, help="每个站点每秒请求数（缺省 1；0 为不限）"
        )
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("-o", "--output", type=Path, help="输出文件；缺省输出到标准输出")

    def handle(self, *args, **options):
        url = normalize(options["url"])
        if url is None:
            raise CommandError(f"不是 http(s) 网址：“{options['url']}”")
        if options["max_pages"] < 1 or options["concurrency"] < 1 or options["rate"] < 0:
            raise CommandError("--max-pages 与 --concurrency 应为正整数，--rate 不能为负数。")
        as_of = _day(options["as_of"]) if options["as_of"] else date.today()
        columns = []
        if options["columns"]:
            path: Path = options["columns"]
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"无法读取栏目文件 {path}：{exc.strerror}") from None
            imported = runner.read_columns_file(data, path.name)
            for error in imported.errors:
                self.stderr.write(f"{path}:{error.row} [{error.field}] {error.message}")
            if imported.errors:
                raise CommandError("栏目文件有误，未核验。", returncode=2)
            columns = imported.columns
        rate = options["rate"] or None
        config = CrawlConfig(
            max_pages=options["max_pages"], concurrency=options["concurrency"], rate=rate
        )
        bar = runner.ProgressBar(getattr(self.stderr, "_out", self.stderr))
        try:
            report = runner.run(
                url,
                columns,
                as_of,
                config=config,
                text_checkers=[runner.build_checker()],
                on_progress=bar,
                interval=0.2,
            )
        finally:
            bar.close()
        text = report.to_json(indent=2) + "\n" if options["format"] == "json" else as_text(report)
        for error in report.errors:
            self.stderr.write(error)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            count = len(report.finding_dicts())
            self.stderr.write(f"已写入 {options['output']}（{count} 项发现）")
        else:
            self.stdout.write(text, ending="")
