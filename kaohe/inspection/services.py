"""Online verification's reads and writes, kept out of the views and the task so tests call them.

- the column registry: import ``单位,栏目,网址,更新周期(天)`` (CSV/XLSX) into a site, all rows
  checked first, nothing written while any row is wrong;
- runs: :func:`start` queues a run through the Django tasks API; :func:`execute` (the task's
  body) crawls with the wording/privacy checker, archives to WARC, stores the findings with their
  unit and compares them with the site's previous run (new / persisting / fixed);
- review: a lead agency accepts a finding (a ledger entry, source "online", with the finding's
  URL as evidence, audited and recomputed like any score), rejects it with a reason, or ignores it
  as a false positive (wording goes to the allowlist the next run's checker reads);
- evidence: the archived response of a finding, read back from its WARC file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone

from kaohe.accounts.access import (
    READ_ALL_ROLES,
    membership,
    require_open_for_scoring,
    scorable_indicators,
)
from kaohe.accounts.models import Role
from kaohe.assessment.models import Campaign, Enrollment, LedgerEntry
from kaohe.assessment.results import recompute
from kaohe.audit.trail import record, snapshot
from kaohe.crawler import (
    ColumnConfig,
    CrawlConfig,
    InspectionReport,
    RowError,
    load_records,
    read_response,
    save_records,
)
from kaohe.crawler.columns import ANNUAL_REPORT_WORDS
from kaohe.crawler.urls import normalize
from kaohe.crawler.warc import ArchivedResponse
from kaohe.registry.models import Unit
from kaohe.registry.names import UnitNames
from kaohe.scoring.services import ENTRY_FIELDS, check_amount, check_evidence_unused

from . import runner
from .models import (
    DEDUCTIBLE_KINDS,
    KIND_LABELS,
    TEXT_KINDS,
    AllowlistEntry,
    AvailabilitySample,
    Column,
    Finding,
    FindingRule,
    Inspection,
    Site,
)

log = logging.getLogger(__name__)

_DIGITS = re.compile(r"[0-9０-９Xx]")
CONTEXT_CHARS = 20  # of page text kept on each side of a wording finding
ALLOW_CONTEXT = 4  # of it put around the matched text in an allowlist phrase
DEFAULT_REASONS = {
    "dead_link": "网上核验（{as_of}）：页面 {page} 中的链接 {target} 无法访问（{status}）。",
    # {detail}: “最近更新于 2023-01-02，超过规定的 180 天未更新”, or the finding's own
    # reason when another rule applies (“2023年度报告未在2024年1月31日前发布”)
    "stale_column": "网上核验（{as_of}）：“{column}”栏目{detail}。",
    "empty_column": "网上核验（{as_of}）：“{column}”栏目无任何带日期的信息（空白栏目）。",
    # {detail}: “：疑似软404（…）” / “：打开后跳转到网站首页（…）” when it answered at all
    "missing_column": "网上核验（{as_of}）：“{column}”栏目无法打开（{url}）{detail}。",
    "wording": (
        "网上核验（{as_of}）：页面 {page} 存在错敏信息“{text}”"
        "（{category_label}），应为“{suggestion}”。"
    ),
    "privacy": "网上核验（{as_of}）：页面 {page} 公开了个人信息（{text}），{suggestion}。",
    "unreachable": "网上核验（{as_of}）：网站 {url} 无法访问（{status}）。",
}


# ---------------------------------------------------------------- configuration


def warc_root() -> Path:
    """Where WARC evidence lives: ``KAOHE_WARC_DIR`` or ``<data dir>/warc``. With workers on
    several hosts this must be shared storage, so the web host can show what a worker archived."""
    return Path(getattr(settings, "KAOHE_WARC_DIR", settings.DATA_DIR / "warc")).resolve()


def crawl_config() -> CrawlConfig:
    """The polite defaults, unless ``KAOHE_INSPECTION_CRAWL`` (a dict of ``CrawlConfig``
    fields, plus ``"lifted": True`` for one's own servers) says otherwise."""
    overrides = dict(getattr(settings, "KAOHE_INSPECTION_CRAWL", {}) or {})
    lifted = overrides.pop("lifted", False)
    config = CrawlConfig()
    return config.lifted(**overrides) if lifted else replace(config, **overrides)


# ---------------------------------------------------------------- the column registry

_KIND_WORDS = (
    (Column.Kind.ANNUAL_REPORT, ANNUAL_REPORT_WORDS),  # as the crawler's CLI infers it
    (Column.Kind.GUIDE, ("公开指南",)),
    (Column.Kind.SYSTEM, ("公开制度",)),
    (Column.Kind.STATUTORY, ("法定主动公开",)),
    (Column.Kind.NOTICE, ("通知公告", "公示公告", "通知", "公告")),
    (Column.Kind.POLICY, ("政策文件", "规范性文件", "文件")),
    (Column.Kind.NEWS, ("动态", "要闻", "新闻")),
    (Column.Kind.KEY_AREA, ("重点领域", "财政", "预决算", "住房", "保障", "教育", "卫生", "医疗",
                            "环境", "食品", "药品", "扶贫", "乡村振兴", "征收", "公共资源", "救助",
                            "就业", "安全生产", "农业", "建设")),
)  # fmt: skip


def infer_kind(name: str) -> tuple[str, bool]:
    """(kind, mandatory) from a column's name, following the national inspection indicators:
    公开指南, 公开制度, 法定主动公开内容 and 年度报告 are columns every unit must have."""
    for kind, words in _KIND_WORDS:
        if any(word in name for word in words):
            return kind, kind in Column.MANDATORY_KINDS
    return Column.Kind.OTHER, False


@dataclass
class ColumnRow:
    row: int
    unit: Unit
    config: ColumnConfig
    kind: str
    mandatory: bool
    existing: Column | None = None


@dataclass
class ColumnPlan:
    rows: list[ColumnRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def plan_columns(site: Site, data: bytes, filename: str) -> ColumnPlan:
    """Check every row of a column file against the registry; report all errors at once."""
    parsed = runner.read_columns_file(data, filename)
    plan = ColumnPlan(errors=list(parsed.errors))
    if parsed.errors and not parsed.columns and parsed.errors[0].row <= 1:
        return plan  # header or file level: row checks would only repeat it
    names = UnitNames()
    existing = {(c.unit_id, c.name): c for c in site.columns.all()}
    numbers = _row_numbers(data, filename, parsed.columns)
    for config, number in zip(parsed.columns, numbers, strict=True):
        unit = names.resolve(config.unit)
        if unit is None:
            plan.errors.append(RowError(number, "单位", f"单位名录中没有“{config.unit}”"))
            continue
        kind, mandatory = infer_kind(config.column)
        plan.rows.append(
            ColumnRow(number, unit, config, kind, mandatory, existing.get((unit.id, config.column)))
        )
    seen: dict[tuple[int, str], int] = {}
    for row in plan.rows:
        key = (row.unit.id, row.config.column)
        if key in seen:  # two names of one unit (住建局 / 住房和城乡建设局) in one file
            message = f"与第 {seen[key]} 行是同一单位的同一栏目：{row.unit} / {row.config.column}"
            plan.errors.append(RowError(row.row, "栏目", message))
        seen.setdefault(key, row.row)
    plan.errors.sort(key=lambda e: (e.row, e.field))
    return plan


def _row_numbers(data: bytes, filename: str, columns: list[ColumnConfig]) -> list[int]:
    """The spreadsheet row of each accepted column (the parser keeps rows, not their numbers):
    recovered by matching (unit, column) in file order, which the parser keeps unique."""
    from kaohe.imports.errors import ImportFailure
    from kaohe.imports.reader import read_table

    try:
        table = read_table(data, filename if Path(filename).suffix else filename + ".csv")
    except ImportFailure:
        return [0] * len(columns)
    where = {(v.get("单位", "").strip(), v.get("栏目", "").strip()): n for n, v in table.rows}
    return [where.get((c.unit, c.column), 0) for c in columns]


def import_columns(site: Site, data: bytes, filename: str, user) -> ColumnPlan:
    """Write a checked column file: new columns are added, known ones (same unit and name) get
    the file's URL and interval. Nothing is written when any row is wrong."""
    with transaction.atomic():
        plan = plan_columns(site, data, filename)
        if plan.errors:
            return plan
        for row in plan.rows:
            values = {
                "url": row.config.url,
                "max_age_days": row.config.max_age_days,
                "kind": row.kind,
                "mandatory": row.mandatory,
            }
            if row.existing is None:
                Column.objects.create(site=site, unit=row.unit, name=row.config.column, **values)
                plan.created += 1
            else:
                for name, value in values.items():
                    setattr(row.existing, name, value)
                row.existing.save(update_fields=list(values))
                plan.updated += 1
        record(
            actor=user, action="inspection.columns.import", obj=site,
            reason=f"导入栏目文件“{filename}”：新增 {plan.created} 个，更新 {plan.updated} 个",
            after={"file": filename, "created": plan.created, "updated": plan.updated},
        )  # fmt: skip
    return plan


def missing_mandatory(columns: Iterable[Column]) -> list[tuple[Unit, list[str]]]:
    """Units with columns on a site (``site.columns.select_related("unit")``) that lack one of
    the mandatory column kinds."""
    kinds: dict[int, set[str]] = {}
    units: dict[int, Unit] = {}
    for column in columns:
        kinds.setdefault(column.unit_id, set()).add(column.kind)
        units[column.unit_id] = column.unit
    labels = dict(Column.Kind.choices)
    return [
        (units[uid], [labels[k] for k in Column.MANDATORY_KINDS if k not in have])
        for uid, have in kinds.items()
        if any(k not in have for k in Column.MANDATORY_KINDS)
    ]


# ---------------------------------------------------------------- starting and running


def active_run(site: Site) -> Inspection | None:
    return site.inspections.filter(
        status__in=[Inspection.Status.QUEUED, Inspection.Status.RUNNING]
    ).first()


def start(
    campaign: Campaign,
    site: Site,
    user=None,
    as_of: date | None = None,
    max_pages: int = 200,
    trigger: str = Inspection.Trigger.MANUAL,
) -> Inspection:
    """Queue a run. The task row and the inspection row commit together (database backend),
    so a worker never picks up a run that does not exist yet."""
    from .tasks import run_inspection

    if campaign.is_frozen:
        raise PermissionDenied("考核已发布，结果已冻结，不能再发起核验。")
    with transaction.atomic():
        Site.objects.select_for_update().get(pk=site.pk)  # one start at a time per site
        if (running := active_run(site)) is not None:
            raise ValidationError(
                f"该网站已有一次核验{running.get_status_display()}（第 {running.id} 号），"
                "请等它结束后再发起。"
            )
        inspection = Inspection.objects.create(
            campaign=campaign,
            site=site,
            trigger=trigger,
            as_of=as_of or timezone.localdate(),
            max_pages=max_pages,
            requested_by=user if user is not None and user.is_authenticated else None,
        )
        record(
            actor=user if user is not None else "定期核验", action="inspection.start",
            campaign=campaign, unit=site.unit, obj=inspection,
            after=snapshot(inspection, ["id", "site", "as_of", "max_pages", "trigger"]),
        )  # fmt: skip
    result = run_inspection.enqueue(inspection.id)
    Inspection.objects.filter(pk=inspection.pk, task_id="").update(task_id=str(result.id)[:64])
    inspection.refresh_from_db()
    return inspection


def checker_for_next_run() -> runner.RecordingChecker:
    entries = AllowlistEntry.objects.filter(active=True)
    phrases = [e.phrase for e in entries if e.phrase]
    marks = [e.mark for e in entries if e.mark]
    return runner.build_checker(allowlist=phrases, ignore=marks, roster=leader_roster())


def leader_roster() -> list:
    """The leaders' tenures the office keeps in the registry, for “县长张三” checks."""
    from kaohe.core.wording.roster import Tenure
    from kaohe.registry.models import LeaderTenure

    return [Tenure(t.name, t.title, t.start, t.end) for t in LeaderTenure.objects.all()]


def previous_run(inspection: Inspection) -> Inspection | None:
    return (
        Inspection.objects.filter(site=inspection.site, status=Inspection.Status.DONE)
        .exclude(pk=inspection.pk)
        .filter(created_at__lte=inspection.created_at)
        .order_by("-created_at", "-id")
        .first()
    )


def _previous_records(previous: Inspection | None) -> list:
    """Fetch records of the previous run whose WARC files are still there: conditional GET."""
    if previous is None or not previous.warc_dir:
        return []
    path = Path(previous.warc_dir) / "records.jsonl"
    if not path.exists():
        return []
    try:
        return [r for r in load_records(path) if r.warc_file and Path(r.warc_file).exists()]
    except (OSError, ValueError, KeyError):
        log.warning("unreadable fetch records %s; fetching everything again", path)
        return []


def column_config(column: Column) -> ColumnConfig:
    """The crawler's view of a column; the annual-report column is held to 1月31日 too."""
    return ColumnConfig(
        column.unit.name,
        column.name,
        column.url,
        column.max_age_days,
        annual_report=column.kind == Column.Kind.ANNUAL_REPORT,
    )


def record_home_visit(inspection: Inspection, report: InspectionReport) -> None:
    """The run's fetch of the home page is one visit for the weekly availability rule
    (the last attempt: a dead-looking first answer is retried, as a visitor would reload)."""
    from .availability import record_visit

    crawl = report.crawl
    attempts = crawl.fetches.get(crawl.start_url) if crawl is not None else None
    if attempts is not None:
        record_visit(
            inspection.site, attempts.last, AvailabilitySample.Source.INSPECTION, inspection
        )


def execute(inspection_id: int, *, resolver: Any = None) -> dict[str, Any]:
    """The task's body: run one queued inspection to the end (or to ``failed``)."""
    claimed = Inspection.objects.filter(pk=inspection_id, status=Inspection.Status.QUEUED).update(
        status=Inspection.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # already run (a retried task) or gone
        return {"inspection": inspection_id, "skipped": True}
    inspection = Inspection.objects.select_related("site", "campaign").get(pk=inspection_id)
    site = inspection.site
    try:
        columns = list(site.columns.select_related("unit"))
        configs = [column_config(c) for c in columns]
        checker = checker_for_next_run()
        previous = previous_run(inspection)
        directory = (
            warc_root() / inspection.campaign.code / f"site-{site.id}" / f"run-{inspection.id}"
        )
        directory.mkdir(parents=True, exist_ok=True)
        Inspection.objects.filter(pk=inspection.pk).update(warc_dir=str(directory))
        inspection.warc_dir = str(directory)

        def progress(done: int, total: int) -> None:
            Inspection.objects.filter(pk=inspection.pk).update(pages_done=done, pages_total=total)

        config = replace(crawl_config(), max_pages=inspection.max_pages)
        report = runner.run(
            site.base_url,
            configs,
            inspection.as_of,
            config=config,
            text_checkers=[checker],
            warc_dir=directory,
            previous=_previous_records(previous),
            resolver=resolver,
            on_progress=progress,
            interval=1.0,
        )
        if report.crawl is not None:
            save_records(directory / "records.jsonl", report.crawl.records())
        with transaction.atomic():
            counts = store_report(inspection, report, checker, columns, previous)
            record_home_visit(inspection, report)
            now = timezone.now()
            Inspection.objects.filter(pk=inspection.pk).update(
                status=Inspection.Status.DONE,
                finished_at=now,
                report=report.to_dict(),
                errors=list(report.errors),
                previous=previous,
            )
            Site.objects.filter(pk=site.pk).update(last_run_at=now)
    except BaseException as exc:
        Inspection.objects.filter(pk=inspection.pk).update(
            status=Inspection.Status.FAILED,
            finished_at=timezone.now(),
            errors=[f"{exc.__class__.__name__}: {exc}"],
        )
        raise
    return {"inspection": inspection_id, **counts}


# ---------------------------------------------------------------- storing a report


class _Locator:
    """Which column (and so which unit) a page belongs to: the column whose list page links to
    it, else the column whose URL directory holds it; none means the site's own unit."""

    def __init__(self, columns: list[Column], report: InspectionReport) -> None:
        self.by_name = {(c.unit.name, c.name): c for c in columns}
        self.by_url: dict[str, Column] = {}
        self.linked: dict[str, Column] = {}
        prefixes = []
        pages = report.crawl.pages if report.crawl is not None else {}
        for column in columns:
            url = normalize(column.url) or column.url
            self.by_url.setdefault(url, column)
            page = pages.get(url)
            for link in page.links if page is not None else ():
                self.linked.setdefault(link, column)
            prefix = _directory(url)
            if prefix:
                prefixes.append((prefix, column))
        self.prefixes = sorted(prefixes, key=lambda p: -len(p[0]))

    def column(self, url: str) -> Column | None:
        if url in self.by_url:
            return self.by_url[url]
        for prefix, column in self.prefixes:
            if url.startswith(prefix):
                return column
        return self.linked.get(url)


def _directory(url: str) -> str:
    """``http://h/col/zjj/`` of ``http://h/col/zjj/index.html``; "" for a site root (a column
    at the root, or a ``list.jsp?id=`` column, says nothing about where its pages live)."""
    bare = url.split("?", 1)[0]
    scheme, _, rest = bare.partition("://")
    host, slash, path = rest.partition("/")
    directory = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    return f"{scheme}://{host}/{directory}" if slash and directory else ""


def _fingerprint(*parts: object) -> str:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _identity(kind: str, fields: dict[str, Any]) -> tuple:
    if kind in ("dead_link", "unverified_link"):
        return (kind, fields["page"], fields["target"])
    if kind == "stale_column" and fields.get("reason"):  # the annual report of one year
        return (kind, fields["unit"], fields["column"], fields["url"], fields["reason"])
    if kind in ("stale_column", "empty_column", "missing_column"):
        return (kind, fields["unit"], fields["column"], fields["url"])
    if kind == "unreachable":
        return (kind, fields["url"])
    return (kind, fields.get("page"), fields.get("rule"))


def _relative(path: str | None) -> str:
    if not path:
        return ""
    root = warc_root()
    resolved = Path(path).resolve()
    return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(resolved)


@dataclass
class _Evidence:
    fetched_at: Any = None
    status: str = ""
    warc_file: str = ""
    warc_offset: int | None = None


def _evidence(report: InspectionReport, url: str | None) -> _Evidence:
    crawl = report.crawl
    attempts = crawl.fetches.get(url) if crawl is not None and url else None
    if attempts is None:
        return _Evidence()
    last = attempts.last
    status = last.status_or_error
    return _Evidence(
        last.fetched_at,
        "" if status is None else str(status),
        _relative(last.warc_file),
        last.warc_offset,
    )


def store_report(
    inspection: Inspection,
    report: InspectionReport,
    checker: runner.RecordingChecker | None,
    columns: list[Column],
    previous: Inspection | None,
) -> dict[str, int]:
    """Findings of one report, placed (unit, column), with evidence and compared with the
    previous run of the site. Returns counts by change."""
    site = inspection.site
    locate = _Locator(columns, report)
    pages = report.crawl.pages if report.crawl is not None else {}
    start_url = report.site
    rows: list[Finding] = []
    occurrences: Counter[tuple] = Counter()
    for data in report.finding_dicts():
        kind = data["kind"]
        fields = {k: v for k, v in data.items() if k != "kind"}
        column: Column | None = None
        url = fields.get("page") or fields.get("url") or start_url
        mark = before = after = ""
        identity = _identity(kind, fields)
        if kind in ("stale_column", "empty_column", "missing_column"):
            column = locate.by_name.get((fields["unit"], fields["column"]))
            url = fields["url"]
        elif (
            kind == "unverified_link"
            and fields["page"] == start_url
            and (fields["target"] in locate.by_url)
        ):
            column = locate.by_url[fields["target"]]  # a configured column, not fetchable now
        elif kind != "unreachable":
            column = locate.column(url)
        if kind in TEXT_KINDS:
            page = pages.get(url)
            text = page.text if page is not None else ""
            offset = int(fields.get("offset") or 0)
            end = offset + len(fields.get("text") or "")
            window = 12 if kind == "privacy" else CONTEXT_CHARS
            before, after = text[max(0, offset - window) : offset], text[end : end + window]
            if kind == "privacy":  # a neighbouring number must not leak through the context
                before, after = _DIGITS.sub("*", before), _DIGITS.sub("*", after)
            if checker is not None:
                mark = checker.mark(text, offset, fields.get("rule", ""))
            # the wording fingerprint already holds the matched text and its context; personal
            # data is only ever hashed masked
            identity = (*identity, mark or (before, fields.get("text"), after))
        occurrences[identity] += 1
        evidence = _evidence(report, url)
        target = _evidence(report, fields.get("target"))
        rows.append(
            Finding(
                inspection=inspection,
                kind=kind,
                unit=column.unit if column is not None else site.unit,
                column=column,
                fields=fields,
                url=url[:1000],
                fingerprint=_fingerprint(*identity, occurrences[identity]),
                rule_mark=mark[:100],
                context_before=before[-60:],
                context_after=after[:60],
                fetched_at=evidence.fetched_at,
                http_status=evidence.status[:30],
                warc_file=evidence.warc_file,
                warc_offset=evidence.warc_offset,
                target_warc_file=target.warc_file,
                target_warc_offset=target.warc_offset,
            )
        )
    counts = _compare(inspection, rows, previous, report)
    Finding.objects.bulk_create(rows)
    return counts


#: A finding's review decision, carried to the same problem in a later run.
_REVIEW_FIELDS = ("status", "reviewed_by_id", "reviewed_at", "review_reason", "ledger_entry_id")


def _carry_review(row: Finding, old: Finding) -> None:
    for name in _REVIEW_FIELDS:
        setattr(row, name, getattr(old, name))


def _compare(
    inspection: Inspection,
    rows: list[Finding],
    previous: Inspection | None,
    report: InspectionReport,
) -> dict[str, int]:
    """Mark each row new or persisting; add a ``fixed`` row for each earlier finding that the
    run looked for again (its page was fetched) and did not find. A persisting finding keeps
    the decision taken on it in the same campaign, so nobody reviews it (or deducts) twice."""
    counts = Counter({Finding.Change.NEW: 0, Finding.Change.PERSISTING: 0})
    before: dict[str, Finding] = {}
    if previous is not None:
        before = {
            f.fingerprint: f
            for f in previous.findings.exclude(change=Finding.Change.FIXED).select_related("unit")
        }
    same_campaign = previous is not None and previous.campaign_id == inspection.campaign_id
    seen = set()
    for row in rows:
        seen.add(row.fingerprint)
        old = before.get(row.fingerprint)
        if old is None:
            row.change = Finding.Change.NEW
        else:
            row.change = Finding.Change.PERSISTING
            row.previous = old
            if same_campaign and old.status != Finding.Status.NEW:
                _carry_review(row, old)
        counts[row.change] += 1
    fetched = report.crawl.fetches if report.crawl is not None else {}
    for fingerprint, old in before.items():
        if fingerprint in seen or old.status == Finding.Status.IGNORED:
            continue  # an ignored false positive is suppressed now, not fixed
        if old.url not in fetched:
            continue  # not looked at this time (page limit, time budget): unknown, not fixed
        fixed = Finding(
            inspection=inspection,
            kind=old.kind,
            unit=old.unit,
            column_id=old.column_id,
            fields=old.fields,
            url=old.url,
            fingerprint=fingerprint,
            rule_mark=old.rule_mark,
            context_before=old.context_before,
            context_after=old.context_after,
            change=Finding.Change.FIXED,
            previous=old,
            fetched_at=old.fetched_at,
            http_status=old.http_status,
            warc_file=old.warc_file,
            warc_offset=old.warc_offset,
        )
        _carry_review(fixed, old)
        rows.append(fixed)
        counts[Finding.Change.FIXED] += 1
    return {str(k): v for k, v in counts.items()}


# ---------------------------------------------------------------- schedule


def schedule_next(site: Site) -> None:
    """Queue the site's next periodic run (``run_after``), if it has a schedule and the task
    backend can defer (the database backend can; the immediate one would run it right now)."""
    from .tasks import scheduled_inspection

    if not site.schedule_days or site.schedule_campaign_id is None:
        Site.objects.filter(pk=site.pk).update(next_run_at=None)
        site.next_run_at = None
        return
    base = site.last_run_at or timezone.now()
    due = max(base + timedelta(days=site.schedule_days), timezone.now())
    Site.objects.filter(pk=site.pk).update(next_run_at=due)
    site.next_run_at = due
    if scheduled_inspection.get_backend().supports_defer:
        scheduled_inspection.using(run_after=due).enqueue(site.pk, due.isoformat())


def run_scheduled(site_id: int, due: str) -> dict[str, Any]:
    """A periodic run: only the one the site still expects (a changed schedule leaves older
    queued tasks behind; they end here doing nothing), then the next one is queued."""
    site = Site.objects.filter(pk=site_id).select_related("schedule_campaign").first()
    if site is None or site.next_run_at is None or site.next_run_at.isoformat() != due:
        return {"site": site_id, "skipped": "superseded"}
    campaign = site.schedule_campaign
    result: dict[str, Any] = {"site": site_id}
    if campaign is not None and not campaign.is_frozen and active_run(site) is None:
        inspection = Inspection.objects.create(
            campaign=campaign,
            site=site,
            trigger=Inspection.Trigger.SCHEDULED,
            as_of=timezone.localdate(),
        )
        record(
            actor="定期核验", action="inspection.start", campaign=campaign, unit=site.unit,
            obj=inspection, after=snapshot(inspection, ["id", "site", "as_of", "trigger"]),
        )  # fmt: skip
        try:
            result.update(execute(inspection.pk))
        except Exception:
            log.exception("scheduled inspection %s failed", inspection.pk)
            result["failed"] = inspection.pk
    site.refresh_from_db()
    schedule_next(site)
    return result


# ---------------------------------------------------------------- review


def rules_for(user, campaign: Campaign) -> list[FindingRule]:
    """The campaign's rules under indicators this user scores (all of them for the office)."""
    return list(
        FindingRule.objects.filter(
            campaign=campaign, indicator__in=scorable_indicators(user, campaign)
        )
        .select_related("indicator__scorecard", "indicator__owner")
        .order_by("kind", "indicator__scorecard__sort_order", "indicator__sort_order", "id")
    )


def _rule_filter(rules: Iterable[FindingRule]) -> Q:
    """Findings one of ``rules`` applies to: its kind, of a unit enrolled on its scorecard
    (one enrollment subquery per scorecard, however many kinds map to it)."""
    kinds: dict[int, set[str]] = {}
    for rule in rules:
        kinds.setdefault(rule.indicator.scorecard_id, set()).add(rule.kind)
    q = Q(pk__in=[])
    for card, card_kinds in kinds.items():
        enrolled = Enrollment.objects.filter(scorecard_id=card).values("unit_id")
        q |= Q(kind__in=sorted(card_kinds), unit_id__in=enrolled)
    return q


def latest_runs(campaign: Campaign) -> list[int]:
    """The newest finished run of each site in the campaign."""
    rows = (
        Inspection.objects.filter(campaign=campaign, status=Inspection.Status.DONE)
        .values("site_id")
        .annotate(last=Max("id"))
    )
    return [row["last"] for row in rows]


def reviewable(user, campaign: Campaign, rules: list[FindingRule] | None = None):
    """Findings of the campaign's latest runs that this user may decide on."""
    rules = rules_for(user, campaign) if rules is None else rules
    return (
        Finding.objects.filter(inspection_id__in=latest_runs(campaign), kind__in=DEDUCTIBLE_KINDS)
        .exclude(change=Finding.Change.FIXED)
        .filter(_rule_filter(rules))
        .select_related("unit", "column", "inspection__site", "ledger_entry", "reviewed_by")
        .order_by("status", "kind", "unit__category__sort_order", "unit__sort_order", "id")
    )


def enrollments(rules: list[FindingRule]) -> set[tuple[int, int]]:
    """(scorecard, unit) pairs of the rules' scorecards: one query for a whole page."""
    cards = {r.indicator.scorecard_id for r in rules}
    return set(
        Enrollment.objects.filter(scorecard_id__in=cards).values_list("scorecard_id", "unit_id")
    )


def rule_of(
    finding: Finding, rules: list[FindingRule], enrolled: set[tuple[int, int]] | None = None
) -> FindingRule | None:
    """The first rule of the finding's kind whose scorecard enrolls the finding's unit."""
    if finding.unit_id is None:
        return None
    candidates = [r for r in rules if r.kind == finding.kind]
    if not candidates:
        return None
    if enrolled is None:
        enrolled = enrollments(candidates)
    return next(
        (r for r in candidates if (r.indicator.scorecard_id, finding.unit_id) in enrolled), None
    )


def get_reviewable(user, campaign: Campaign, finding_id: int) -> tuple[Finding, FindingRule]:
    """The finding and the rule it is decided under, or 404 if this user has no say on it."""
    finding = (
        Finding.objects.filter(pk=finding_id, inspection__campaign=campaign)
        .select_related("unit", "inspection__site", "inspection__campaign")
        .first()
    )
    if finding is None:
        raise Http404
    rule = rule_of(finding, rules_for(user, campaign))
    if rule is None:
        raise Http404
    return finding, rule


def can_view(user, finding: Finding) -> bool:
    """Office, admin and leaders see every finding; a unit its own; a scorer what they review."""
    found = membership(user)
    if found is None:
        return False
    if found.role in READ_ALL_ROLES:
        return True
    if found.role == Role.UNIT:
        return finding.unit_id is not None and finding.unit_id == found.unit_id
    if found.role == Role.SCORER:
        campaign = finding.inspection.campaign
        return rule_of(finding, rules_for(user, campaign)) is not None
    return False


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def reason_context(finding: Finding) -> dict[str, Any]:
    fields = finding.fields or {}
    category = fields.get("category", "")
    try:
        from kaohe.core.wording import CATEGORY_LABELS, Category

        label = CATEGORY_LABELS.get(Category(category), category)
    except ValueError:
        label = category
    return {
        **{k: ("" if v is None else v) for k, v in fields.items()},
        "detail": _detail(finding.kind, fields),
        "kind_label": KIND_LABELS.get(finding.kind, finding.kind),
        "category_label": label,
        "unit_name": str(finding.unit) if finding.unit else "",
        "site": finding.inspection.site.name,
        "as_of": finding.inspection.as_of.isoformat(),
        "evidence_url": finding.url,
    }


def _detail(kind: str, fields: dict[str, Any]) -> str:
    """What the finding is, in words, for ``{detail}`` in a reason template: the crawler's
    own ``reason`` when it gave one, else what the contract fields say."""
    reason = str(fields.get("reason") or "")
    if kind == "stale_column":
        return reason or (
            f"最近更新于 {fields.get('last_update', '')}，"
            f"超过规定的 {fields.get('max_age_days', '')} 天未更新"
        )
    return f"：{reason}" if reason else ""


def render_reason(template: str, finding: Finding) -> str:
    """The rule's reason with the finding's fields; unknown ``{names}`` are left as written.
    A template that names neither ``{detail}`` nor ``{reason}`` (written before findings had
    reasons) still gets the finding's reason appended, so the ledger says why."""
    formatter = string.Formatter()
    try:
        text = formatter.vformat(template, (), _Fields(reason_context(finding))).strip()
    except (ValueError, IndexError, AttributeError):
        text = template.strip()
    reason = (finding.fields or {}).get("reason")
    if reason and "{detail}" not in template and "{reason}" not in template:
        text = f"{text}（{reason}）"
    return text


def check_template(template: str) -> None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    except ValueError as exc:
        raise ValidationError(f"模板格式有误：{exc}（花括号须成对）") from exc
    for name in names:
        if not name.isidentifier():
            raise ValidationError(f"模板中的“{{{name}}}”不是字段名。")


def _locked_finding(finding: Finding) -> Finding:
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    if locked.status != Finding.Status.NEW:
        raise ValidationError(f"该发现已处理（{locked.get_status_display()}），不能重复处理。")
    if locked.change == Finding.Change.FIXED:
        raise ValidationError("该问题已整改，不能再处理。")
    return locked


def _decided(finding: Finding, status: str, user, reason: str) -> None:
    finding.status = status
    finding.reviewed_by = user
    finding.reviewed_at = timezone.now()
    finding.review_reason = reason
    finding.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "ledger_entry"]
    )


def accept(
    finding: Finding,
    rule: FindingRule,
    user,
    amount: Decimal | None = None,
    reason: str = "",
) -> LedgerEntry:
    """Deduct for a finding: a ledger entry (source online, the finding's URL as evidence) with
    the same checks as a scorer's own entry, the audit trail, and a recompute — one transaction."""
    campaign = finding.inspection.campaign
    amount = rule.amount if amount is None else amount
    reason = reason.strip() or render_reason(rule.reason_template, finding)
    indicator = rule.indicator
    with transaction.atomic():
        locked_campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        require_open_for_scoring(locked_campaign)
        locked = _locked_finding(finding)
        unit = Unit.objects.select_related("category").get(pk=locked.unit_id)
        if not Enrollment.objects.filter(scorecard_id=indicator.scorecard_id, unit=unit).exists():
            raise ValidationError(f"{unit}未参加“{indicator.scorecard}”的考核。")
        check_amount(indicator, unit.category_id, amount)
        evidence = locked.url[:500]
        check_evidence_unused(locked_campaign, unit.id, indicator.id, evidence)
        entry = LedgerEntry.objects.create(
            campaign=locked_campaign, unit=unit, indicator=indicator, amount=amount,
            reason=reason, evidence=evidence, source=LedgerEntry.Source.ONLINE, author=user,
            author_name=user.get_full_name() or user.get_username(),
        )  # fmt: skip
        record(
            actor=user, action="ledger.add", reason=reason, campaign=locked_campaign, unit=unit,
            indicator=indicator, obj=entry, after=snapshot(entry, ENTRY_FIELDS),
        )  # fmt: skip
        before = snapshot(locked, ["status", "ledger_entry"])
        locked.ledger_entry = entry
        _decided(locked, Finding.Status.ACCEPTED, user, reason)
        record(
            actor=user, action="inspection.accept", reason=reason, campaign=locked_campaign,
            unit=unit, indicator=indicator, obj=locked, before=before,
            after=snapshot(locked, ["status", "ledger_entry", "reviewed_by", "review_reason"]),
        )  # fmt: skip
        recompute(locked_campaign)
    finding.refresh_from_db()
    return entry


def reject(finding: Finding, rule: FindingRule, user, reason: str) -> None:
    """Not a deduction, with the reason (e.g. the column is not the unit's, the page is old)."""
    if not reason.strip():
        raise ValidationError("不予扣分须填写理由。")
    _decide_without_entry(finding, rule, user, Finding.Status.REJECTED, reason.strip())


def ignore(finding: Finding, rule: FindingRule, user, reason: str = "") -> AllowlistEntry | None:
    """A false positive: no deduction, and for wording/privacy an allowlist entry so that the
    next run's checker does not report it again."""
    return _decide_without_entry(finding, rule, user, Finding.Status.IGNORED, reason.strip())


def allow_phrase(finding: Finding) -> str:
    """The matched text with a little of its sentence around it: specific enough to spare only
    this usage (e.g. a quoted document title), short enough to survive edits nearby."""
    before = finding.context_before.rsplit("\n", 1)[-1][-ALLOW_CONTEXT:]
    after = finding.context_after.split("\n", 1)[0][:ALLOW_CONTEXT]
    return f"{before}{finding.fields.get('text', '')}{after}".strip()[:200]


def _decide_without_entry(finding, rule, user, status: str, reason: str):
    campaign = finding.inspection.campaign
    if campaign.is_frozen:
        raise PermissionDenied("考核已发布，结果已冻结。")
    allowed = None
    with transaction.atomic():
        locked = _locked_finding(finding)
        before = snapshot(locked, ["status"])
        _decided(locked, status, user, reason)
        if status == Finding.Status.IGNORED and locked.kind in TEXT_KINDS:
            rule_id = str(locked.fields.get("rule", ""))[:30]
            if locked.kind == "privacy" or not locked.fields.get("text"):
                values = {"mark": locked.rule_mark}  # never the personal data itself
            else:
                values = {"phrase": allow_phrase(locked)}
            if any(values.values()):
                allowed = AllowlistEntry.objects.create(
                    finding=locked, rule=rule_id, reason=reason, created_by=user, **values
                )
        record(
            actor=user, action=f"inspection.{'reject' if status == 'rejected' else 'ignore'}",
            reason=reason, campaign=campaign, unit=locked.unit, indicator=rule.indicator,
            obj=locked, before=before,
            after={**snapshot(locked, ["status", "review_reason"]),
                   "allowlist": allowed.pk if allowed else None},
        )  # fmt: skip
    finding.refresh_from_db()
    return allowed


# ---------------------------------------------------------------- evidence


def _warc_path(name: str) -> Path:
    root = warc_root()
    path = (root / name).resolve() if not Path(name).is_absolute() else Path(name).resolve()
    if not path.is_relative_to(root):
        raise Http404  # only files under the evidence root are ever read
    if not path.is_file():
        raise Http404
    return path


def archived(finding: Finding, target: bool = False) -> ArchivedResponse:
    name = finding.target_warc_file if target else finding.warc_file
    offset = finding.target_warc_offset if target else finding.warc_offset
    if not name or offset is None:
        raise Http404
    try:
        return read_response(_warc_path(name), offset)
    except (OSError, ValueError, StopIteration):
        raise Http404 from None


def header(response: ArchivedResponse, name: str) -> str:
    lowered = name.lower()
    return next((v for k, v in response.headers if k.lower() == lowered), "")
