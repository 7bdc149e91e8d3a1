"""Forms of the unit portal, with evidence files checked by content, not by name."""

from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import UploadedFile

from kaohe.core.numbers import CENT, format_score, parse_score
from kaohe.scoring import evidence
from kaohe.scoring.evidence import ACCEPT, Kind

from .models import Appeal, Rectification

ALLOWED_TEXT = "PDF、PNG、JPEG 图片、Word（.docx）或 Excel（.xlsx）"
# Every kind once, in the order they are tried (JPEG has two extensions).
_KINDS = tuple(dict.fromkeys(evidence.KINDS.values()))


def sniff(upload) -> Kind | None:
    """The evidence kind a file really is, from its first bytes (and, for the Office formats,
    the part names inside the ZIP); None if it is none of the accepted kinds.

    A renamed executable or an HTML page called “证明.pdf” must not be stored and served back
    to the office as a document.
    """
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    parts = None
    for kind in _KINDS:
        if not head.startswith(kind.magic):
            continue
        if not kind.zip_part:
            return kind
        if parts is None:
            parts = evidence.zip_parts(upload)
        if "[Content_Types].xml" in parts and kind.zip_part in parts:
            return kind
    return None


def validate_evidence_file(upload: UploadedFile) -> None:
    if upload.size > evidence.MAX_BYTES:
        raise forms.ValidationError(
            f"证据文件不能超过 10 MB（本文件 {upload.size / 1024 / 1024:.1f} MB）。"
        )
    if upload.size == 0:
        raise forms.ValidationError("证据文件是空文件。")
    found = sniff(upload)
    if found is None:
        raise forms.ValidationError(
            f"证据文件只接受 {ALLOWED_TEXT}；该文件的内容不是其中任何一种。"
        )
    if evidence.kind_of(upload.name or "") is not found:
        raise forms.ValidationError(
            f"文件名“{upload.name}”与文件内容（{found.label}）不符，"
            f"请改用扩展名 {evidence.suffix_of(found)}。"
        )


class NoColon:
    """Labels sit above their fields in the portal; Django's added colon would only be noise."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EvidenceForm(NoColon, forms.ModelForm):
    """Text plus optional evidence: an http(s) link and/or a checked file."""

    evidence_url = forms.URLField(
        label="证据链接（可选）",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        error_messages={"invalid": "请输入完整的网址，如 https://www.example.gov.cn/..."},
    )

    def clean_evidence_url(self) -> str:
        url = self.cleaned_data.get("evidence_url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("证据链接必须以 http:// 或 https:// 开头。")
        return url

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if isinstance(upload, UploadedFile):
            validate_evidence_file(upload)
        return upload

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text", "").strip()
        if not text:
            raise forms.ValidationError("请填写内容。")
        return text

    def save(self, commit: bool = True):
        upload = self.cleaned_data.get("evidence_file")
        if isinstance(upload, UploadedFile):
            self.instance.evidence_name = (upload.name or "")[-200:]
        return super().save(commit)


class AppealForm(EvidenceForm):
    class Meta:
        model = Appeal
        fields = ["text", "evidence_url", "evidence_file"]
        labels = {"text": "复核理由", "evidence_file": "证据文件（可选）"}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "placeholder": "说明为何认为该项扣分有误"}),
            "evidence_file": forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        }
        error_messages = {"text": {"required": "请填写复核理由。"}}


class RectificationForm(EvidenceForm):
    class Meta:
        model = Rectification
        fields = ["text", "evidence_url", "evidence_file"]
        labels = {"text": "整改情况", "evidence_file": "证据文件（可选）"}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "placeholder": "已采取的整改措施及完成情况"}),
            "evidence_file": forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        }
        error_messages = {"text": {"required": "请填写整改情况。"}}


class DecisionForm(NoColon, forms.Form):
    """The office's decision on an appeal; the amount is read like every typed score (全角 ok)."""

    decision = forms.ChoiceField(
        label="复核结论",
        choices=[(Appeal.Status.UPHELD, "维持原扣分"), (Appeal.Status.CHANGED, "调整扣分")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择复核结论。"},
    )
    new_amount = forms.CharField(
        label="调整后分值（0 表示取消扣分）",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label="复核意见（将告知申请单位）",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写复核意见。"},
    )

    def __init__(self, *args, original: Decimal, maximum: Decimal | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.original = original
        self.maximum = maximum

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写复核意见。")
        return reason

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") != Appeal.Status.CHANGED:
            data["new_amount"] = None
            return data
        text = (data.get("new_amount") or "").strip()
        if not text:
            self.add_error("new_amount", "调整扣分时必须填写调整后分值。")
            return data
        try:
            amount = parse_score(text)
        except ValueError as exc:
            self.add_error("new_amount", str(exc))
            return data
        if amount < 0:
            self.add_error("new_amount", "调整后分值不能为负数。")
        elif amount != amount.quantize(CENT):
            self.add_error("new_amount", "分值最多保留两位小数。")
        elif self.maximum is not None and amount > self.maximum:
            limit = format_score(self.maximum)
            self.add_error("new_amount", f"调整后分值不能超过该指标可扣（赋）的 {limit} 分。")
        elif amount == self.original:
            self.add_error("new_amount", "调整后分值与原分值相同；如不调整，请选择“维持原扣分”。")
        else:
            data["new_amount"] = amount
        return data


class VerifyForm(NoColon, forms.Form):
    note = forms.CharField(
        label="核实意见（可选）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisclosureForm(NoColon, forms.Form):
    show_totals = forms.BooleanField(label="公示与定稿期间向单位显示得分", required=False)
