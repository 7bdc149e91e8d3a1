"""Registry forms: each checks the new rows against those already there, then saves with its audit.

Every ``save`` writes its rows and one ``registry.change`` audit record in one transaction, so a
change without its record (or a record without its change) cannot happen. Views call
``save_locked`` so the checks and the writes run under a lock on the unit's row: two people
entering tenures for the same unit at once cannot both pass the overlap check.
"""

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kaohe.audit.trail import record, snapshot
from kaohe.web.templatetags.kaohe import cn_date
from kaohe.web.widgets import DateInput

from .models import Contact, Duty, Handover, Unit, UnitAlias
from .names import UnitNames, normalize_name

ACTION = "registry.change"

# "密码：abc123", "口令为 xxx": a password written into a hand-over would be copied into the
# append-only audit trail, where it can never be erased.
PASSWORD_WRITTEN = re.compile(r"(密码|口令|password|passwd|pwd)\s*(是|为|[:：=])\s*\S", re.I)


def tenure_text(contact: Contact) -> str:
    """2019年3月1日至今 / 2019年3月1日至2020年11月13日."""
    end = cn_date(contact.end_date) if contact.end_date else "今"
    return f"{cn_date(contact.start_date)}至{end}"


def overlapping(
    unit: Unit,
    duty: str,
    start: dt.date,
    end: dt.date | None,
    exclude: tuple[int, ...] = (),
) -> Contact | None:
    """The earliest tenure of ``unit`` and ``duty`` that shares a day with [start, end).

    Tenures are half-open: a predecessor ending on the day the successor starts is no overlap.
    """
    found = Contact.objects.filter(unit=unit, duty=duty).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=start)
    )
    if end is not None:
        found = found.filter(start_date__lt=end)
    return found.exclude(pk__in=exclude).order_by("start_date", "id").first()


def current_contact(unit: Unit, duty: str) -> Contact | None:
    return Contact.objects.filter(unit=unit, duty=duty, end_date__isnull=True).first()


def normalize_phone(value: str) -> str:
    """Drop spacing, full-width digits and dashes, and a +86 prefix; the model validates the rest."""
    text = normalize_name(value).translate(
        str.maketrans("０１２３４５６７８９－—–", "0123456789---")
    )
    return re.sub(r"^(\+?86-?)(?=1\d{10}$)", "", text)


def _reason(summary: str, note: str) -> str:
    return f"{summary}。{note}" if note else summary


class _UnitForm(forms.Form):
    """A form about one unit; the unit comes from the URL through a scoped getter."""

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit

    def save_locked(self, actor: AbstractBaseUser) -> bool:
        """Validate and save under a row lock on the unit (SQLite: its IMMEDIATE transaction).

        Returns False with the errors on the form when the input, or a concurrent change that
        only the database noticed, refuses it.
        """
        try:
            with transaction.atomic():
                Unit.objects.select_for_update().filter(pk=self.unit.pk).first()
                if not self.is_valid():
                    return False
                self.save(actor)
        except IntegrityError:
            self.add_error(None, "保存时与他人的修改冲突，请刷新后重试。")
            return False
        return True

    def save(self, actor: AbstractBaseUser) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class AliasForm(_UnitForm):
    alias = forms.CharField(label="别名", max_length=100)
    reason = forms.CharField(label="说明", max_length=200, required=False)

    def clean_alias(self) -> str:
        """Unique across all units' full names, short names and aliases, matched exactly as an
        import would (``UnitNames``), so resolving a written name is never ambiguous."""
        alias = normalize_name(self.cleaned_data["alias"])
        if not alias:
            raise forms.ValidationError("别名不能为空。")
        owner = UnitNames().resolve(alias)
        if owner is not None and owner.pk == self.unit.pk:
            raise forms.ValidationError(f"“{alias}”已是本单位的全称、简称或别名。")
        if owner is not None:
            raise forms.ValidationError(f"“{alias}”已是单位“{owner.name}”的名称或别名，不能重复。")
        return alias

    def save(self, actor: AbstractBaseUser) -> None:
        alias = UnitAlias.objects.create(unit=self.unit, alias=self.cleaned_data["alias"])
        record(
            actor=actor,
            action=ACTION,
            unit=self.unit,
            obj=alias,
            after={"alias": snapshot(alias)},
            reason=_reason(f"新增别名“{alias.alias}”", self.cleaned_data["reason"]),
        )


class ContactForm(_UnitForm):
    """Register a holder directly: the first holder of a vacant post, or a past tenure."""

    duty = forms.ChoiceField(label="职责", choices=Duty.choices)
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    start_date = forms.DateField(label="任职日期", widget=DateInput)
    end_date = forms.DateField(
        label="离任日期", required=False, widget=DateInput, help_text="仍在任则留空。"
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["phone"])
        if phone:
            Contact._meta.get_field("phone").run_validators(phone)
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end, duty = data.get("start_date"), data.get("end_date"), data.get("duty")
        today = timezone.localdate()
        if start and start > today:
            self.add_error("start_date", "任职日期不能晚于今天。")
        if end and end > today:
            self.add_error("end_date", "离任日期不能晚于今天；在任请留空。")
        if start and end and end <= start:
            self.add_error("end_date", "离任日期必须晚于任职日期。")
        if start and duty and not self.errors:
            clash = overlapping(self.unit, duty, start, end)
            if clash is not None:
                message = (
                    f"任期与{clash.name}的任期（{tenure_text(clash)}）重叠："
                    f"同一单位的{Duty(duty).label}，任期不能重叠。"
                )
                if clash.is_current and end is None:
                    message += "如是人员更替，请使用“记录交接”。"
                raise forms.ValidationError(message)
        return data

    def save(self, actor: AbstractBaseUser) -> None:
        data = self.cleaned_data
        contact = Contact.objects.create(
            unit=self.unit,
            duty=data["duty"],
            name=data["name"].strip(),
            phone=data["phone"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            note=data["note"],
        )
        record(
            actor=actor,
            action=ACTION,
            unit=self.unit,
            obj=contact,
            after={"contact": snapshot(contact)},
            reason=f"登记{contact.get_duty_display()}{contact.name}（{tenure_text(contact)}）",
        )


class HandoverForm(_UnitForm):
    """A change of holder: closes the current tenure on the hand-over date, opens the successor's.

    When the post is vacant the same form registers the new holder with no predecessor, so a unit
    user (who may record hand-overs but not edit contacts) can always fill a missing post.
    """

    duty = forms.ChoiceField(label="职责", choices=Duty.choices)
    name = forms.CharField(label="接任人姓名", max_length=50)
    phone = forms.CharField(label="接任人联系电话", max_length=30, required=False)
    date = forms.DateField(label="交接日期", widget=DateInput, help_text="接任人从这一天起在任。")
    items = forms.CharField(
        label="交接事项",
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "placeholder": "移交的账号（网站后台、政务服务平台）、未办结的留言和事项、"
                "待报送的材料……",
            }
        ),
        help_text="只写“已修改密码”，不要写密码本身。",
    )
    passwords_changed = forms.BooleanField(label="交接后已修改全部账号密码", required=False)
    acknowledged = forms.BooleanField(label="接任人已确认接收上述事项", required=False)

    clean_phone = ContactForm.clean_phone

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.previous: Contact | None = None

    def clean_items(self) -> str:
        items = self.cleaned_data["items"].strip()
        if PASSWORD_WRITTEN.search(items):
            raise forms.ValidationError(
                "交接事项中似乎写了密码本身。请删去密码，只写明“已修改密码”：交接记录会永久保存。"
            )
        return items

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date, duty = data.get("date"), data.get("duty")
        if not date or not duty:
            return data
        if date > timezone.localdate():
            self.add_error("date", "交接日期不能晚于今天。")
            return data
        self.previous = current_contact(self.unit, duty)
        label = Duty(duty).label
        if self.previous is not None:
            if date <= self.previous.start_date:
                self.add_error(
                    "date",
                    f"交接日期必须晚于{self.previous.name}的任职日期"
                    f"（{cn_date(self.previous.start_date)}）。",
                )
            if not data.get("items"):
                self.add_error("items", f"请写明{self.previous.name}移交了哪些账号和待办事项。")
            if normalize_name(data.get("name", "")) == normalize_name(self.previous.name):
                self.add_error("name", f"{self.previous.name}已是在任{label}，接任人应是另一人。")
        if self.errors:
            return data
        exclude = (self.previous.pk,) if self.previous else ()
        clash = overlapping(self.unit, duty, date, None, exclude=exclude)
        if clash is not None:
            raise forms.ValidationError(
                f"接任人的任期（自{cn_date(date)}起）与{clash.name}的任期"
                f"（{tenure_text(clash)}）重叠：同一单位的{label}，任期不能重叠。"
            )
        return data

    def save(self, actor: AbstractBaseUser) -> Handover:
        data = self.cleaned_data
        previous: Contact | None = self.previous
        before = {"previous": snapshot(previous)} if previous else None
        if previous is not None:
            previous.end_date = data["date"]
            previous.save(update_fields=["end_date"])
        successor = Contact.objects.create(
            unit=self.unit,
            duty=data["duty"],
            name=data["name"].strip(),
            phone=data["phone"],
            start_date=data["date"],
        )
        acknowledged = data["acknowledged"]
        handover = Handover.objects.create(
            unit=self.unit,
            duty=data["duty"],
            from_contact=previous,
            to_contact=successor,
            date=data["date"],
            items=data["items"],
            passwords_changed=data["passwords_changed"],
            acknowledged_by_successor=acknowledged,
            acknowledged_at=timezone.now() if acknowledged else None,
            recorded_by=actor,
        )
        after = {"contact": snapshot(successor), "handover": snapshot(handover)}
        if previous is not None:
            after["previous"] = snapshot(previous)
        record(
            actor=actor,
            action=ACTION,
            unit=self.unit,
            obj=handover,
            before=before,
            after=after,
            reason=f"{successor.get_duty_display()}交接："
            f"{previous.name if previous else '（空缺）'} → {successor.name}"
            f"（{cn_date(handover.date)}）",
        )
        return handover


class EndTenureForm(_UnitForm):
    """A holder leaves with no successor yet: the post becomes vacant and is flagged as such."""

    end_date = forms.DateField(label="离任日期", widget=DateInput)
    reason = forms.CharField(label="原因", max_length=200)

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        super().__init__(*args, unit=contact.unit, **kwargs)
        self.contact = contact

    def clean_end_date(self) -> dt.date:
        end = self.cleaned_data["end_date"]
        if end > timezone.localdate():
            raise forms.ValidationError("离任日期不能晚于今天。")
        if end <= self.contact.start_date:
            raise forms.ValidationError(
                f"离任日期必须晚于任职日期（{cn_date(self.contact.start_date)}）。"
            )
        return end

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Re-read under the lock: someone may have recorded a hand-over meanwhile.
        if not Contact.objects.filter(pk=self.contact.pk, end_date__isnull=True).exists():
            raise forms.ValidationError(f"{self.contact.name}已不在任。")
        return data

    def save(self, actor: AbstractBaseUser) -> None:
        before = snapshot(self.contact)
        self.contact.end_date = self.cleaned_data["end_date"]
        self.contact.save(update_fields=["end_date"])
        record(
            actor=actor,
            action=ACTION,
            unit=self.unit,
            obj=self.contact,
            before={"contact": before},
            after={"contact": snapshot(self.contact)},
            reason=_reason(
                f"{self.contact.get_duty_display()}{self.contact.name}离任"
                f"（{cn_date(self.contact.end_date)}），暂无接任人",
                self.cleaned_data["reason"],
            ),
        )
