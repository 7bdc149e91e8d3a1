"""Forms of the scoring workspace: one entry, one reversal/correction, one pasted block.

Amounts are typed as text and read with ``parse_score``, which accepts the full-width digits a
Chinese IME produces; a browser's number input would reject them or silently drop them.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from kaohe.assessment.models import Indicator
from kaohe.assessment.tree import build_rule, points_for
from kaohe.core.numbers import format_score, parse_score
from kaohe.core.rules import RuleKind

from . import evidence as evidence_files
from .services import check_amount

# What the amount means under each rule, as the form's label says it.
AMOUNT_LABELS = {
    RuleKind.DEDUCT: "扣分",
    RuleKind.AWARD: "赋分",
    RuleKind.FIXED: "达标记录（大于 0 为达标）",
    RuleKind.PROPORTIONAL: "数值（按比例计分）",
    RuleKind.RANK_TABLE: "数值（按名次计分）",
    RuleKind.CHECKLIST: "分值",
    RuleKind.BONUS: "加分",
    RuleKind.VETO: "否决记录（填 1）",
}
REASON_REQUIRED = "请写明原因：每条评分记录都必须有原因。"
STALE_FORM = "表单已过期，请刷新本单元格后重新填写。"


def rule_hint(indicator: Indicator, category_id: int | None) -> str:
    """One line under the amount field: the points and how the rule treats the amount."""
    points = format_score(points_for(indicator, category_id))
    kind = indicator.rule_kind
    if kind == RuleKind.DEDUCT:
        return f"本指标 {points} 分，扣完为止；填写扣去的分数。"
    if kind == RuleKind.BONUS:
        return f"加分项，最多加 {points} 分。"
    if kind in (RuleKind.PROPORTIONAL, RuleKind.RANK_TABLE):
        return f"本指标 {points} 分，按各单位数值比较计分。"
    return f"本指标 {points} 分。"


class _AmountMixin:
    """Reads and checks an amount against the indicator's points for the unit's category."""

    indicator: Indicator
    category_id: int | None

    def _amount(self, text: str) -> Decimal:
        try:
            value = parse_score(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        check_amount(self.indicator, self.category_id, value)
        return value


class EntryForm(_AmountMixin, forms.Form):
    amount = forms.CharField(label="分值", max_length=20)
    item = forms.ChoiceField(label="检查项", required=False)
    reason = forms.CharField(
        label="原因",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REASON_REQUIRED},
    )
    evidence = forms.URLField(
        label="证据链接",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "请填写以 http:// 或 https:// 开头的网址。"},
    )
    evidence_file = forms.FileField(
        label="或上传证据文件",
        required=False,
        help_text=f"{evidence_files.ALLOWED_LABEL}，不超过 10 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": evidence_files.ACCEPT}),
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": STALE_FORM}
    )

    def __init__(self, *args, indicator: Indicator, category_id: int | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicator, self.category_id = indicator, category_id
        self.fields["amount"].label = AMOUNT_LABELS.get(indicator.rule_kind, "分值")
        self.fields["amount"].help_text = rule_hint(indicator, category_id)
        rule = build_rule(indicator.rule_kind, indicator.rule_params)
        if rule.kind == RuleKind.CHECKLIST:
            self.fields["item"].required = True
            self.fields["item"].choices = [("", "—")] + [
                (code, f"{code}（{format_score(pts)} 分）") for code, pts in rule.items
            ]
        else:
            del self.fields["item"]

    def clean_amount(self) -> Decimal:
        return self._amount(self.cleaned_data["amount"])

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            evidence_files.check_upload(upload)
        return upload

    def clean(self) -> dict:
        data = super().clean()
        amount = data.get("amount")
        missing = not (data.get("evidence") or data.get("evidence_file"))
        refused = self.has_error("evidence") or self.has_error("evidence_file")
        if amount is not None and amount > 0 and missing and not refused:
            self.add_error("evidence", "扣分/赋分须附证据：请填写证据链接或上传证据文件。")
        return data


class ReverseForm(_AmountMixin, forms.Form):
    """Reversal, or — with a new amount — a correction (reverse + add, one transaction)."""

    reason = forms.CharField(
        label="撤销/更正原因",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请写明撤销或更正的原因。"},
    )
    amount = forms.CharField(label="更正后分值（留空则仅撤销）", max_length=20, required=False)
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": STALE_FORM}
    )

    def __init__(self, *args, indicator: Indicator, category_id: int | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicator, self.category_id = indicator, category_id

    def clean_amount(self) -> Decimal | None:
        text = self.cleaned_data["amount"]
        return self._amount(text) if text else None


class BulkForm(forms.Form):
    card = forms.ChoiceField(label="考核表", required=False)
    rows = forms.CharField(
        label="粘贴的行",
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        error_messages={"required": "请粘贴从 Excel 复制的行。"},
    )

    def __init__(self, *args, cards, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cards = {card.code: card for card in cards}
        self.fields["card"].choices = [("", "按指标编码自动识别")] + [
            (card.code, card.name) for card in cards
        ]

    def clean_card(self):
        code = self.cleaned_data["card"]
        return self.cards.get(code) if code else None
