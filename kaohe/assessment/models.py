"""Campaigns, scorecards, indicators, the scoring ledger and the results computed from it.

Totals are never typed in: every score is derived from ledger entries, and the ``Result`` rows
are a cache of that derivation (frozen once the campaign is published).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from kaohe.core.ranking import TiePolicy
from kaohe.core.rules import RuleKind
from kaohe.registry.models import Category, Unit


class Campaign(models.Model):
    """One year's assessment (e.g. 2020年度政务公开政务服务考核)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SCORING = "scoring", "评分中"
        REVIEW = "review", "审核"
        APPEAL = "appeal", "公示与复核"
        APPROVED = "approved", "定稿"
        PUBLISHED = "published", "已发布"

    class OverallMethod(models.TextChoices):
        WEIGHTED = "weighted", "按权重加权"
        FIRST = "first", "以单位参加的首张考核表为准"

    code = models.SlugField("代码", unique=True)
    year = models.PositiveIntegerField("年度")
    name = models.CharField("名称", max_length=200)
    issuer = models.CharField("考核单位", max_length=100, blank=True)
    period_start = models.DateField("考核期起", null=True, blank=True)
    period_end = models.DateField("考核期止", null=True, blank=True)
    window_start = models.DateField("集中考核起", null=True, blank=True)
    window_end = models.DateField("集中考核止", null=True, blank=True)
    method = models.CharField("考核方式", max_length=200, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.DRAFT)
    overall_method = models.CharField(
        "综合结果", max_length=20, choices=OverallMethod, default=OverallMethod.WEIGHTED
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="上一年度"
    )
    appeal_deadline = models.DateTimeField("复核截止", null=True, blank=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = verbose_name_plural = "考核"

    def __str__(self) -> str:
        return self.name

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED


class BasisDocument(models.Model):
    """A document the campaign is carried out under (title + 文号)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="basis_documents")
    title = models.CharField("标题", max_length=300)
    number = models.CharField("文号", max_length=100)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = verbose_name_plural = "考核依据"

    def __str__(self) -> str:
        return f"《{self.title}》（{self.number}）"


class Scorecard(models.Model):
    """One score table (评分表) of a campaign, with its own ranking and annex."""

    class TieBreak(models.TextChoices):
        SORT_ORDER = "sort_order", "单位排序"
        STROKES = "strokes", "单位名称笔画"
        INDICATOR = "indicator", "指定指标得分（高者在前）"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scorecards")
    code = models.SlugField("代码")
    name = models.CharField("名称", max_length=200)
    full_marks = models.DecimalField("满分", max_digits=7, decimal_places=2, default=Decimal(100))
    tie_policy = models.CharField(
        "并列规则", max_length=20, choices=[(p.value, p.value) for p in TiePolicy]
    )
    tie_break = models.CharField(
        "同分排序", max_length=20, choices=TieBreak, default=TieBreak.SORT_ORDER
    )
    tie_break_indicator = models.CharField("同分比较指标", max_length=30, blank=True)
    weight = models.DecimalField("综合权重", max_digits=5, decimal_places=2, default=Decimal(1))
    annex_name_label = models.CharField("附件表“单位”列名", max_length=100, default="单位名称")
    annex_score_label = models.CharField("附件表“得分”列名", max_length=100, default="考核得分")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["campaign", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="scorecard_code_unique")
        ]
        verbose_name = verbose_name_plural = "考核表"

    def __str__(self) -> str:
        return self.name


class RankingGroup(models.Model):
    """Units ranked and graded together: a scorecard's 乡镇场 table, or an overall category group.

    ``scorecard`` is empty for the campaign's overall (综合) groups.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    scorecard = models.ForeignKey(
        Scorecard, null=True, blank=True, on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField("名称", max_length=100)
    categories = models.ManyToManyField(Category, verbose_name="包含类别")
    fallback_grade = models.CharField("未达任何等次时", max_length=20, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = verbose_name_plural = "排名组"

    def __str__(self) -> str:
        return self.name


class GradeBand(models.Model):
    """A grade threshold of a group, best first: 优秀 ≥ 90 (名额 ≤ 30%)."""

    group = models.ForeignKey(RankingGroup, on_delete=models.CASCADE, related_name="bands")
    grade = models.CharField("等次", max_length=20)
    min_score = models.DecimalField("最低分", max_digits=7, decimal_places=2)
    quota = models.DecimalField("名额比例", max_digits=5, decimal_places=4, null=True, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = verbose_name_plural = "等次标准"

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"


class Enrollment(models.Model):
    """A unit assessed on a scorecard, with the name that scorecard's table prints for it."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="enrollments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="enrollments")
    display_name = models.CharField("表内名称", max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "unit"], name="enrollment_unique")
        ]
        verbose_name = verbose_name_plural = "参评单位"

    def __str__(self) -> str:
        return self.display_name


class Indicator(models.Model):
    """A node of a scorecard's indicator tree; leaves carry a scoring rule."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField("编码", max_length=30)
    name = models.CharField("名称", max_length=200)
    points = models.DecimalField("分值", max_digits=7, decimal_places=2)
    rule_kind = models.CharField(
        "规则", max_length=20, choices=[(k.value, k.value) for k in RuleKind], blank=True
    )
    rule_params = models.JSONField("规则参数", default=dict, blank=True)
    owner = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_indicators",
        verbose_name="牵头赋分单位",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["scorecard", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "code"], name="indicator_code_unique")
        ]
        verbose_name = verbose_name_plural = "指标"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorPoints(models.Model):
    """A per-category variant of an indicator's points, where schemes differ by category."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="category_points"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    points = models.DecimalField("分值", max_digits=7, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "category"], name="indicator_points_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.category}: {self.points}"


class LedgerEntry(models.Model):
    """One score change: never edited, never deleted.

    A correction is a new entry that ``reverses`` an earlier one with the opposite ``amount`` and
    ``weight`` -1, so a plain SUM over the ledger is always the current state.

    One defect is deducted once: no two *active* entries (not reversed) of a unit and indicator
    may carry the same evidence — see ``evidence_in_use``. It is a rule over active entries, so a
    corrected deduction keeps its evidence; a database constraint cannot express "not reversed"
    without rewriting the reversed row.
    """

    class Source(models.TextChoices):
        MANUAL = "manual", "人工评分"
        DAILY = "daily", "日常考核"
        ONLINE = "online", "网上核验"
        IMPORT = "import", "导入"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="ledger")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="ledger")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="ledger")
    amount = models.DecimalField("分值", max_digits=9, decimal_places=2)
    weight = models.SmallIntegerField("计数", default=1)
    item = models.CharField("事项", max_length=30, blank=True)
    reason = models.TextField("原因")
    evidence = models.CharField("证据", max_length=500, blank=True)
    evidence_file = models.FileField("证据文件", upload_to="evidence/%Y/", blank=True)
    source = models.CharField("来源", max_length=20, choices=Source, default=Source.MANUAL)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="录入人",
    )
    author_name = models.CharField("录入人（名）", max_length=100, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    illustrative = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["campaign", "unit"], name="ledger_campaign_unit")]
        constraints = [
            models.CheckConstraint(condition=Q(weight__in=[1, -1]), name="ledger_weight_sign"),
        ]
        verbose_name = verbose_name_plural = "评分记录"

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator.code} {self.amount}"


def bare_evidence(url: str) -> str:
    """The evidence address without its #fragment: the same page is the same evidence."""
    return url.split("#", 1)[0]


def evidence_in_use(
    campaign_id: int, unit_id: int, indicator_id: int, evidence: str
) -> "LedgerEntry | None":
    """The active entry that already deducts for this evidence (the same page, ignoring any
    #fragment), if there is one."""
    if not evidence:
        return None
    bare = bare_evidence(evidence)
    active = LedgerEntry.objects.filter(
        campaign_id=campaign_id, unit_id=unit_id, indicator_id=indicator_id, weight=1,
        reversed_by__isnull=True, evidence__startswith=bare,
    )  # fmt: skip
    return next((e for e in active if bare_evidence(e.evidence) == bare), None)


class GradeAdjustment(models.Model):
    """A manual grade decision; always carries a reason and is shown as an adjustment."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="adjustments")
    scorecard = models.ForeignKey(
        Scorecard,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name="考核表（空为综合）",
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    grade = models.CharField("调整后等次", max_length=20, blank=True)
    reason = models.TextField("原因")
    author_name = models.CharField("决定人", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "scorecard", "unit"], name="adjustment_unique"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="adjustment_needs_reason"),
        ]
        verbose_name = verbose_name_plural = "等次调整"

    def __str__(self) -> str:
        return f"{self.unit} → {self.grade or '无等次'}"


class Downgrade(models.Model):
    """A 降档 decision under a grade rule (e.g. 未按期报送总结降一档)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="downgrades")
    scorecard = models.ForeignKey(Scorecard, null=True, blank=True, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    steps = models.PositiveSmallIntegerField("降档数", default=1)
    reason = models.TextField("原因")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="downgrade_needs_reason")
        ]
        verbose_name = verbose_name_plural = "降档"

    def __str__(self) -> str:
        return f"{self.unit} 降{self.steps}档"


class Result(models.Model):
    """A unit's computed total, rank and grade in one group; rebuilt by recompute, frozen on publish."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="results")
    group = models.ForeignKey(RankingGroup, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="results")
    display_name = models.CharField(max_length=100)
    total = models.DecimalField(max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField()
    position = models.PositiveIntegerField()
    rule_grade = models.CharField(max_length=20, blank=True)
    grade = models.CharField(max_length=20, blank=True)
    adjusted = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["group__scorecard__sort_order", "group__sort_order", "position"]
        constraints = [models.UniqueConstraint(fields=["group", "unit"], name="result_unique")]

    def __str__(self) -> str:
        return f"{self.group} {self.position} {self.display_name} {self.total}"


class Transition(models.Model):
    """One change of a campaign's workflow state: who, when, why; leadership approval recorded."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField("原状态", max_length=20, choices=Campaign.Status)
    target = models.CharField("新状态", max_length=20, choices=Campaign.Status)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    actor_name = models.CharField("操作人", max_length=100)
    at = models.DateTimeField("时间", auto_now_add=True)
    reason = models.TextField("原因/说明", blank=True)
    approval = models.CharField("审定意见", max_length=200, blank=True)
    appeal_deadline = models.DateTimeField("复核截止", null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "状态变更"

    def __str__(self) -> str:
        return f"{self.get_source_display()} → {self.get_target_display()}"
