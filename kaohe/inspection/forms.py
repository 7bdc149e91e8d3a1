"""Forms of online verification. Amounts are typed as text and read with ``parse_score`` (full-width
digits from a Chinese IME are fine), as in the scoring workspace."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaohe.assessment.models import Campaign, Indicator
from kaohe.core.numbers import format_score, parse_score
from kaohe.crawler.urls import normalize
from kaohe.registry.models import Unit
from kaohe.web.widgets import DateInput

from .models import DEDUCTIBLE_KINDS, KIND_LABELS, FindingRule, Site
from .runner import MAX_COLUMN_FILE
from .services import DEFAULT_REASONS, check_template

MAX_PAGES = 5000


class SiteForm(forms.ModelForm):
    base_url = forms.URLField(label="首页网址", max_length=500, assume_scheme="http")

    class Meta:
        model = Site
        fields = ["name", "base_url", "unit"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.select_related("category")
        self.fields["unit"].empty_label = "（县政府门户网站）"

    def clean_base_url(self) -> str:
        url = normalize(self.cleaned_data["base_url"])
        if url is None:
            raise ValidationError("请填写 http:// 或 https:// 开头的网址。")
        if Site.objects.filter(base_url=url).exclude(pk=self.instance.pk).exists():
            raise ValidationError("该网站已登记。")
        return url


class ColumnImportForm(forms.Form):
    file = forms.FileField(
        label="栏目文件（CSV 或 XLSX）",
        help_text="表头：单位,栏目,网址,更新周期(天)。有任何一行有误时不导入任何内容。",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_COLUMN_FILE:
            raise ValidationError("文件超过 5 MB。")
        return upload


class StartForm(forms.Form):
    as_of = forms.DateField(
        label="核验日期",
        help_text="栏目是否按期更新以这一天为准。",
        widget=DateInput(),
    )
    max_pages = forms.IntegerField(label="页面上限", min_value=1, max_value=MAX_PAGES, initial=200)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"as_of": timezone.localdate(), "max_pages": 200})
        super().__init__(*args, **kwargs)


class ScheduleForm(forms.Form):
    schedule_days = forms.IntegerField(
        label="定期核验间隔（天）",
        min_value=1,
        max_value=366,
        required=False,
        help_text="留空为停止定期核验。定期核验计入本考核。",
    )
    probe_minutes = forms.IntegerField(
        label="可用性探测间隔（分钟）",
        min_value=5,
        max_value=1440,
        required=False,
        help_text=(
            "每隔多少分钟访问一次首页（建议 60，即每天 24 次；检查指标要求每天不少于 15 次）。"
            "留空为停止探测。"
        ),
    )


class FindingRuleForm(forms.ModelForm):
    amount = forms.CharField(label="默认扣分", max_length=20)

    class Meta:
        model = FindingRule
        fields = ["kind", "indicator", "amount", "reason_template"]
        widgets = {"reason_template": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        leaves = Indicator.objects.filter(
            scorecard__campaign=campaign, children__isnull=True
        ).select_related("scorecard")
        self.fields["indicator"].queryset = leaves
        self.fields["indicator"].label_from_instance = lambda i: (
            f"{i.scorecard.code} · {i.code} {i.name}（{format_score(i.points)}分）"
        )
        self.fields["reason_template"].required = False
        self.fields["reason_template"].help_text = (
            "可用字段：{column} {unit} {url} {page} {target} {status} {text} {suggestion} "
            "{category_label} {last_update} {max_age_days} {as_of} {site}。留空用默认模板。"
        )

    def clean_amount(self):
        try:
            value = parse_score(self.cleaned_data["amount"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if value <= 0:
            raise ValidationError("默认扣分应大于 0。")
        return value

    def clean_reason_template(self) -> str:
        template = self.cleaned_data.get("reason_template", "").strip()
        if template:
            check_template(template)
        return template

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and not data.get("reason_template"):
            data["reason_template"] = DEFAULT_REASONS[kind]
        indicator = data.get("indicator")
        if (
            kind
            and indicator
            and FindingRule.objects.filter(
                campaign=self.campaign, kind=kind, indicator=indicator
            ).exists()
        ):
            raise ValidationError(f"“{KIND_LABELS[kind]}”已对应该指标。")
        return data

    def save(self, commit: bool = True) -> FindingRule:
        self.instance.campaign = self.campaign
        self.instance.reason_template = self.cleaned_data["reason_template"]
        return super().save(commit)


class AcceptForm(forms.Form):
    amount = forms.CharField(label="扣分", max_length=20, required=False)
    reason = forms.CharField(
        label="扣分原因",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="留空则按规则模板生成。",
    )

    def clean_amount(self):
        text = self.cleaned_data.get("amount", "").strip()
        if not text:
            return None
        try:
            return parse_score(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class RejectForm(forms.Form):
    reason = forms.CharField(label="不予扣分理由", widget=forms.Textarea(attrs={"rows": 2}))


class IgnoreForm(forms.Form):
    reason = forms.CharField(
        label="误报说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


KIND_CHOICES = [("", "全部类型"), *((k, KIND_LABELS[k]) for k in DEDUCTIBLE_KINDS)]
