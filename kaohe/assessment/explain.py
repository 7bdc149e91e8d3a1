"""“Explain”: a unit's score tree with every ledger entry behind each number."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from kaohe.core.numbers import format_score

from .models import Campaign, LedgerEntry
from .results import compute


@dataclass
class Node:
    code: str
    name: str
    points: Decimal
    score: Decimal
    entries: list[LedgerEntry] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)


@dataclass
class CardExplanation:
    scorecard: str
    group: str
    display_name: str
    total: Decimal
    position: int
    grade: str
    rule_grade: str
    adjusted: bool
    notes: str
    nodes: list[Node]


def explain_unit(campaign: Campaign, unit) -> list[CardExplanation]:
    outcomes = compute(campaign)
    entries = defaultdict(list)
    # Findings of online verification behind an entry, so its archived page can be linked.
    ledger = (
        LedgerEntry.objects.filter(campaign=campaign, unit=unit)
        .select_related("author", "reversed_by")
        .prefetch_related("inspection_findings")
    )
    for entry in ledger.order_by("id"):
        entries[entry.indicator_id].append(entry)
    explained = []
    for outcome in outcomes.values():
        if unit.id not in outcome.scores:
            continue
        score = outcome.scores[unit.id]
        graded = outcome.grades[unit.id]
        position = next(r.position for r in outcome.ranked if r.unit == unit.id)

        explained.append(
            CardExplanation(
                outcome.group.scorecard.name,
                outcome.group.name,
                outcome.names[unit.id],
                score.total,
                position,
                graded.grade or "",
                graded.rule_grade or "",
                graded.adjusted,
                "；".join(graded.notes),
                [_node(spec, score, entries) for spec in outcome.trees[unit.id]],
            )
        )
    return explained


def _node(spec, score, entries) -> Node:
    return Node(
        spec.code,
        spec.name,
        spec.points,
        score.by_indicator[spec.key],
        entries.get(spec.key, []),
        [_node(child, score, entries) for child in spec.children],
    )


def render_text(unit, explained: list[CardExplanation]) -> str:
    lines = [f"{unit.name}（{unit.category}）"]
    for card in explained:
        grade = card.grade or "无"
        if card.adjusted:
            grade += f"（调整；按规则为{card.rule_grade or '无'}）"
        lines += [
            "",
            f"【{card.scorecard}】{card.group} 第{card.position}名  得分 {format_score(card.total)}  等次 {grade}",
        ]
        if card.notes:
            lines.append(f"  说明：{card.notes}")
        for top in card.nodes:
            _render_node(top, 1, lines)
    return "\n".join(lines) + "\n"


def _render_node(node: Node, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    lines.append(
        f"{pad}{node.code} {node.name}  {format_score(node.score)}/{format_score(node.points)}"
    )
    for e in node.entries:
        sign = "撤销 " if e.weight < 0 else ""
        who = e.author.get_username() if e.author else e.author_name or "—"
        extra = f"  证据：{e.evidence}" if e.evidence else ""
        mark = "  [示例]" if e.illustrative else ""
        lines.append(
            f"{pad}  · {sign}{format_score(e.amount)}  {e.reason}  〔{e.get_source_display()}，{who}，{timezone.localtime(e.created_at):%Y-%m-%d %H:%M}〕{extra}{mark}"
        )
    for child in node.children:
        _render_node(child, depth + 1, lines)
