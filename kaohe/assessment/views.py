"""Office, leader and scorer pages of a campaign: overview, workflow, results, statistics."""

from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaohe.accounts.access import READ_ALL_ROLES, get_campaign, membership, role_of, roles_required
from kaohe.accounts.models import Role
from kaohe.core.stats import percent
from kaohe.core.workflow import LABELS, next_moves

from . import charts, workflow
from .models import Campaign, Indicator, LedgerEntry, Result
from .statistics import campaign_statistics


@login_required
def home(request):
    found = membership(request.user)
    if found and found.role == Role.UNIT and found.unit_id:
        latest = Campaign.objects.filter(scorecards__enrollments__unit_id=found.unit_id).first()
        if latest:
            return redirect("portal:unit", code=latest.code, unit_id=found.unit_id)
    return redirect("campaigns")


@login_required
def campaigns(request):
    if role_of(request.user) is None:
        return render(request, "assessment/no_role.html", status=403)
    return render(request, "assessment/campaigns.html", {"campaigns": Campaign.objects.all()})


@roles_required(Role.OFFICE, Role.ADMIN, Role.LEADER, Role.SCORER)
def overview(request, code):
    campaign = get_campaign(request.user, code)
    role = role_of(request.user)
    return render(request, "assessment/overview.html", {
        "campaign": campaign,
        "transitions": campaign.transitions.select_related("actor"),
        "moves": [(target, LABELS[target]) for target in next_moves(campaign.status, role)],
        "progress": _progress(campaign),
        "basis": campaign.basis_documents.all(),
        "scorecards": campaign.scorecards.all(),
    })  # fmt: skip


def _progress(campaign: Campaign) -> list[dict]:
    """Per lead agency: leaf indicators owned, cells (unit × indicator) with entries, units
    without any entry — three aggregate queries whatever the number of units."""
    leaves = (
        Indicator.objects.filter(scorecard__campaign=campaign, children__isnull=True)
        .values("owner__short_name", "owner__name", "scorecard_id")
        .annotate(n=Count("id"))
    )
    enrolled = dict(campaign.scorecards.annotate(n=Count("enrollments")).values_list("id", "n"))
    cells = (
        LedgerEntry.objects.filter(campaign=campaign)
        .values("indicator__owner__short_name", "indicator__owner__name")
        .annotate(n=Count("unit_id", distinct=True), entries=Count("id"))
    )
    done = {(c["indicator__owner__short_name"] or c["indicator__owner__name"]): c for c in cells}
    totals: dict[str, int] = defaultdict(int)
    for leaf in leaves:
        totals[leaf["owner__short_name"] or leaf["owner__name"] or "（未指定）"] += (
            leaf["n"] * enrolled[leaf["scorecard_id"]]
        )
    return [
        {"agency": agency, "cells": total, "entries": done.get(agency, {}).get("entries", 0),
         "units": done.get(agency, {}).get("n", 0)}
        for agency, total in sorted(totals.items())
    ]  # fmt: skip


@require_POST
@roles_required(Role.OFFICE, Role.LEADER)
def move(request, code):
    campaign = get_campaign(request.user, code)
    try:
        transition = workflow.move(
            campaign, request.POST.get("target", ""), request.user, request.POST.get("reason", "")
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"考核已从“{transition.get_source_display()}”变更为“{transition.get_target_display()}”。",
        )
    return redirect("overview", code=code)


@roles_required(*READ_ALL_ROLES, Role.SCORER)
def results(request, code):
    campaign = get_campaign(request.user, code)
    rows = (
        Result.objects.filter(campaign=campaign)
        .select_related("group__scorecard", "unit")
        .prefetch_related("group__bands")
    )
    tables = defaultdict(list)
    for row in rows:
        tables[row.group].append(row)
    ordered = sorted(
        tables.items(),
        key=lambda kv: (
            kv[0].scorecard is None,
            kv[0].scorecard.sort_order if kv[0].scorecard else 0,
            kv[0].sort_order,
        ),
    )
    return render(request, "assessment/results.html", {
        "campaign": campaign,
        "tables": [(g, sorted(m, key=lambda r: r.position), _grade_counts(g, m)) for g, m in ordered],
        "adjustments": campaign.adjustments.select_related("unit", "scorecard"),
        "charts": {g.id: charts.distribution([r.total for r in m]) for g, m in ordered},
        "links_units": role_of(request.user) in READ_ALL_ROLES,
    })  # fmt: skip


def _grade_counts(group, members) -> list[tuple[str, int]]:
    """Counts in the order of the grade bands, best first (a list: a template's `counts.items`
    would look up a key "items" on a Counter)."""
    found = Counter(r.grade for r in members if r.grade)
    order = [b.grade for b in group.bands.all()] + [group.fallback_grade]
    order += sorted(set(found) - set(order))
    return [(grade, found[grade]) for grade in order if found[grade]]


@roles_required(*READ_ALL_ROLES, Role.SCORER)
def statistics(request, code):
    campaign = get_campaign(request.user, code)
    rows = campaign_statistics(campaign)
    return render(request, "assessment/statistics.html", {
        "campaign": campaign, "rows": rows, "percent": percent,
        "chart": charts.ratios([(f"{r.group} {r.code}", r.stats.full_mark_ratio) for r in rows if "." not in r.code]),
    })  # fmt: skip
