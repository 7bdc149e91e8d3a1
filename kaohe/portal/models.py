"""What a unit answers to its deductions: appeals (复核申请) and rectifications (整改情况).

Neither model ever touches a score by itself. An upheld or changed appeal is decided by the
office, and a change is carried out as ledger entries (a reversal and, if anything is left, a
new entry), so the ledger stays the only source of every number.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q

from kaohe.assessment.models import Campaign, LedgerEntry
from kaohe.registry.models import Unit


def _evidence_name(folder: str, filename: str) -> str:
    """Upload names are generated: a user-chosen file name never reaches the file system."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"portal/{folder}/{uuid.uuid4().hex}{suffix}"


def upload_appeal(instance: models.Model, filename: str) -> str:
    return _evidence_name("appeals", filename)


def upload_rectification(instance: models.Model, filename: str) -> str:
    return _evidence_name("rectifications", filename)


class Evidence(models.Model):
    """A link and/or an uploaded file that backs what a unit says; the file's original name is
    kept for display only."""

    evidence_url = models.URLField("证据链接", max_length=500, blank=True)
    evidence_name = models.CharField("证据文件名", max_length=200, blank=True)

    class Meta:
        abstract = True


class Appeal(Evidence):
    """A unit's request to review one ledger entry, and the office's decision on it.

    The entry is referenced, never changed: a “changed” decision points at the reversing entry
    and the replacement entry it created, so the ledger explains the new score by itself.
    Deleting an entry (only a demo refresh does that) takes its appeals with it.
    """

    class Status(models.TextChoices):
        OPEN = "open", "待复核"
        UPHELD = "upheld", "维持原扣分"
        CHANGED = "changed", "已调整"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="appeals")
    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.CASCADE, related_name="appeals", verbose_name="被申请的记录"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="appeals")
    text = models.TextField("复核理由")
    evidence_file = models.FileField("证据文件", upload_to=upload_appeal, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    submitted_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.OPEN)
    decision_reason = models.TextField("复核意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="复核人",
    )
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)
    new_amount = models.DecimalField(
        "调整后分值", max_digits=9, decimal_places=2, null=True, blank=True
    )
    reversal = models.OneToOneField(
        LedgerEntry,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reversing_appeal",
        verbose_name="撤销记录",
    )
    replacement = models.OneToOneField(
        LedgerEntry,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replacing_appeal",
        verbose_name="调整后记录",
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One review per entry: a unit states its whole case once; the decision is final.
            models.UniqueConstraint(fields=["entry"], name="appeal_one_per_entry"),
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(decision_reason="") & Q(decided_at__isnull=False)),
                name="appeal_decision_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status="changed") | Q(new_amount__gte=0),
                name="appeal_changed_has_amount",
            ),
        ]
        verbose_name = verbose_name_plural = "复核申请"

    def __str__(self) -> str:
        return f"{self.unit} 对记录 {self.entry_id} 的复核申请（{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Rectification(Evidence):
    """How a unit fixed the problem behind a deduction (对号入座、立行立改), checked by the office.

    A unit may report again until the office has verified one report for the entry.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rectifications")
    entry = models.ForeignKey(
        LedgerEntry,
        on_delete=models.CASCADE,
        related_name="rectifications",
        verbose_name="对应扣分",
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rectifications")
    text = models.TextField("整改情况")
    evidence_file = models.FileField("证据文件", upload_to=upload_rectification, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报送人"
    )
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="核实人",
    )
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verification_note = models.TextField("核实意见", blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(verified_at__isnull=False),
                name="rectification_one_verified_per_entry",
            )
        ]
        verbose_name = verbose_name_plural = "整改情况"

    def __str__(self) -> str:
        return f"{self.unit} 对记录 {self.entry_id} 的整改"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Disclosure(models.Model):
    """The office's choice whether units see their totals during 公示与复核 and 定稿.

    Rank and grade are shown only after publication whatever this says; a campaign without a
    row shows totals (公示 means the scores are made known for review).
    """

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="portal_disclosure"
    )
    show_totals = models.BooleanField("公示与定稿期间向单位显示得分", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位门户公开设置"

    def __str__(self) -> str:
        return f"{self.campaign}：{'显示' if self.show_totals else '不显示'}得分"
