"""Order a group by score and number the places the way the notice prints them."""

import enum
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


class TiePolicy(enum.StrEnum):
    COMPETITION = "competition"  # 1,2,2,4
    DENSE = "dense"  # 1,2,2,3
    SEQUENTIAL = "sequential"  # 1,2,3,4; ties broken by the tie-break key, ascending


@dataclass(frozen=True, slots=True)
class Ranked:
    unit: Hashable
    score: Decimal
    rank: int  # per policy
    position: int  # 1-based position in the ordered list (序号)


def rank(
    scores: Mapping[Hashable, Decimal],
    policy: TiePolicy,
    tie_break: Callable[[Hashable], Any] | None = None,
) -> list[Ranked]:
    """Score descending, then tie_break(unit) ascending, then input order.

    The tie-break orders equal scores under every policy (so the printed list is stable
    and e.g. follows 笔画 order), but only SEQUENTIAL lets it change the rank itself.
    """
    policy = TiePolicy(policy)
    for unit, score in scores.items():
        if not isinstance(score, Decimal | int) or not Decimal(score).is_finite():
            raise ValueError(f"单位 {unit!r} 的得分不是有效数字：{score!r}")
    key = tie_break or (lambda unit: 0)
    ordered = sorted(scores, key=lambda unit: (-scores[unit], key(unit)))  # stable: input order
    result: list[Ranked] = []
    for position, unit in enumerate(ordered, start=1):
        score = scores[unit]
        previous = result[-1] if result else None
        result.append(Ranked(unit, score, _rank_at(policy, position, score, previous), position))
    return result


def _rank_at(policy: TiePolicy, position: int, score: Decimal, previous: Ranked | None) -> int:
    """The rank of the unit at `position`, given the one just above it."""
    if previous is None:
        return 1
    if policy is TiePolicy.SEQUENTIAL:
        return position
    if score == previous.score:
        return previous.rank
    if policy is TiePolicy.COMPETITION:
        return position
    return previous.rank + 1  # DENSE
