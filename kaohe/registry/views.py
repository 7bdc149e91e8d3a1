"""Registry pages: units, their names, and who answers for each of their duties.

The notice complains that unit administrators change often and hand-overs break the work, so
every unit shows who holds each duty now, who held it before, and what was handed over; units
without a website or platform administrator are flagged. Office and admin edit; leaders read;
a unit user reads and records hand-overs for their own unit only (others' units are 404).
"""

import csv
import datetime as dt
from dataclasses import dataclass, field
from io import StringIO

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from kaohe.accounts.access import READ_ALL_ROLES, STAFF_ROLES, get_unit, role_of, roles_required
from kaohe.accounts.models import Role
from kaohe.audit.trail import record, snapshot

from .forms import ACTION, AliasForm, ContactForm, EndTenureForm, HandoverForm, tenure_text
from .models import REQUIRED_DUTIES, Category, Contact, Duty, Handover, Unit

HANDOVER_ROLES = (*STAFF_ROLES, Role.UNIT)
RECENT_HANDOVERS = 5


@dataclass
class UnitRow:
    unit: Unit
    holders: list[Contact | None]  # aligned with Duty
    missing: list[str] = field(default_factory=list)  # labels of vacant required duties


def _current_prefetch() -> Prefetch:
    return Prefetch(
        "contacts",
        queryset=Contact.objects.filter(end_date__isnull=True),
        to_attr="current_contacts",
    )


def _rows(units) -> list[UnitRow]:
    rows = []
    for unit in units:
        by_duty = {c.duty: c for c in unit.current_contacts}
        rows.append(
            UnitRow(
                unit=unit,
                holders=[by_duty.get(duty) for duty in Duty],
                missing=[duty.label for duty in REQUIRED_DUTIES if duty not in by_duty],
            )
        )
    return rows


def _filtered_units(request: HttpRequest, categories: list[Category]):
    """Units of the chosen category (``?category=code``), names and current holders prefetched:
    four queries however many units there are."""
    found = Unit.objects.select_related("category").prefetch_related("aliases", _current_prefetch())
    code = request.GET.get("category", "")
    selected = next((c for c in categories if c.code == code), None)
    if selected is not None:
        found = found.filter(category=selected)
    return found, selected


@roles_required(*READ_ALL_ROLES)
def units(request: HttpRequest) -> HttpResponse:
    categories = list(Category.objects.all())
    found, selected = _filtered_units(request, categories)
    rows = _rows(found)
    lacking = sum(1 for r in rows if r.missing)
    missing_only = request.GET.get("missing") == "1"
    if missing_only:
        rows = [r for r in rows if r.missing]
    recent = Handover.objects.select_related(
        "unit", "from_contact", "to_contact", "recorded_by__membership"
    )
    if selected is not None:
        recent = recent.filter(unit__category=selected)
    return render(request, "registry/units.html", {
        "rows": rows, "duties": list(Duty), "categories": categories, "selected": selected,
        "missing_only": missing_only, "lacking": lacking, "recent": recent[:RECENT_HANDOVERS],
        "required": [d.label for d in REQUIRED_DUTIES],
        "can_edit": role_of(request.user) in STAFF_ROLES,
    })  # fmt: skip


@dataclass
class TimelineEntry:
    """A tenure, or the vacancy before it (``contact`` is None) — a gap in responsibility."""

    start: dt.date
    end: dt.date | None
    contact: Contact | None = None

    @property
    def days(self) -> int:
        return ((self.end or timezone.localdate()) - self.start).days

    @property
    def span_text(self) -> str:
        """Roughly, as people say it: 2年3个月, 5个月, 12天."""
        years, rest = divmod(self.days, 365)
        months = rest // 30
        if years:
            return f"{years}年{months}个月" if months else f"{years}年"
        return f"{months}个月" if months else f"{self.days}天"


def _timeline(contacts: list[Contact]) -> list[TimelineEntry]:
    """Newest first, with the vacancies between tenures (and a current one) made visible."""
    entries: list[TimelineEntry] = []
    ordered = sorted(contacts, key=lambda c: (c.start_date, c.pk))
    for before, contact in zip([None, *ordered], ordered, strict=False):
        if before is not None and before.end_date and before.end_date < contact.start_date:
            entries.append(TimelineEntry(before.end_date, contact.start_date))
        entries.append(TimelineEntry(contact.start_date, contact.end_date, contact))
    if ordered and ordered[-1].end_date is not None:
        entries.append(TimelineEntry(ordered[-1].end_date, None))
    return entries[::-1]


@roles_required(*READ_ALL_ROLES, Role.UNIT)
def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    found = get_unit(request.user, unit_id)
    contacts = list(found.contacts.all())
    role = role_of(request.user)
    sections = []
    for duty in Duty:
        mine = [c for c in contacts if c.duty == duty]
        current = next((c for c in mine if c.is_current), None)
        sections.append({
            "duty": duty, "current": current, "timeline": _timeline(mine),
            "required": duty in REQUIRED_DUTIES,
        })  # fmt: skip
    handovers = found.handovers.select_related(
        "from_contact", "to_contact", "recorded_by__membership"
    )
    return render(request, "registry/unit.html", {
        "unit": found, "aliases": found.aliases.order_by("alias"), "sections": sections,
        "handovers": handovers, "can_edit": role in STAFF_ROLES,
        "can_handover": role in HANDOVER_ROLES, "alias_form": AliasForm(unit=found),
        "is_unit_user": role == Role.UNIT,
    })  # fmt: skip


def _form_page(request: HttpRequest, unit: Unit, form, **context) -> HttpResponse:
    return render(request, "registry/form.html", {"unit": unit, "form": form, **context})


def _initial_duty(request: HttpRequest) -> dict:
    duty = request.GET.get("duty", "")
    return {"duty": duty} if duty in Duty.values else {}


@roles_required(*STAFF_ROLES)
def alias_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    found = get_unit(request.user, unit_id)
    form = AliasForm(request.POST or None, unit=found)
    if request.method == "POST" and form.save_locked(request.user):
        messages.success(request, f"已为{found.name}新增别名“{form.cleaned_data['alias']}”。")
        return redirect("registry:unit", unit_id=found.pk)
    return _form_page(
        request, found, form, title="新增别名", submit="新增别名",
        intro="别名在所有单位的全称、简称和别名中必须唯一：导入表格和通报时按名称精确匹配单位。",
    )  # fmt: skip


@require_POST
@roles_required(*STAFF_ROLES)
def alias_remove(request: HttpRequest, unit_id: int, alias_id: int) -> HttpResponse:
    found = get_unit(request.user, unit_id)
    with transaction.atomic():
        alias = found.aliases.select_for_update().filter(pk=alias_id).first()
        if alias is None:
            raise Http404
        before = snapshot(alias)
        alias.delete()
        record(
            actor=request.user, action=ACTION, unit=found, before={"alias": before},
            reason=f"删除别名“{before['alias']}”",
        )  # fmt: skip
    messages.success(request, f"已删除别名“{before['alias']}”。")
    return redirect("registry:unit", unit_id=found.pk)


@roles_required(*STAFF_ROLES)
def contact_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    found = get_unit(request.user, unit_id)
    form = ContactForm(request.POST or None, unit=found, initial=_initial_duty(request))
    if request.method == "POST" and form.save_locked(request.user):
        data = form.cleaned_data
        messages.success(request, f"已登记{Duty(data['duty']).label}{data['name']}。")
        return redirect("registry:unit", unit_id=found.pk)
    return _form_page(
        request, found, form, title="登记联系人", submit="登记",
        intro="用于空缺岗位的首任人员或补录以往任期。在任人员更替请用“记录交接”，"
        "以便留下交接事项。同一职责的任期不能重叠。",
    )  # fmt: skip


@roles_required(*HANDOVER_ROLES)
def handover_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    found = get_unit(request.user, unit_id)
    form = HandoverForm(request.POST or None, unit=found, initial=_initial_duty(request))
    if request.method == "POST" and form.save_locked(request.user):
        messages.success(request, f"已记录交接：{form.cleaned_data['name']}接任。")
        return redirect("registry:unit", unit_id=found.pk)
    current = {c.duty: c for c in found.contacts.filter(end_date__isnull=True)}
    holders = [(duty.label, current.get(duty)) for duty in Duty]
    return _form_page(
        request, found, form, title="记录交接", submit="记录交接", holders=holders,
        intro="交接日期即接任人的任职日期，前任的任期在这一天结束。岗位空缺时，"
        "同样用本表登记新接任的人员。",
    )  # fmt: skip


@roles_required(*STAFF_ROLES)
def contact_end(request: HttpRequest, unit_id: int, contact_id: int) -> HttpResponse:
    found = get_unit(request.user, unit_id)
    contact = found.contacts.filter(pk=contact_id, end_date__isnull=True).first()
    if contact is None:
        raise Http404
    form = EndTenureForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.save_locked(request.user):
        messages.success(request, f"已登记{contact.name}离任，{contact.get_duty_display()}空缺。")
        return redirect("registry:unit", unit_id=found.pk)
    return _form_page(
        request, found, form, title=f"登记离任：{contact.get_duty_display()}{contact.name}",
        submit="登记离任",
        intro=f"{contact.name}任期：{tenure_text(contact)}。有接任人时请改用“记录交接”。"
        "离任后岗位空缺，单位名录会提示缺少该岗位人员。",
    )  # fmt: skip


@require_POST
@roles_required(*HANDOVER_ROLES)
def handover_acknowledge(request: HttpRequest, unit_id: int, handover_id: int) -> HttpResponse:
    """The successor confirms what they received; done by the unit's user or the office."""
    found = get_unit(request.user, unit_id)
    with transaction.atomic():
        handover = (
            found.handovers.select_for_update()
            .select_related("to_contact")
            .filter(pk=handover_id)
            .first()
        )
        if handover is None:
            raise Http404
        if handover.acknowledged_by_successor:
            messages.info(request, "该交接已确认。")
            return redirect("registry:unit", unit_id=found.pk)
        before = snapshot(handover, ["acknowledged_by_successor", "acknowledged_at"])
        handover.acknowledged_by_successor = True
        handover.acknowledged_at = timezone.now()
        handover.save(update_fields=["acknowledged_by_successor", "acknowledged_at"])
        record(
            actor=request.user, action=ACTION, unit=found, obj=handover,
            before={"handover": before},
            after={"handover": snapshot(handover, ["acknowledged_by_successor", "acknowledged_at"])},
            reason=f"{handover.to_contact.name}确认接收{handover.get_duty_display()}交接事项",
        )  # fmt: skip
    messages.success(request, f"已确认：{handover.to_contact.name}接收了交接事项。")
    return redirect("registry:unit", unit_id=found.pk)


def _cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@roles_required(*READ_ALL_ROLES)
def contacts_csv(request: HttpRequest) -> HttpResponse:
    """Current holders, one row per unit and duty, vacant required posts included as such.

    UTF-8 with a byte-order mark: Excel and WPS on Chinese Windows otherwise read it as GBK.
    """
    categories = list(Category.objects.all())
    found, selected = _filtered_units(request, categories)
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(["类别", "单位", "简称", "职责", "姓名", "联系电话", "任职日期", "状态"])
    for row in _rows(found):
        unit = row.unit
        for duty, holder in zip(Duty, row.holders, strict=True):
            if holder is None and duty not in REQUIRED_DUTIES:
                continue
            writer.writerow([_cell(v) for v in (
                unit.category.name, unit.name, unit.short_name, duty.label,
                holder.name if holder else "", holder.phone if holder else "",
                holder.start_date.isoformat() if holder else "", "在任" if holder else "空缺",
            )])  # fmt: skip
    today = timezone.localdate().isoformat()
    name = f"单位联系人-{selected.name + '-' if selected else ''}{today}.csv"
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
