"""Template filters that write dates and numbers the way the notice does."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone

from kaohe.core.numbers import format_score

register = template.Library()


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2020年11月13日 (local time for datetimes)."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value: dt.datetime | None) -> str:
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


@register.filter
def score(value: Decimal | None) -> str:
    """98, 94.5 — never 98.00."""
    return "" if value is None else format_score(Decimal(value))


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if mapping else None
