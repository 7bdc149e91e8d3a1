"""The unit portal: a unit's scorecards with every deduction (对号入座), appeals during 公示与复核,
rectification after publication, and the office's lists to decide and verify them.

Every object is fetched through ``kaohe.accounts.access`` (a foreign unit is a 404) or scoped to
the campaign in the URL; every change goes through ``services`` (state checks, audit trail).
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from kaohe.accounts.access import (
    READ_ALL_ROLES,
    STAFF_ROLES,
    get_campaign,
    get_unit,
    membership,
    roles_required,
)
from kaohe.accounts.models import Role
from kaohe.assessment.models import Campaign, Enrollment, LedgerEntry
from kaohe.audit.trail import record
from kaohe.registry.models import Unit

from . import services
from .forms import (
    AppealForm,
    DecisionForm,
    DisclosureForm,
    RectificationForm,
    VerifyForm,
    sniff,
)
from .models import Appeal, Disclosure, Rectification
from .scorecard import build_page, decision_ceiling, disclosure_shows_totals

UNIT_PAGE_ROLES = (*READ_ALL_ROLES, Role.UNIT)


def _deny(request: HttpRequest, campaign: Campaign, message: str, back: str = "") -> HttpResponse:
    """403 that says why: the default page would leave a unit guessing."""
    context = {"campaign": campaign, "message": message, "back": back}
    return render(request, "portal/denied.html", context, status=403)


def _unit_url(campaign: Campaign, unit_id: int, entry_id: int | None = None) -> str:
    url = reverse("portal:unit", args=[campaign.code, unit_id])
    return f"{url}#entry-{entry_id}" if entry_id else url


def _entry(campaign: Campaign, unit: Unit, entry_id: int) -> LedgerEntry:
    """An entry of this unit in this campaign; another unit's entry is a 404 like its page."""
    try:
        return LedgerEntry.objects.select_related("indicator", "unit", "campaign").get(
            pk=entry_id, campaign=campaign, unit=unit
        )
    except LedgerEntry.DoesNotExist:
        raise Http404 from None


def _render_unit(request, campaign, unit, bound=None, status: int = 200) -> HttpResponse:
    page = build_page(request.user, campaign, unit, bound)
    return render(request, "portal/unit.html", {"page": page, "campaign": campaign}, status=status)


@require_GET
@roles_required(*UNIT_PAGE_ROLES)
def units(request, code):
    """The office's way into unit pages; a unit user goes straight to their own."""
    campaign = get_campaign(request.user, code)
    found = membership(request.user)
    if found and found.role == Role.UNIT:
        if not found.unit_id:
            raise Http404
        return redirect("portal:unit", code=code, unit_id=found.unit_id)
    enrolled_ids = Enrollment.objects.filter(scorecard__campaign=campaign).values("unit_id")
    enrolled = (
        Unit.objects.filter(id__in=enrolled_ids)
        .select_related("category")
        .annotate(
            open_appeals=Count(
                "appeals",
                filter=Q(appeals__campaign=campaign, appeals__status=Appeal.Status.OPEN),
                distinct=True,
            ),
            unverified=Count(
                "rectifications",
                filter=Q(
                    rectifications__campaign=campaign, rectifications__verified_at__isnull=True
                ),
                distinct=True,
            ),
        )
    )
    return render(request, "portal/units.html", {"campaign": campaign, "units": enrolled})


@require_GET
@roles_required(*UNIT_PAGE_ROLES)
def unit(request, code, unit_id):
    campaign = get_campaign(request.user, code)
    found = get_unit(request.user, unit_id)
    return _render_unit(request, campaign, found)


@require_POST
@roles_required(Role.UNIT)
def appeal(request, code, unit_id, entry_id):
    campaign = get_campaign(request.user, code)
    found = get_unit(request.user, unit_id)
    entry = _entry(campaign, found, entry_id)
    back = _unit_url(campaign, found.id, entry.id)
    if problem := services.appeal_window_problem(campaign):
        return _deny(request, campaign, problem, back)
    form = AppealForm(request.POST, request.FILES, prefix=f"a{entry.id}")
    if not form.is_valid():
        return _render_unit(request, campaign, found, ("appeal", entry.id, form), status=400)
    try:
        services.submit_appeal(form.save(commit=False), entry, request.user)
    except services.NotAllowed as exc:
        return _deny(request, campaign, str(exc), back)
    except services.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "复核申请已提交，考核办将在复核后答复。")
    return redirect(back)


@require_POST
@roles_required(Role.UNIT)
def rectify(request, code, unit_id, entry_id):
    campaign = get_campaign(request.user, code)
    found = get_unit(request.user, unit_id)
    entry = _entry(campaign, found, entry_id)
    back = _unit_url(campaign, found.id, entry.id)
    if problem := services.rectification_problem(campaign):
        return _deny(request, campaign, problem, back)
    form = RectificationForm(request.POST, request.FILES, prefix=f"r{entry.id}")
    if not form.is_valid():
        return _render_unit(request, campaign, found, ("rectify", entry.id, form), status=400)
    try:
        services.submit_rectification(form.save(commit=False), entry, request.user)
    except services.NotAllowed as exc:
        return _deny(request, campaign, str(exc), back)
    except services.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "整改情况已报送，待考核办核实。")
    return redirect(back)


def _appeals_page(request, campaign, bound: tuple[int, DecisionForm] | None = None, status=200):
    """Open appeals first (oldest first: answer in order of arrival), then decisions, newest first."""
    rows = Appeal.objects.filter(campaign=campaign).select_related(
        "unit__category",
        "entry__indicator__scorecard",
        "submitted_by",
        "decided_by",
        "replacement",
    )
    rows = rows.prefetch_related("entry__indicator__category_points")
    is_staff = (found := membership(request.user)) is not None and found.role in STAFF_ROLES
    deciding = is_staff and services.decision_problem(campaign) is None
    open_rows = list(rows.filter(status=Appeal.Status.OPEN).order_by("submitted_at", "id"))
    forms = {}
    if deciding:
        for row in open_rows:
            forms[row.id] = DecisionForm(
                prefix=f"d{row.id}", original=row.entry.amount, maximum=decision_ceiling(row)
            )
        if bound:
            forms[bound[0]] = bound[1]
    context = {
        "campaign": campaign,
        "open_rows": [(row, forms.get(row.id)) for row in open_rows],
        "decided": rows.exclude(status=Appeal.Status.OPEN).order_by("-decided_at", "-id"),
        "deciding": deciding,
        "is_staff": is_staff,
        "failed": bound[0] if bound else None,
        "disclosure": DisclosureForm(initial={"show_totals": disclosure_shows_totals(campaign)}),
    }
    return render(request, "portal/appeals.html", context, status=status)


@require_GET
@roles_required(*READ_ALL_ROLES)
def appeals(request, code):
    return _appeals_page(request, get_campaign(request.user, code))


@require_POST
@roles_required(*STAFF_ROLES)
def decide(request, code, appeal_id):
    campaign = get_campaign(request.user, code)
    found = get_object_or_404(
        Appeal.objects.select_related("entry__indicator", "unit", "campaign"),
        pk=appeal_id,
        campaign=campaign,
    )
    back = reverse("portal:appeals", args=[campaign.code]) + f"#appeal-{found.id}"
    if problem := services.decision_problem(campaign):
        return _deny(request, campaign, problem, back)
    form = DecisionForm(
        request.POST,
        prefix=f"d{found.id}",
        original=found.entry.amount,
        maximum=decision_ceiling(found),
    )
    if not form.is_valid():
        return _appeals_page(request, campaign, (found.id, form), status=400)
    data = form.cleaned_data
    try:
        decided = services.decide_appeal(
            found, request.user, data["decision"], data["reason"], data["new_amount"]
        )
    except services.NotAllowed as exc:
        return _deny(request, campaign, str(exc), back)
    except services.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"已对{decided.unit}的复核申请作出决定：{decided.get_status_display()}。"
        )
    return redirect(back)


@require_GET
@roles_required(*READ_ALL_ROLES)
def rectifications(request, code):
    """Unverified reports first (oldest first), then verified ones."""
    campaign = get_campaign(request.user, code)
    rows = Rectification.objects.filter(campaign=campaign).select_related(
        "unit", "entry__indicator__scorecard", "submitted_by", "verified_by"
    )
    found = membership(request.user)
    is_staff = found is not None and found.role in STAFF_ROLES
    pending = list(rows.filter(verified_at__isnull=True).order_by("submitted_at", "id"))
    return render(
        request,
        "portal/rectifications.html",
        {
            "campaign": campaign,
            "pending": [(r, VerifyForm(prefix=f"v{r.id}") if is_staff else None) for r in pending],
            "verified": rows.filter(verified_at__isnull=False).order_by("-verified_at", "-id"),
        },
    )


@require_POST
@roles_required(*STAFF_ROLES)
def verify(request, code, rect_id):
    campaign = get_campaign(request.user, code)
    rect = get_object_or_404(Rectification, pk=rect_id, campaign=campaign)
    form = VerifyForm(request.POST, prefix=f"v{rect.id}")
    form.is_valid()  # the note is optional; nothing can make the form invalid
    try:
        services.verify_rectification(rect, request.user, form.cleaned_data.get("note", ""))
    except services.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已核实{rect.unit}的整改情况。")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("portal:rectifications", args=[campaign.code])
    return redirect(target)


@require_POST
@roles_required(*STAFF_ROLES)
def disclosure(request, code):
    """Whether units see their totals during 公示与复核 and 定稿 (the office's call)."""
    campaign = get_campaign(request.user, code)
    back = reverse("portal:appeals", args=[campaign.code])
    if campaign.is_frozen:
        return _deny(request, campaign, "考核已发布，结果已向单位公开，不能再更改。", back)
    form = DisclosureForm(request.POST)
    form.is_valid()
    show = form.cleaned_data.get("show_totals", False)
    before = disclosure_shows_totals(campaign)
    setting, _ = Disclosure.objects.update_or_create(
        campaign=campaign, defaults={"show_totals": show, "updated_by": request.user}
    )
    record(
        actor=request.user,
        action="portal.disclosure",
        campaign=campaign,
        obj=setting,
        before={"show_totals": before},
        after={"show_totals": show},
    )
    messages.success(
        request, "公示与定稿期间" + ("向单位显示得分。" if show else "不向单位显示得分。")
    )
    return redirect(back)


def _serve(field_file, display_name: str) -> FileResponse:
    """Serve an evidence file; the content decides the type and whether the browser may show it
    inline (PDF and images), so a stored file can never be served as a web page."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    kind = sniff(handle)
    mime, inline = (kind.content_type, kind.inline) if kind else ("application/octet-stream", False)
    name = display_name or field_file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=not inline, filename=name, content_type=mime)


@require_GET
@roles_required(*UNIT_PAGE_ROLES)
def entry_evidence(request, code, unit_id, entry_id):
    campaign = get_campaign(request.user, code)
    entry = _entry(campaign, get_unit(request.user, unit_id), entry_id)
    return _serve(entry.evidence_file, "")


@require_GET
@roles_required(*UNIT_PAGE_ROLES)
def appeal_evidence(request, code, appeal_id):
    campaign = get_campaign(request.user, code)
    found = get_object_or_404(Appeal, pk=appeal_id, campaign=campaign)
    get_unit(request.user, found.unit_id)  # a unit user sees only their own unit's files
    return _serve(found.evidence_file, found.evidence_name)


@require_GET
@roles_required(*UNIT_PAGE_ROLES)
def rectification_evidence(request, code, rect_id):
    campaign = get_campaign(request.user, code)
    found = get_object_or_404(Rectification, pk=rect_id, campaign=campaign)
    get_unit(request.user, found.unit_id)
    return _serve(found.evidence_file, found.evidence_name)
