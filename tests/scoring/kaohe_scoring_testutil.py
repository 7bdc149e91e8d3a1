"""Helpers shared by the scoring tests (a plain module: conftest fixtures cannot be imported)."""

import re

from kaohe.assessment.models import Campaign, Indicator
from kaohe.registry.models import Unit
from kaohe.registry.names import UnitNames

HTMX = {"HX-Request": "true"}


def leaf(campaign: Campaign, card: str, code: str) -> Indicator:
    return Indicator.objects.get(scorecard__campaign=campaign, scorecard__code=card, code=code)


def unit(name: str) -> Unit:
    return UnitNames().resolve(name)


def cell_url(campaign: Campaign, unit_obj: Unit, indicator: Indicator) -> str:
    return f"/campaigns/{campaign.code}/scoring/cell/{unit_obj.pk}/{indicator.pk}/"


def version_in(html: str) -> int:
    """The hidden version of the add form, as a browser would send it back."""
    match = re.search(r'name="version" value="(\d+)" id="id_version"', html)
    assert match, "the cell's add form carries its version"
    return int(match.group(1))
