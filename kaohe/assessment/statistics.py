"""Statistics per indicator and group: full-mark ratio, mean, min, max, distribution."""

from dataclasses import dataclass
from decimal import Decimal

from kaohe.core.stats import IndicatorStats, indicator_stats

from .models import Campaign
from .results import compute


@dataclass(frozen=True)
class IndicatorRow:
    scorecard: str
    group: str
    code: str
    name: str
    points: Decimal
    stats: IndicatorStats


def campaign_statistics(
    campaign: Campaign, scorecard_code: str | None = None
) -> list[IndicatorRow]:
    rows = []
    for outcome in compute(campaign).values():
        card = outcome.group.scorecard
        if card is None or (scorecard_code and card.code != scorecard_code) or not outcome.scores:
            continue
        # Units of one group may have per-category trees; nodes line up by key and code.
        sample_tree = next(iter(outcome.trees.values()))
        for spec in _walk(sample_tree):
            scores = [s.by_indicator[spec.key] for s in outcome.scores.values()]
            rows.append(
                IndicatorRow(
                    card.name,
                    outcome.group.name,
                    spec.code,
                    spec.name,
                    spec.points,
                    indicator_stats(scores, spec.points),
                )
            )
    return rows


def _walk(tree):
    for spec in tree:
        yield spec
        yield from _walk(spec.children)
