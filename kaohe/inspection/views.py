"""Pages of online verification, mounted at /campaigns/<code>/inspection/.

- the office registers sites, imports their columns, starts runs (or sets a schedule), maps
  finding kinds to indicators and watches a run's progress;
- a lead agency's scorer reviews the findings mapped to indicators its agency owns (accept →
  ledger entry, reject with a reason, ignore → allowlist); anyone else gets 403 on the review
  page, and a finding outside their indicators is a 404, as if it did not exist;
- the archived response behind a finding is shown in a sandboxed frame (CSP ``sandbox``: no
  script, an opaque origin) or as plain text, never as live HTML in the platform's origin.
"""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from kaohe.accounts.access import (
    READ_ALL_ROLES,
    STAFF_ROLES,
    get_campaign,
    require_open_for_scoring,
    role_of,
    roles_required,
)
from kaohe.accounts.models import Role
from kaohe.audit.trail import record, snapshot
from kaohe.core.numbers import format_score
from kaohe.crawler.decode import decode_html
from kaohe.crawler.extract import parse_html

from . import availability, runner, services
from .forms import (
    KIND_CHOICES,
    AcceptForm,
    ColumnImportForm,
    FindingRuleForm,
    IgnoreForm,
    RejectForm,
    ScheduleForm,
    SiteForm,
    StartForm,
)
from .models import KIND_LABELS, TEXT_KINDS, AllowlistEntry, Finding, FindingRule, Inspection, Site

REVIEWERS = (*STAFF_ROLES, Role.SCORER)
# The archived page is someone else's HTML: no script, no forms, no plugins, an opaque origin,
# nothing fetched (its images and styles would call the live site, and could track the viewer).
SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _staff(request: HttpRequest) -> bool:
    return role_of(request.user) in STAFF_ROLES


def _require_staff(request: HttpRequest) -> None:
    if not _staff(request):
        raise PermissionDenied("只有考核办可以操作。")


# ---------------------------------------------------------------- sites and columns


@roles_required(*READ_ALL_ROLES)
def sites(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign(request.user, code)
    form = SiteForm(request.POST or None)
    if request.method == "POST":
        _require_staff(request)
        if form.is_valid():
            site = form.save()
            record(
                actor=request.user, action="inspection.site.add", obj=site, unit=site.unit,
                after=snapshot(site, ["id", "name", "base_url", "unit"]),
            )  # fmt: skip
            messages.success(request, f"已登记网站“{site.name}”。")
            return redirect("inspection:site", code=code, site_id=site.id)
    all_sites = list(Site.objects.select_related("unit").order_by("name", "id"))
    last = {}
    runs = Inspection.objects.filter(campaign=campaign).defer("report", "errors")
    for run_ in runs.order_by("-created_at", "-id"):
        last.setdefault(run_.site_id, run_)
    weeks = availability.week([s.id for s in all_sites])
    rows = [(s, last.get(s.id), weeks[s.id]) for s in all_sites]
    return render(
        request,
        "inspection/sites.html",
        {
            "campaign": campaign,
            "rows": rows,
            "form": form,
            "staff": _staff(request),
            "availability_rule": availability.RULE,
        },  # fmt: skip
        status=422 if request.method == "POST" else 200,
    )


def _site(request: HttpRequest, code: str, site_id: int):
    campaign = get_campaign(request.user, code)
    return campaign, get_object_or_404(Site.objects.select_related("unit"), pk=site_id)


def _render_site(request, campaign, site, *, import_form=None, plan=None, start_form=None,
                 schedule_form=None, status=200) -> HttpResponse:  # fmt: skip
    runs = site.inspections.filter(campaign=campaign).defer("report", "errors")
    columns = list(site.columns.select_related("unit"))
    context = {
        "campaign": campaign, "site": site, "staff": _staff(request),
        "runs": list(runs.order_by("-created_at", "-id")[:20]),
        "columns": columns, "missing": services.missing_mandatory(columns),
        "import_form": import_form or ColumnImportForm(), "plan": plan,
        "start_form": start_form or StartForm(),
        "schedule_form": schedule_form or ScheduleForm(
            initial={"schedule_days": site.schedule_days, "probe_minutes": site.probe_minutes}
        ),
        "active": services.active_run(site),
        "week": availability.week([site.id])[site.id],
        "failures": availability.recent_failures(site),
        "availability_rule": availability.RULE,
        "min_visits": availability.MIN_WEEKLY_VISITS,
    }  # fmt: skip
    return render(request, "inspection/site.html", context, status=status)


@roles_required(*READ_ALL_ROLES)
def site(request: HttpRequest, code: str, site_id: int) -> HttpResponse:
    campaign, found = _site(request, code, site_id)
    return _render_site(request, campaign, found)


@require_POST
@roles_required(*STAFF_ROLES)
def import_columns(request: HttpRequest, code: str, site_id: int) -> HttpResponse:
    campaign, found = _site(request, code, site_id)
    form = ColumnImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_site(request, campaign, found, import_form=form, status=422)
    upload = form.cleaned_data["file"]
    plan = services.import_columns(found, upload.read(), upload.name or "columns.csv", request.user)
    if plan.errors:
        return _render_site(request, campaign, found, import_form=form, plan=plan, status=422)
    messages.success(request, f"已导入栏目：新增 {plan.created} 个，更新 {plan.updated} 个。")
    return redirect("inspection:site", code=code, site_id=found.id)


@roles_required(*READ_ALL_ROLES)
def columns_template(request: HttpRequest, code: str, site_id: int) -> HttpResponse:
    _site(request, code, site_id)
    response = HttpResponse(
        ("\ufeff" + runner.columns_template()).encode("utf-8"), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="columns.csv"'
    return response


@require_POST
@roles_required(*STAFF_ROLES)
def start(request: HttpRequest, code: str, site_id: int) -> HttpResponse:
    campaign, found = _site(request, code, site_id)
    form = StartForm(request.POST)
    if not form.is_valid():
        return _render_site(request, campaign, found, start_form=form, status=422)
    try:
        inspection = services.start(
            campaign, found, request.user, form.cleaned_data["as_of"],
            form.cleaned_data["max_pages"],
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        return _render_site(request, campaign, found, start_form=form, status=409)
    messages.success(request, f"已发起第 {inspection.id} 号核验，正在后台运行。")
    return redirect("inspection:run", code=code, run_id=inspection.id)


@require_POST
@roles_required(*STAFF_ROLES)
def schedule(request: HttpRequest, code: str, site_id: int) -> HttpResponse:
    campaign, found = _site(request, code, site_id)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return _render_site(request, campaign, found, schedule_form=form, status=422)
    days = form.cleaned_data["schedule_days"]
    minutes = form.cleaned_data["probe_minutes"]
    fields = ["schedule_days", "schedule_campaign", "probe_minutes"]
    before = snapshot(found, fields)
    # a changed interval restarts the chain; so does saving when the chain was lost (overdue)
    overdue = found.next_probe_at is None or found.next_probe_at < timezone.now()
    restart = minutes != found.probe_minutes or (minutes and overdue)
    found.schedule_days = days
    found.schedule_campaign = campaign if days else None
    found.probe_minutes = minutes
    found.save(update_fields=fields)
    services.schedule_next(found)
    if restart:
        availability.schedule_probe(found)
    record(
        actor=request.user, action="inspection.site.schedule", campaign=campaign, obj=found,
        before=before, after=snapshot(found, fields),
    )  # fmt: skip
    said = f"已设为每 {days} 天核验一次" if days else "已停止定期核验"
    said += f"，每 {minutes} 分钟探测一次首页。" if minutes else "，不定时探测首页。"
    messages.success(request, said)
    return redirect("inspection:site", code=code, site_id=found.id)


# ---------------------------------------------------------------- runs


def _run(request: HttpRequest, code: str, run_id: int) -> Inspection:
    campaign = get_campaign(request.user, code)
    related = ("site__unit", "campaign", "requested_by", "previous")
    return get_object_or_404(
        # the crawl reports (this run's and the one compared with) are not shown on these pages
        Inspection.objects.select_related(*related).defer("report", "previous__report"),
        pk=run_id,
        campaign=campaign,
    )


@roles_required(*READ_ALL_ROLES)
def run(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    inspection = _run(request, code, run_id)
    findings = inspection.findings.select_related("unit", "column")
    kind = request.GET.get("kind", "")
    change = request.GET.get("change", "")
    counts = Counter(inspection.findings.values_list("kind", "change"))
    if kind:
        findings = findings.filter(kind=kind)
    if change:
        findings = findings.filter(change=change)
    summary = [
        (k, label, counts[(k, "new")], counts[(k, "persisting")], counts[(k, "fixed")])
        for k, label in KIND_LABELS.items()
        if any(counts[(k, c)] for c in ("new", "persisting", "fixed"))
    ]
    page = Paginator(findings.order_by("kind", "change", "id"), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "inspection/run.html", {
        "campaign": inspection.campaign, "run": inspection, "page": page, "summary": summary,
        "kind": kind, "change": change, "kinds": KIND_CHOICES,
        "changes": Finding.Change.choices, "poll": inspection.is_active,
    })  # fmt: skip


@roles_required(*READ_ALL_ROLES)
def progress(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    inspection = _run(request, code, run_id)
    response = render(request, "inspection/_progress.html", {
        "campaign": inspection.campaign, "run": inspection, "poll": inspection.is_active,
    })  # fmt: skip
    if request.htmx and not inspection.is_active:
        response["HX-Refresh"] = "true"  # finished: reload the page to show the findings
    return response


# ---------------------------------------------------------------- rules and allowlist


@roles_required(*READ_ALL_ROLES)
def rules(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign(request.user, code)
    form = FindingRuleForm(request.POST or None, campaign=campaign)
    status = 200
    if request.method == "POST":
        _require_staff(request)
        if "delete" in request.POST:
            rule = get_object_or_404(FindingRule, pk=_id(request.POST["delete"]), campaign=campaign)
            record(
                actor=request.user, action="inspection.rule.delete", campaign=campaign,
                indicator=rule.indicator, obj=rule,
                before=snapshot(rule, ["kind", "indicator", "amount", "reason_template"]),
            )  # fmt: skip
            rule.delete()
            messages.success(request, "已删除对应规则。")
            return redirect("inspection:rules", code=code)
        if form.is_valid():
            rule = form.save()
            record(
                actor=request.user, action="inspection.rule.add", campaign=campaign,
                indicator=rule.indicator, obj=rule,
                after=snapshot(rule, ["kind", "indicator", "amount", "reason_template"]),
            )  # fmt: skip
            messages.success(request, f"已添加：{rule}。")
            return redirect("inspection:rules", code=code)
        status = 422
    found = FindingRule.objects.filter(campaign=campaign).select_related(
        "indicator__scorecard", "indicator__owner"
    )
    return render(request, "inspection/rules.html", {
        "campaign": campaign, "rules": found, "form": form, "staff": _staff(request),
        "defaults": services.DEFAULT_REASONS, "labels": KIND_LABELS,
    }, status=status)  # fmt: skip


@roles_required(*STAFF_ROLES)
def allowlist(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign(request.user, code)
    if request.method == "POST":
        entry = get_object_or_404(AllowlistEntry, pk=_id(request.POST.get("entry")))
        entry.active = not entry.active
        entry.save(update_fields=["active"])
        record(
            actor=request.user, action="inspection.allowlist.toggle", obj=entry,
            after={"active": entry.active, "phrase": entry.phrase, "mark": entry.mark},
        )  # fmt: skip
        return redirect("inspection:allowlist", code=code)
    entries = AllowlistEntry.objects.select_related("created_by", "finding")
    return render(request, "inspection/allowlist.html", {"campaign": campaign, "entries": entries})


# ---------------------------------------------------------------- review


@roles_required(*REVIEWERS)
def review(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign(request.user, code)
    found_rules = services.rules_for(request.user, campaign)
    findings = services.reviewable(request.user, campaign, found_rules)
    status = request.GET.get("status", "new")
    kind = request.GET.get("kind", "")
    if status:
        findings = findings.filter(status=status)
    if kind:
        findings = findings.filter(kind=kind)
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    items = []
    enrolled = services.enrollments(found_rules)
    for finding in page:
        rule = services.rule_of(finding, found_rules, enrolled)
        items.append((finding, rule, services.render_reason(rule.reason_template, finding)))
    return render(request, "inspection/review.html", {
        "campaign": campaign, "items": items, "page": page, "rules": found_rules,
        "status": status, "kind": kind, "kinds": KIND_CHOICES,
        "statuses": [("", "全部"), *Finding.Status.choices], "open_error": _open_error(campaign),
    })  # fmt: skip


def _open_error(campaign) -> str:
    try:
        require_open_for_scoring(campaign)
    except PermissionDenied as exc:
        return str(exc)
    return ""


def _viewable(request: HttpRequest, code: str, finding_id: int) -> Finding:
    campaign = get_campaign(request.user, code)
    finding = (
        Finding.objects.filter(pk=finding_id, inspection__campaign=campaign)
        .select_related("unit", "column", "inspection__site", "inspection__campaign")
        .select_related("ledger_entry", "reviewed_by")
        .first()
    )
    if finding is None or not services.can_view(request.user, finding):
        raise Http404
    return finding


@login_required
def finding(request: HttpRequest, code: str, finding_id: int) -> HttpResponse:
    found = _viewable(request, code, finding_id)
    return _render_finding(request, found)


def _render_finding(request, found: Finding, *, forms=None, error: str = "", status: int = 200):
    campaign = found.inspection.campaign
    rule = None
    if role_of(request.user) in REVIEWERS:
        rule = services.rule_of(found, services.rules_for(request.user, campaign))
    forms = forms or {}
    context = {
        "campaign": campaign, "f": found, "rule": rule, "error": error,
        "reason": services.render_reason(rule.reason_template, found) if rule else "",
        "accept_form": forms.get("accept") or AcceptForm(
            initial={"amount": format_score(rule.amount)} if rule else None
        ),
        "reject_form": forms.get("reject") or RejectForm(),
        "ignore_form": forms.get("ignore") or IgnoreForm(),
        "open_error": _open_error(campaign), "text_kind": found.kind in TEXT_KINDS,
        "chain": _chain(found),
    }  # fmt: skip
    return render(request, "inspection/finding.html", context, status=status)


def _chain(found: Finding) -> list[Finding]:
    """The same problem in earlier runs, newest first (at most ten)."""
    chain, current = [], found.previous
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.previous
    return chain


FORMS = {"accept": AcceptForm, "reject": RejectForm, "ignore": IgnoreForm}


@require_POST
@roles_required(*REVIEWERS)
def decide(request: HttpRequest, code: str, finding_id: int, action: str) -> HttpResponse:
    campaign = get_campaign(request.user, code)
    found, rule = services.get_reviewable(request.user, campaign, finding_id)
    form = FORMS[action](request.POST)
    if not form.is_valid():
        return _render_finding(request, found, forms={action: form}, status=422)
    data = form.cleaned_data
    try:
        if action == "accept":
            entry = services.accept(found, rule, request.user, data["amount"], data["reason"])
            notice = f"已扣分：第 {entry.id} 号评分记录，{format_score(entry.amount)} 分。"
        elif action == "reject":
            services.reject(found, rule, request.user, data["reason"])
            notice = "已记为不予扣分。"
        else:
            allowed = services.ignore(found, rule, request.user, data["reason"])
            notice = "已记为误报。" + ("下次核验不再报告。" if allowed else "")
    except PermissionDenied as exc:
        return _render_finding(request, found, forms={action: form}, error=str(exc), status=403)
    except ValidationError as exc:
        said = " ".join(exc.messages)
        form.add_error(None, said)
        # decided meanwhile: the forms are not shown any more, so the page says it on top
        error = "" if found.reviewable else said
        return _render_finding(request, found, forms={action: form}, error=error, status=422)
    messages.success(request, notice)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("inspection:finding", code=code, finding_id=found.id)


# ---------------------------------------------------------------- evidence


@login_required
def evidence(request: HttpRequest, code: str, finding_id: int) -> HttpResponse:
    """The archived response: metadata, headers, the passage in context, and the page itself in
    a sandboxed frame."""
    found = _viewable(request, code, finding_id)
    target = request.GET.get("target") == "1"
    archived = services.archived(found, target=target)
    content_type = services.header(archived, "Content-Type")
    passage = None
    if not target and found.kind in TEXT_KINDS and archived.body:
        text = parse_html(archived.url, decode_html(archived.body, content_type).text).text
        offset = int(found.fields.get("offset") or 0)
        length = len(found.fields.get("text") or "")
        quoted = text[offset : offset + length]
        if found.kind == "privacy":
            quoted = found.fields.get("text", "")  # masked, as the finding says it
        passage = (text[max(0, offset - 60) : offset], quoted, text[offset + length :][:60])
    return render(request, "inspection/evidence.html", {
        "campaign": found.inspection.campaign, "f": found, "a": archived, "target": target,
        "content_type": content_type, "passage": passage,
        "html": "html" in content_type.lower() or not content_type,
    })  # fmt: skip


@login_required
@xframe_options_sameorigin
def evidence_raw(request: HttpRequest, code: str, finding_id: int) -> HttpResponse:
    """The archived body itself, decoded to UTF-8 (GBK pages with a wrong declaration included)
    and served under ``Content-Security-Policy: sandbox``; ``?plain=1`` serves it as text."""
    found = _viewable(request, code, finding_id)
    archived = services.archived(found, target=request.GET.get("target") == "1")
    content_type = services.header(archived, "Content-Type")
    is_html = "html" in content_type.lower() or not content_type
    if is_html or content_type.lower().startswith("text/"):
        body = decode_html(archived.body, content_type).text.encode("utf-8")
        shown = "text/html" if is_html and request.GET.get("plain") != "1" else "text/plain"
    else:
        body, shown = archived.body, "text/plain"
    response = HttpResponse(body, content_type=f"{shown}; charset=utf-8")
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _id(value: str | None) -> int:
    """A posted id, or 404: a non-number is no object of ours (and no reason for a 500)."""
    if not value or not value.isdigit():
        raise Http404
    return int(value)
