"""Per-indicator statistics for the analysis pages: where did units lose points?"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from .numbers import format_score, quantize

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class IndicatorStats:
    count: int
    full_marks_count: int
    full_mark_ratio: Decimal  # full_marks_count / count, unrounded (format with percent())
    mean: Decimal  # quantized to cents
    min: Decimal
    max: Decimal
    distribution: tuple[tuple[str, int], ...]  # ("0-2", 3), ..., ("8-10", 40), lowest first


def indicator_stats(scores: Sequence[Decimal], points: Decimal, buckets: int = 5) -> IndicatorStats:
    """Summarise one indicator's scores across units.

    The distribution splits [0, points] into `buckets` equal bands, each [low, high) except
    the last, which includes full marks, so a full-marks unit is never in a band of its own.
    A score above points (a BONUS whose cap exceeds its points) counts as full marks; a
    0-point indicator (e.g. a VETO) gets a single "0" band. An empty `scores` gives zeros
    rather than an error: a new scheme has no scores yet.
    """
    if not isinstance(buckets, int) or buckets < 1:
        raise ValueError("分段数必须是不小于1的整数")
    if not Decimal(points).is_finite() or points < 0:
        raise ValueError(f"分值必须是不小于0的数字：{points}")
    bad = [s for s in scores if not (Decimal(s).is_finite() and s >= 0)]
    if bad:
        raise ValueError(f"得分必须是不小于0的数字：{bad[0]}")
    count = len(scores)
    full = sum(1 for s in scores if s >= points)
    return IndicatorStats(
        count=count,
        full_marks_count=full,
        full_mark_ratio=Decimal(full) / count if count else ZERO,
        mean=quantize(sum(scores, ZERO) / count) if count else ZERO,
        min=min(scores, default=ZERO),
        max=max(scores, default=ZERO),
        distribution=_distribution(scores, points, buckets),
    )


def _distribution(
    scores: Sequence[Decimal], points: Decimal, buckets: int
) -> tuple[tuple[str, int], ...]:
    if points == 0:
        return (("0", len(scores)),)
    counts = [0] * buckets
    for score in scores:
        # Integer division of exact Decimals: no rounding can push a score across a boundary.
        counts[min(int(score * buckets // points), buckets - 1)] += 1
    bounds = [quantize(points * i / buckets) for i in range(buckets + 1)]
    labels = [f"{format_score(lo)}-{format_score(hi)}" for lo, hi in pairwise(bounds)]
    return tuple(zip(labels, counts, strict=True))


def percent(ratio: Decimal) -> str:
    """A ratio as a whole percent, half-up as people round by hand: 2/7 -> "29%"."""
    if not Decimal(ratio).is_finite():
        raise ValueError(f"不是有效的比例：{ratio}")
    whole = (Decimal(ratio) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{format_score(whole)}%"
