"""The scoring workspace: the matrix, one cell's ledger and form, reversal, bulk paste.

Every object comes through the scoped getters of ``kaohe.accounts.access``: a scorer reaches only
the indicators their agency owns (anything else is a 404, as if it did not exist), and writes pass
``require_open_for_scoring`` (403 otherwise). Cell answers are htmx partials swapped into the
drawer beside the matrix; without JavaScript the same URLs serve whole pages.
"""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaohe.accounts.access import (
    get_campaign,
    get_scorable_indicator,
    get_unit,
    require_open_for_scoring,
    roles_required,
    scorable_indicators,
)
from kaohe.accounts.models import Role
from kaohe.assessment.models import Campaign, Enrollment, Indicator, LedgerEntry, Scorecard
from kaohe.core.numbers import format_score

from . import evidence as evidence_files
from . import services
from .forms import AMOUNT_LABELS, BulkForm, EntryForm, ReverseForm

SCORING_ROLES = (Role.OFFICE, Role.ADMIN, Role.SCORER)


def _open_error(campaign: Campaign) -> str:
    """Why the campaign refuses scores right now, or "" while it accepts them."""
    try:
        require_open_for_scoring(campaign)
    except PermissionDenied as exc:
        return str(exc)
    return ""


def _cell_base(code: str) -> str:
    return reverse("scoring:workspace", args=[code]) + "cell/"


@roles_required(*SCORING_ROLES)
def workspace(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign(request.user, code)
    ws = services.build_workspace(campaign, request.user, _cell_base(code))
    selected = request.GET.get("card", "")
    shown = [c for c in ws.cards if c.card.code == selected] or ws.cards
    return render(request, "scoring/workspace.html", {
        "campaign": campaign, "ws": ws, "shown": shown, "selected": selected,
        "cards": [c.card for c in ws.cards], "open_error": _open_error(campaign),
    })  # fmt: skip


def _cell_objects(request: HttpRequest, code: str, unit_id: int, indicator_id: int):
    campaign = get_campaign(request.user, code)
    indicator = get_scorable_indicator(request.user, campaign, indicator_id)
    unit = get_unit(request.user, unit_id)
    enrolled = services.enrollment(indicator, unit.id)
    if enrolled is None:
        raise Http404
    return campaign, indicator, enrolled


def _render_cell(
    request: HttpRequest,
    campaign: Campaign,
    indicator: Indicator,
    enrolled: Enrollment,
    *,
    form: EntryForm | None = None,
    reverse_form: ReverseForm | None = None,
    reverse_entry: int | None = None,
    status: int = 200,
    notice: str = "",
    error: str = "",
    conflict: bool = False,
) -> HttpResponse:
    """The cell: its entries as they are now, its score, and the forms (while open)."""
    unit = enrolled.unit
    entries = services.cell_entries(campaign, unit.id, indicator.id)
    version = entries[-1].id if entries else 0
    ws = services.build_workspace(campaign, request.user, _cell_base(campaign.code))
    found = ws.find(unit.id, indicator.id)
    if form is None:
        form = EntryForm(
            initial={"version": version}, indicator=indicator, category_id=unit.category_id
        )
    open_error = _open_error(campaign)
    context = {
        "campaign": campaign, "indicator": indicator, "unit": unit, "enrolled": enrolled,
        "entries": entries, "version": version, "form": form, "found": found, "ws": ws,
        "reverse_form": reverse_form, "reverse_entry": reverse_entry,
        "amount_label": AMOUNT_LABELS.get(indicator.rule_kind, "分值"),
        "writable": not open_error, "open_error": open_error, "error": error,
        "notice": notice, "conflict": conflict, "oob": request.htmx,
        "cell_url": f"{_cell_base(campaign.code)}{unit.id}/{indicator.id}/",
    }  # fmt: skip
    template = "scoring/_cell.html" if request.htmx else "scoring/cell.html"
    return render(request, template, context, status=status)


@roles_required(*SCORING_ROLES)
def cell(request: HttpRequest, code: str, unit_id: int, indicator_id: int) -> HttpResponse:
    campaign, indicator, enrolled = _cell_objects(request, code, unit_id, indicator_id)
    if request.method != "POST":
        return _render_cell(request, campaign, indicator, enrolled)
    unit = enrolled.unit
    args = (request, campaign, indicator, enrolled)
    if error := _open_error(campaign):
        return _render_cell(*args, error=error, status=403)
    form = EntryForm(request.POST, request.FILES, indicator=indicator, category_id=unit.category_id)
    if not form.is_valid():
        return _render_cell(*args, form=form, status=422)
    data = form.cleaned_data
    try:
        entry = services.add_entry(
            campaign=campaign, unit=unit, indicator=indicator, user=request.user,
            amount=data["amount"], reason=data["reason"], version=data["version"],
            evidence=data["evidence"], evidence_file=data["evidence_file"],
            item=data.get("item", ""),
        )  # fmt: skip
    except services.Conflict as exc:
        return _conflict(*args, exc, {k: data.get(k) for k in ("amount", "reason", "evidence")})
    except PermissionDenied as exc:
        return _render_cell(*args, error=str(exc), status=403)
    except ValidationError as exc:
        form.add_error("evidence" if data["evidence"] else None, exc)
        return _render_cell(*args, form=form, status=422)
    notice = f"已记录第 {entry.id} 号：{AMOUNT_LABELS.get(indicator.rule_kind, '分值')} {format_score(entry.amount)}。"
    if not request.htmx:
        messages.success(request, notice)
        return redirect(request.path)
    return _render_cell(*args, notice=notice)


def _conflict(request, campaign, indicator, enrolled, exc: services.Conflict, typed: dict):
    """409: show the cell as it is now; keep what the scorer typed, against the new version."""
    initial = {k: (format_score(v) if k == "amount" else v) for k, v in typed.items() if v}
    form = EntryForm(
        initial=initial | {"version": exc.current},
        indicator=indicator,
        category_id=enrolled.unit.category_id,
    )
    return _render_cell(
        request, campaign, indicator, enrolled, form=form, conflict=True, status=409
    )


@require_POST
@roles_required(*SCORING_ROLES)
def reverse_entry(request: HttpRequest, code: str, entry_id: int) -> HttpResponse:
    campaign = get_campaign(request.user, code)
    entry = get_object_or_404(LedgerEntry, pk=entry_id, campaign=campaign)
    indicator = get_scorable_indicator(request.user, campaign, entry.indicator_id)
    enrolled = services.enrollment(indicator, entry.unit_id)
    if enrolled is None:
        raise Http404
    args = (request, campaign, indicator, enrolled)
    if error := _open_error(campaign):
        return _render_cell(*args, error=error, status=403)
    form = ReverseForm(request.POST, indicator=indicator, category_id=enrolled.unit.category_id)
    if not form.is_valid():
        return _render_cell(*args, reverse_form=form, reverse_entry=entry.id, status=422)
    data = form.cleaned_data
    try:
        reversal, replacement = services.reverse_entry(
            campaign=campaign, entry=entry, user=request.user, reason=data["reason"],
            version=data["version"], amount=data["amount"],
        )  # fmt: skip
    except services.Conflict as exc:
        return _conflict(*args, exc, {})
    except PermissionDenied as exc:
        return _render_cell(*args, error=str(exc), status=403)
    except ValidationError as exc:  # the entry is a reversal, or already reversed
        return _render_cell(*args, error=" ".join(exc.messages), status=422)
    notice = f"已撤销第 {entry.id} 号记录（撤销记录第 {reversal.id} 号）"
    if replacement is not None:
        notice += f"，并按 {format_score(replacement.amount)} 重新记录为第 {replacement.id} 号"
    notice += "。"
    if not request.htmx:
        messages.success(request, notice)
        return redirect(f"{_cell_base(code)}{entry.unit_id}/{indicator.id}/")
    return _render_cell(*args, notice=notice)


@roles_required(*SCORING_ROLES)
def evidence(request: HttpRequest, code: str, entry_id: int) -> FileResponse:
    """An uploaded evidence file, for those who may see its indicator (never a public URL)."""
    campaign = get_campaign(request.user, code)
    entry = get_object_or_404(LedgerEntry, pk=entry_id, campaign=campaign)
    get_scorable_indicator(request.user, campaign, entry.indicator_id)
    kind = evidence_files.kind_of(entry.evidence_file.name or "")
    if kind is None:
        raise Http404
    try:
        handle = entry.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        content_type=kind.content_type,
        as_attachment=not kind.inline,
        filename=PurePath(entry.evidence_file.name).name,
    )


@roles_required(*SCORING_ROLES)
def bulk(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign(request.user, code)
    cards = list(
        Scorecard.objects.filter(
            pk__in=scorable_indicators(request.user, campaign).values("scorecard_id")
        )
    )
    form = BulkForm(request.POST or None, cards=cards)
    plan, status, error = None, 200, _open_error(campaign)
    if request.method == "POST":
        if error:
            status = 403
        elif not form.is_valid():
            status = 422
        else:
            text, card = form.cleaned_data["rows"], form.cleaned_data["card"]
            try:
                if "write" in request.POST:
                    plan = services.submit_bulk(campaign, request.user, text, card)
                else:
                    plan = services.plan_bulk(campaign, request.user, text, card)
            except PermissionDenied as exc:
                error, status = str(exc), 403
            else:
                if plan.errors:
                    status = 422
                elif plan.written:
                    skipped = f"，已存在而跳过 {plan.skipped} 条" if plan.skipped else ""
                    messages.success(request, f"已写入 {plan.written} 条评分记录{skipped}。")
                    return redirect("scoring:workspace", code=code)
    return render(request, "scoring/bulk.html", {
        "campaign": campaign, "form": form, "plan": plan, "error": error,
        "writable": not _open_error(campaign), "cards": cards,
    }, status=status)  # fmt: skip
