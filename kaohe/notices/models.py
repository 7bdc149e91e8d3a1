"""The office's working copy of a notice, and the checker findings it has accepted."""

from django.conf import settings
from django.db import models

from kaohe.assessment.models import Campaign


class NoticeDraft(models.Model):
    """Edited text of a campaign's notice. Without one, the notice is drafted from the data."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="notice")
    doc_number = models.CharField("发文字号", max_length=50, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField(
        "正文", help_text="一段一行；“一、”开头为一级标题，“㈠/（一）”开头为二级标题。"
    )
    signature = models.CharField("署名", max_length=100)
    date = models.DateField("成文日期")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "通报草稿"

    def __str__(self) -> str:
        return self.title


class AcceptedFinding(models.Model):
    """A checker finding the office keeps on purpose, with its reason (publication then proceeds)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="accepted_findings"
    )
    claim = models.CharField("文中表述", max_length=300)
    fact = models.CharField("数据", max_length=300)
    reason = models.TextField("保留理由")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "claim", "fact"], name="accepted_finding_unique"
            )
        ]
        verbose_name = verbose_name_plural = "已确认保留的不一致"

    def __str__(self) -> str:
        return f"{self.claim}（{self.reason}）"
