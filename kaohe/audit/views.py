"""The office's view of the audit trail, filtered by unit, indicator or person."""

from django.core.paginator import Paginator
from django.shortcuts import render

from kaohe.accounts.access import STAFF_ROLES, roles_required

from .labels import action_label, changes
from .models import AuditRecord


@roles_required(*STAFF_ROLES)
def log(request):
    records = AuditRecord.objects.select_related("campaign", "unit", "indicator").order_by("-seq")
    filters = {k: request.GET.get(k, "").strip() for k in ("unit", "indicator", "actor", "action")}
    if filters["unit"]:
        records = records.filter(unit__name__contains=filters["unit"]) | records.filter(
            unit__short_name=filters["unit"]
        )
    if filters["indicator"]:
        records = records.filter(indicator__code=filters["indicator"])
    if filters["actor"]:
        records = records.filter(actor_name__contains=filters["actor"])
    if filters["action"]:
        records = records.filter(action=filters["action"])
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    rows = [(r, action_label(r.action), changes(r.before, r.after)) for r in page]
    return render(request, "audit/log.html", {"page": page, "rows": rows, "filters": filters})
