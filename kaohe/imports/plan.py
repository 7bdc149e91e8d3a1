"""What an import will do: a summary a person can read, and the change to apply."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models


@dataclass
class Plan:
    kind: str  # human name of the file kind, e.g. "评分记录"
    lines: list[str] = field(default_factory=list)  # what would change, one line each
    # Applies the change; returns the rows it created that each get their own audit record
    # (ledger entries, grade adjustments) — or None where the file as a whole is the record.
    apply: Callable[[], list[models.Model] | None] = lambda: None

    def note(self, line: str) -> None:
        self.lines.append(line)


def require_columns(header: list[str], required: tuple[str, ...], collector) -> None:
    for name in required:
        if name not in header:
            collector.add(1, name, "缺少必需的列。")
