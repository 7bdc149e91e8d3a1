"""Resolving the names people write to units, exactly."""

from .models import Unit, UnitAlias


def normalize_name(name: str) -> str:
    """Strip the spacing and full-width blanks that spreadsheets carry; nothing fuzzier."""
    return "".join(name.replace("\u3000", " ").split())


class UnitNames:
    """All names (full, short, aliases) of all units, loaded once for a whole import."""

    def __init__(self) -> None:
        self._by_name: dict[str, Unit] = {}
        for unit in Unit.objects.select_related("category"):
            self._by_name[normalize_name(unit.name)] = unit
            if unit.short_name:
                self._by_name.setdefault(normalize_name(unit.short_name), unit)
        for alias in UnitAlias.objects.select_related("unit__category"):
            self._by_name.setdefault(normalize_name(alias.alias), alias.unit)

    def resolve(self, name: str) -> Unit | None:
        return self._by_name.get(normalize_name(name))

    def add(self, name: str, unit: Unit) -> None:
        self._by_name[normalize_name(name)] = unit
