"""Template helpers of the scoring workspace.

``cell_link`` renders one matrix cell in Python: a 400-unit matrix has thousands of cells, and an
``{% include %}`` per cell would cost more than building the whole matrix. The same function
renders the out-of-band copy sent back after a write, so both can never drift apart.
"""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kaohe.core.numbers import format_score

register = template.Library()


@register.simple_tag
def cell_link(cell, oob: bool = False) -> str:
    count = format_html("<small>{}条</small>", cell.entries) if cell.entries else ""
    score = format_score(cell.score)
    points = format_score(cell.points)
    summary = f"{cell.label}：{score}/{points} 分，记录 {cell.entries} 条"
    return format_html(
        '<a id="c-{}-{}" class="cell {}" href="{}" hx-get="{}" hx-target="#cell-panel"'
        ' hx-swap="innerHTML" title="{}" aria-label="{}"{}>{}{}</a>',
        cell.unit_id,
        cell.indicator_id,
        cell.state,
        cell.url,
        cell.url,
        summary,
        summary,
        mark_safe(' hx-swap-oob="true"') if oob else "",
        score,
        count,
    )


@register.filter
def pct(done: int, cells: int) -> int:
    """Whole percent, rounded down (99.6% is not yet done)."""
    return done * 100 // cells if cells else 0


@register.filter
def web_url(value: str) -> bool:
    """Only http(s) evidence becomes a link: pasted text could carry a javascript: address."""
    return value.lower().startswith(("http://", "https://"))


@register.filter
def signed(value: Decimal) -> str:
    """A reversal's amount with its minus sign, as the ledger stores it."""
    text = format_score(value)
    return text.replace("-", "−")
