"""Server-side SVG charts: no JavaScript library, nothing to download, prints well."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    max_value: float


def distribution(scores: list[Decimal], bins: tuple[int, ...] = (0, 60, 70, 80, 90, 100)) -> Chart:
    """How many units fall in each score band (60-70, 70-80 …)."""
    labels, counts = [], []
    for low, high in zip(bins, bins[1:], strict=False):
        last = high == bins[-1]
        labels.append(f"{low}-{high}")
        counts.append(sum(1 for s in scores if low <= s < high or (last and s == high)))
    return _bars(labels, counts)


def ratios(items: list[tuple[str, Decimal]]) -> Chart:
    """Full-mark ratios as percentages."""
    return _bars([label for label, _ in items], [float(r) * 100 for _, r in items], max_value=100)


def _bars(labels: list[str], values: list[float], max_value: float | None = None) -> Chart:
    width, height, bottom = max(300, 46 * len(values)), 180, 30
    top = max_value or max(values, default=1) or 1
    step = width / max(len(values), 1)
    bars = [
        Bar(label, value, i * step + 6, height - bottom - (value / top) * (height - bottom - 16),
            step - 12, (value / top) * (height - bottom - 16))
        for i, (label, value) in enumerate(zip(labels, values, strict=True))
    ]  # fmt: skip
    return Chart(int(width), height, bars, top)
