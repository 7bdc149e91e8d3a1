"""Online verification (网上核验): the sites and columns checked, each run, what it found, how
each finding was reviewed, and which finding kinds become deductions under which indicator.

A finding's ``fields`` are exactly the crawler's public contract for its kind (see
``kaohe/crawler/SPEC.md``); everything else here is what the assessment adds around it: the
unit it belongs to, the archived response that proves it, whether it is new since the last run,
and the lead agency's decision.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kaohe.assessment.models import Campaign, Indicator, LedgerEntry
from kaohe.crawler import checks as crawler_checks
from kaohe.registry.models import Unit

KIND_LABELS = {
    "dead_link": "死链",
    "unverified_link": "暂无法验证的链接",
    "stale_column": "栏目未按期更新",
    "empty_column": "空白栏目",
    "missing_column": "栏目无法打开",
    "wording": "错敏信息",
    "privacy": "个人信息泄露",
    "unreachable": "网站无法访问",
}
# "unverified_link" means "retry later" (403/429/5xx/timeout): never a deduction.
DEDUCTIBLE_KINDS = tuple(k for k in KIND_LABELS if k != "unverified_link")
TEXT_KINDS = crawler_checks.TEXT_KINDS  # findings about a text, with offsets into it


class Site(models.Model):
    """A website checked as a whole: the county portal (no unit) or a unit's own site."""

    name = models.CharField("网站名称", max_length=100)
    base_url = models.URLField("首页网址", max_length=500, unique=True)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_sites",
        verbose_name="主办单位",
        help_text="留空表示县政府门户网站本身。",
    )
    schedule_days = models.PositiveSmallIntegerField(
        "定期核验间隔（天）", null=True, blank=True, help_text="留空则不定期核验。"
    )
    schedule_campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="定期核验计入的考核",
    )
    next_run_at = models.DateTimeField("下次定期核验", null=True, blank=True)
    last_run_at = models.DateTimeField("最近核验", null=True, blank=True)
    probe_minutes = models.PositiveSmallIntegerField(
        "可用性探测间隔（分钟）",
        null=True,
        blank=True,
        help_text="每隔多少分钟访问一次首页，统计近 7 天的访问失败率；留空则只记录核验时的访问。",
    )
    next_probe_at = models.DateTimeField("下次可用性探测", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = verbose_name_plural = "核验网站"

    def __str__(self) -> str:
        return self.name


class AvailabilitySample(models.Model):
    """One visit of a site's home page: a probe, or the first fetch of an inspection. A week
    of them decides the availability rule (``kaohe.crawler.availability``)."""

    class Source(models.TextChoices):
        PROBE = "probe", "定时探测"
        INSPECTION = "inspection", "核验"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="availability_samples")
    checked_at = models.DateTimeField("访问时间")
    ok = models.BooleanField("访问成功")
    status = models.CharField("状态码", max_length=30, blank=True)  # HTTP status or error kind
    elapsed = models.FloatField("耗时（秒）", null=True, blank=True)
    source = models.CharField("来源", max_length=12, choices=Source)
    inspection = models.ForeignKey(
        "Inspection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["site", "checked_at"], name="inspection_sample_site_time")]
        verbose_name = verbose_name_plural = "可用性访问记录"

    def __str__(self) -> str:
        return f"{self.site} {self.checked_at:%Y-%m-%d %H:%M} {'成功' if self.ok else '失败'}"


class Column(models.Model):
    """A unit's column (栏目) on a site, with the update interval it must keep."""

    class Kind(models.TextChoices):
        NEWS = "news", "动态/要闻"
        NOTICE = "notice", "通知公告"
        POLICY = "policy", "政策文件"
        KEY_AREA = "key_area", "重点领域信息"
        GUIDE = "guide", "政府信息公开指南"
        SYSTEM = "system", "政府信息公开制度"
        STATUTORY = "statutory", "法定主动公开内容"
        ANNUAL_REPORT = "annual_report", "政府信息公开年度报告"
        OTHER = "other", "其他"

    MANDATORY_KINDS = (Kind.GUIDE, Kind.SYSTEM, Kind.STATUTORY, Kind.ANNUAL_REPORT)

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="columns")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="inspection_columns", verbose_name="单位"
    )
    name = models.CharField("栏目", max_length=100)
    url = models.URLField("网址", max_length=1000)
    kind = models.CharField("类型", max_length=20, choices=Kind, default=Kind.OTHER)
    max_age_days = models.PositiveIntegerField("更新周期（天）")
    mandatory = models.BooleanField("必设栏目", default=False)

    class Meta:
        ordering = ["site", "unit__category__sort_order", "unit__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "unit", "name"], name="inspection_column_unique"
            )
        ]
        verbose_name = verbose_name_plural = "栏目"

    def __str__(self) -> str:
        return f"{self.unit} · {self.name}"


class Inspection(models.Model):
    """One run of the crawler over one site, for one campaign."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "核验中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Trigger(models.TextChoices):
        MANUAL = "manual", "手动"
        SCHEDULED = "scheduled", "定期"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="inspections")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="inspections")
    status = models.CharField("状态", max_length=10, choices=Status, default=Status.QUEUED)
    trigger = models.CharField("方式", max_length=10, choices=Trigger, default=Trigger.MANUAL)
    as_of = models.DateField("核验日期")
    max_pages = models.PositiveIntegerField("页面上限", default=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始", null=True, blank=True)
    finished_at = models.DateTimeField("结束", null=True, blank=True)
    pages_done = models.PositiveIntegerField("已抓取页面", default=0)
    pages_total = models.PositiveIntegerField("已发现页面", default=0)
    warc_dir = models.CharField("存档目录", max_length=500, blank=True)
    report = models.JSONField("核验报告", default=dict, blank=True)
    errors = models.JSONField("运行问题", default=list, blank=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="对比的上一次核验",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["site", "status"], name="inspection_site_status")]
        verbose_name = verbose_name_plural = "核验"

    def __str__(self) -> str:
        return f"{self.site} {self.as_of}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return 100 * self.pages_done // self.pages_total if self.pages_total else 0


class Finding(models.Model):
    """One problem found by one run, as the crawler reported it, placed and reviewed."""

    class Status(models.TextChoices):
        NEW = "new", "待审核"
        ACCEPTED = "accepted", "已扣分"
        REJECTED = "rejected", "不予扣分"
        IGNORED = "ignored", "误报（已忽略）"

    class Change(models.TextChoices):
        NEW = "new", "新发现"
        PERSISTING = "persisting", "仍存在"
        FIXED = "fixed", "已整改"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField("类型", max_length=20, choices=list(KIND_LABELS.items()))
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_findings",
        verbose_name="单位",
    )
    column = models.ForeignKey(
        Column, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    fields = models.JSONField("内容")  # the crawler's contract fields for ``kind``
    url = models.CharField("网址", max_length=1000)  # the page (or column) the finding is on
    fingerprint = models.CharField("指纹", max_length=64)
    rule_mark = models.CharField("规则标记", max_length=100, blank=True)  # wording rule:print
    context_before = models.CharField("前文", max_length=60, blank=True)
    context_after = models.CharField("后文", max_length=60, blank=True)
    change = models.CharField("变化", max_length=12, choices=Change, default=Change.NEW)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("审核", max_length=10, choices=Status, default=Status.NEW)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_reason = models.TextField("审核意见", blank=True)
    ledger_entry = models.ForeignKey(
        LedgerEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_findings",
        verbose_name="扣分记录",
    )
    # Evidence: where the response of ``url`` (and of a link's target) sits in the WARC files.
    fetched_at = models.DateTimeField("抓取时间", null=True, blank=True)
    http_status = models.CharField("状态码", max_length=30, blank=True)
    warc_file = models.CharField(max_length=500, blank=True)
    warc_offset = models.BigIntegerField(null=True, blank=True)
    target_warc_file = models.CharField(max_length=500, blank=True)
    target_warc_offset = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["inspection", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "fingerprint"], name="inspection_finding_unique"
            )
        ]
        indexes = [models.Index(fields=["inspection", "kind"], name="inspection_finding_kind")]
        verbose_name = verbose_name_plural = "核验发现"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.url}"

    @property
    def reviewable(self) -> bool:
        return (
            self.status == self.Status.NEW
            and self.change != self.Change.FIXED
            and self.kind in DEDUCTIBLE_KINDS
        )


class FindingRule(models.Model):
    """Which indicator a finding kind is deducted under in a campaign, how much, and the
    reason written to the ledger (``{column}``, ``{page}``, ``{text}``… from the finding)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="finding_rules")
    kind = models.CharField(
        "发现类型", max_length=20, choices=[(k, KIND_LABELS[k]) for k in DEDUCTIBLE_KINDS]
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="finding_rules", verbose_name="指标"
    )
    amount = models.DecimalField("默认扣分", max_digits=7, decimal_places=2)
    reason_template = models.TextField("扣分原因模板")

    class Meta:
        ordering = ["campaign", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "indicator"], name="inspection_rule_unique"
            )
        ]
        verbose_name = verbose_name_plural = "核验扣分规则"

    def __str__(self) -> str:
        return f"{KIND_LABELS.get(self.kind, self.kind)} → {self.indicator}"


class AllowlistEntry(models.Model):
    """A false positive that the text checker must not report again: a phrase (wording, folded
    like the page) or a ``rule:fingerprint`` mark (personal data is never stored in clear)."""

    phrase = models.CharField("放行词句", max_length=200, blank=True)
    mark = models.CharField("规则标记", max_length=100, blank=True)
    rule = models.CharField("规则", max_length=30, blank=True)
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="allowlist"
    )
    reason = models.TextField("理由", blank=True)
    active = models.BooleanField("有效", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phrase="") | ~Q(mark=""), name="inspection_allow_phrase_or_mark"
            )
        ]
        verbose_name = verbose_name_plural = "错敏放行清单"

    def __str__(self) -> str:
        return self.phrase or self.mark
