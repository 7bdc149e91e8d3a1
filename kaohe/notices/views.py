"""Notice pages: preview with the checker's findings, editing, accepting a finding, downloads."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaohe.accounts.access import READ_ALL_ROLES, get_campaign, roles_required
from kaohe.accounts.models import Role
from kaohe.audit.trail import record, snapshot
from kaohe.documents.docx_writer import write_notice_docx
from kaohe.documents.html import render_notice_html
from kaohe.documents.pdf import ConversionError, convert_to_pdf
from kaohe.documents.xlsx_writer import write_notice_xlsx

from .build import build_notice, current_body, default_title, open_findings
from .forms import AcceptForm, DraftForm
from .models import AcceptedFinding, NoticeDraft

EDITORS = (Role.OFFICE, Role.ADMIN)


@roles_required(*READ_ALL_ROLES)
def preview(request, code):
    campaign = get_campaign(request.user, code)
    notice = build_notice(campaign)
    findings = open_findings(campaign)
    return render(request, "notices/preview.html", {
        "campaign": campaign, "html": render_notice_html(notice), "findings": findings,
        "accepted": campaign.accepted_findings.select_related("accepted_by"),
        "rows": [(f, AcceptForm(initial={"claim": f.claim, "fact": f.fact})) for f in findings],
    })  # fmt: skip


@roles_required(*EDITORS)
def edit(request, code):
    campaign = get_campaign(request.user, code)
    draft = NoticeDraft.objects.filter(campaign=campaign).first() or NoticeDraft(
        campaign=campaign, title=default_title(campaign), body=current_body(campaign),
        signature=campaign.issuer, date=timezone.localdate(),
    )  # fmt: skip
    if campaign.is_frozen:
        messages.error(request, "考核已发布，通报不能再修改。")
        return redirect("notices:preview", code=code)
    form = DraftForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        before = snapshot(draft) if draft.pk else None
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        record(actor=request.user, action="notice.edit", campaign=campaign, obj=saved,
               before=before, after=snapshot(saved), reason="修改通报草稿")  # fmt: skip
        messages.success(request, "通报草稿已保存。")
        return redirect("notices:preview", code=code)
    return render(request, "notices/edit.html", {"campaign": campaign, "form": form})


@require_POST
@roles_required(*EDITORS)
def accept(request, code):
    campaign = get_campaign(request.user, code)
    form = AcceptForm(request.POST)
    if form.is_valid():
        accepted, _ = AcceptedFinding.objects.update_or_create(
            campaign=campaign, claim=form.cleaned_data["claim"], fact=form.cleaned_data["fact"],
            defaults={"reason": form.cleaned_data["reason"], "accepted_by": request.user},
        )  # fmt: skip
        record(actor=request.user, action="notice.accept_finding", campaign=campaign, obj=accepted,
               after=snapshot(accepted), reason=accepted.reason)  # fmt: skip
        messages.success(request, f"已确认保留：“{accepted.claim}”。")
    else:
        messages.error(request, "请写明保留理由。")
    return redirect("notices:preview", code=code)


DOWNLOADS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf"}  # fmt: skip


@roles_required(*READ_ALL_ROLES)
def download(request, code, fmt):
    campaign = get_campaign(request.user, code)
    if fmt not in DOWNLOADS:
        raise Http404
    notice = build_notice(campaign)
    scratch = Path(tempfile.mkdtemp(prefix="kaohe-dl-"))
    path = scratch / f"{campaign.code}-通报.{fmt}"
    if fmt == "xlsx":
        write_notice_xlsx(notice, path)
    else:
        docx = write_notice_docx(notice, scratch / f"{campaign.code}-通报.docx")
        if fmt == "pdf":
            try:
                path = convert_to_pdf(docx, scratch)
            except ConversionError as exc:
                messages.error(request, f"PDF 生成失败：{exc}")
                return redirect("notices:preview", code=code)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type=DOWNLOADS[fmt]
    )
