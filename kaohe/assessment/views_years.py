"""Pages that join two years: clone next year's campaign from this one, compare a year with the last.

Wire them in ``kaohe/urls.py`` (inside the ``campaigns/<code>/`` include)::

    path("clone/", views_years.clone, name="clone"),
    path("compare/", views_years.compare, name="compare"),
"""

import re

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kaohe.accounts.access import READ_ALL_ROLES, STAFF_ROLES, get_campaign, roles_required

from .clone import CloneError, clone_campaign, default_name, retired_units
from .compare import compare_campaigns
from .models import Campaign, Indicator


class CloneForm(forms.Form):
    code = forms.SlugField(
        label="新考核代码", max_length=50, help_text="字母、数字和连字符，如 jinghe-2021。"
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", max_length=200)


def _suggested_code(source: Campaign, year: int) -> str:
    code = re.sub(rf"(?<!\d){source.year}(?!\d)", str(year), source.code)
    return code if code != source.code else f"{source.code}-{year}"


@roles_required(*STAFF_ROLES)
def clone(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the form, with what will be copied; POST: clone and go to the new campaign."""
    source = get_campaign(request.user, code)
    year = source.year + 1
    form = CloneForm(
        request.POST or None,
        initial={
            "code": _suggested_code(source, year),
            "year": year,
            "name": default_name(source, year),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = clone_campaign(source, data["code"], data["year"], data["name"], request.user)
        except CloneError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"已由“{source.name}”复制出“{created.name}”（草稿），请核对考核依据、时间和参评单位。",
            )
            return redirect("overview", code=created.code)
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
    return render(request, "assessment/clone.html", {
        "source": source,
        "form": form,
        "year": year,
        "retired": retired_units(source, year),
        "scorecards": source.scorecards.annotate(n=Count("enrollments")),
        "indicators": Indicator.objects.filter(scorecard__campaign=source).count(),
        "basis": source.basis_documents.all(),
    })  # fmt: skip


@roles_required(*READ_ALL_ROLES)
def compare(request: HttpRequest, code: str) -> HttpResponse:
    """This campaign against its previous year's (or ``?previous=CODE``)."""
    campaign = get_campaign(request.user, code)
    chosen = request.GET.get("previous", "")
    previous = get_campaign(request.user, chosen) if chosen else campaign.previous
    others = Campaign.objects.exclude(pk=campaign.pk).only("code", "name", "year")
    context = {"campaign": campaign, "previous": previous, "others": others, "comparison": None}
    if previous is not None and previous.pk != campaign.pk:
        context["comparison"] = compare_campaigns(campaign, previous)
    return render(request, "assessment/compare.html", context)
