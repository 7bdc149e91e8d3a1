from django import forms

from kaohe.web.widgets import DateInput

from .models import NoticeDraft


class DraftForm(forms.ModelForm):
    class Meta:
        model = NoticeDraft
        fields = ["doc_number", "title", "signature", "date", "body"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24}),
            "title": forms.Textarea(attrs={"rows": 2}),
            "date": DateInput(),
        }

    def clean_doc_number(self) -> str:
        from kaohe.documents.model import normalize_doc_number

        value = self.cleaned_data["doc_number"].strip()
        if not value:
            return value
        try:
            return normalize_doc_number(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class AcceptForm(forms.Form):
    claim = forms.CharField(max_length=300, widget=forms.HiddenInput)
    fact = forms.CharField(max_length=300, widget=forms.HiddenInput)
    reason = forms.CharField(label="保留理由", widget=forms.Textarea(attrs={"rows": 2}))
