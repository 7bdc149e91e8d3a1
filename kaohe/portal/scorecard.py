"""A unit's scorecards as the portal shows them: ``explain_unit``'s tree, each entry dressed with
its rule, author, evidence, appeal and rectification, and what the unit may do about it.

Everything is read in a fixed number of queries whatever the size of the campaign: the tree
comes from one ``compute`` (aggregated ledger), the rest from one query per kind of record.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms

from kaohe.accounts.access import STAFF_ROLES, membership
from kaohe.accounts.models import Role
from kaohe.assessment.explain import CardExplanation, Node, explain_unit
from kaohe.assessment.models import Campaign, GradeAdjustment, Indicator, LedgerEntry, Result
from kaohe.assessment.tree import points_for
from kaohe.core.numbers import format_score
from kaohe.core.rules import RuleKind
from kaohe.registry.models import Unit

from .forms import AppealForm, RectificationForm, VerifyForm
from .models import Appeal, Disclosure, Rectification
from .services import RECTIFIABLE_KINDS, appeal_window_problem, is_live

# What an entry's amount means under each rule: the verb a unit reads next to the number.
AMOUNT_WORDS = {
    RuleKind.DEDUCT: "扣",
    RuleKind.AWARD: "赋",
    RuleKind.BONUS: "加",
    RuleKind.FIXED: "达标记录",
    RuleKind.PROPORTIONAL: "数值",
    RuleKind.RANK_TABLE: "数值",
    RuleKind.CHECKLIST: "检查项",
    RuleKind.VETO: "否决",
}


def rule_text(indicator: Indicator, points: Decimal) -> str:
    """The scoring rule of a leaf in the words of the 考核细则."""
    params = indicator.rule_params or {}
    pts = format_score(points)
    kind = indicator.rule_kind
    if kind == RuleKind.DEDUCT:
        cap = params.get("cap")
        limit = f"，最多扣 {format_score(Decimal(str(cap)))} 分" if cap is not None else ""
        return f"扣分制：本项 {pts} 分{limit}，扣完为止"
    if kind == RuleKind.AWARD:
        return f"直接赋分：0—{pts} 分"
    if kind == RuleKind.FIXED:
        return f"达标得分：达标得 {pts} 分，否则 0 分"
    if kind == RuleKind.PROPORTIONAL:
        return f"按比例：{pts} 分 × 本单位数值 ÷ 同组最高数值"
    if kind == RuleKind.RANK_TABLE:
        return f"按名次赋分：本项 {pts} 分"
    if kind == RuleKind.CHECKLIST:
        return f"清单计分：按检查项累计，最多 {pts} 分"
    if kind == RuleKind.BONUS:
        cap = params.get("cap", points)
        return f"加分项：最多加 {format_score(Decimal(str(cap)))} 分"
    if kind == RuleKind.VETO:
        grade = params.get("veto_grade")
        return "一票否决" + (f"：等次最高为{grade}" if grade else "")
    return kind or "—"


def amount_ceiling(indicator: Indicator, points: Decimal) -> Decimal | None:
    """The largest amount a decision may set: a deduction cannot exceed what the item can lose."""
    params = indicator.rule_params or {}
    if indicator.rule_kind in (RuleKind.DEDUCT, RuleKind.BONUS) and "cap" in params:
        return Decimal(str(params["cap"]))
    if indicator.rule_kind in (RuleKind.DEDUCT, RuleKind.AWARD, RuleKind.BONUS):
        return points
    return None


def author_of(entry: LedgerEntry) -> str:
    if entry.author_id and entry.author:
        return entry.author.get_full_name() or entry.author.get_username()
    return entry.author_name or "—"


def is_link(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


@dataclass
class EntryRow:
    """One ledger entry with everything the page says and offers about it."""

    entry: LedgerEntry
    word: str
    rule: str
    author: str
    live: bool
    deduction: bool
    appeal: Appeal | None
    replaces: Appeal | None  # the appeal whose decision created this entry
    rectifications: list[Rectification]
    appeal_form: forms.Form | None = None
    rectify_form: forms.Form | None = None
    verify_forms: dict[int, forms.Form] = field(default_factory=dict)
    open_form: str = ""  # "appeal" / "rectify": re-shown open after a failed submit

    @property
    def id(self) -> int:
        return self.entry.id

    @property
    def is_reversal(self) -> bool:
        return self.entry.weight < 0

    @property
    def shown_amount(self) -> Decimal:
        """A reversal reads “撤销 1.1 分”, not “撤销 -1.1 分”."""
        return -self.entry.amount if self.is_reversal else self.entry.amount

    @property
    def evidence_is_link(self) -> bool:
        return is_link(self.entry.evidence)

    @property
    def verified(self) -> Rectification | None:
        return next((r for r in self.rectifications if r.is_verified), None)


@dataclass
class NodeRow:
    code: str
    name: str
    points: Decimal
    score: Decimal
    depth: int
    entries: list[EntryRow]
    children: list["NodeRow"]

    @property
    def lost(self) -> Decimal:
        return self.points - self.score


@dataclass
class CardView:
    card: CardExplanation
    nodes: list[NodeRow]
    results: list[Result]  # this scorecard's stored result rows (published only)
    deductions: int  # live deductions, for the 对号入座 count
    deducted: Decimal


@dataclass
class UnitPage:
    campaign: Campaign
    unit: Unit
    cards: list[CardView]
    overall: list[Result]
    adjustments: list[GradeAdjustment]
    show_totals: bool
    show_ranks: bool
    can_act: bool  # the signed-in user acts for this unit
    is_staff: bool
    appeal_problem: str | None
    open_appeals: int
    unverified: int
    failed: EntryRow | None = None


def disclosure_shows_totals(campaign: Campaign) -> bool:
    found = Disclosure.objects.filter(campaign=campaign).first()
    return True if found is None else found.show_totals


def build_page(
    user,
    campaign: Campaign,
    unit: Unit,
    bound: tuple[str, int, forms.Form] | None = None,
) -> UnitPage:
    """Everything the unit page shows; ``bound`` re-shows one submitted form with its errors."""
    found = membership(user)
    role = found.role if found else None
    can_act = role == Role.UNIT and found is not None and found.unit_id == unit.id
    is_staff = role in STAFF_ROLES
    problem = appeal_window_problem(campaign)
    appeal_open = can_act and problem is None
    published = campaign.status == Campaign.Status.PUBLISHED
    show_totals = published or (
        campaign.status in (Campaign.Status.APPEAL, Campaign.Status.APPROVED)
        and disclosure_shows_totals(campaign)
    )

    explained = explain_unit(campaign, unit)
    indicators = {i.id: i for i in Indicator.objects.filter(scorecard__campaign=campaign)}
    appeals = list(
        Appeal.objects.filter(campaign=campaign, unit=unit).select_related(
            "entry", "submitted_by", "decided_by"
        )
    )
    by_entry = {a.entry_id: a for a in appeals}
    by_replacement = {a.replacement_id: a for a in appeals if a.replacement_id}
    rects: dict[int, list[Rectification]] = defaultdict(list)
    rect_rows = list(
        Rectification.objects.filter(campaign=campaign, unit=unit).select_related(
            "submitted_by", "verified_by"
        )
    )
    for rect in rect_rows:
        rects[rect.entry_id].append(rect)
    results = list(
        Result.objects.filter(campaign=campaign, unit=unit).select_related("group__scorecard")
        if published
        else []
    )

    failed: list[EntryRow] = []

    def entry_row(entry: LedgerEntry, node: Node) -> EntryRow:
        indicator = indicators[entry.indicator_id]
        kind = indicator.rule_kind
        live = is_live(entry)
        appeal = by_entry.get(entry.id)
        replaces = by_replacement.get(entry.id)
        deduction = live and kind in RECTIFIABLE_KINDS and entry.amount > 0
        row = EntryRow(
            entry=entry,
            word=AMOUNT_WORDS.get(kind, "") if entry.weight > 0 else "撤销",
            rule=rule_text(indicator, node.points),
            author=author_of(entry),
            live=live,
            deduction=deduction,
            appeal=appeal,
            replaces=replaces,
            rectifications=rects.get(entry.id, []),
        )
        if appeal_open and live and appeal is None and replaces is None:
            row.appeal_form = AppealForm(prefix=f"a{entry.id}")
        if can_act and published and deduction and row.verified is None:
            row.rectify_form = RectificationForm(prefix=f"r{entry.id}")
        if is_staff:
            row.verify_forms = {
                r.id: VerifyForm(prefix=f"v{r.id}") for r in row.rectifications if not r.is_verified
            }
        if bound and bound[1] == entry.id:
            kind_of_form, _entry_id, form = bound
            if kind_of_form == "appeal":
                row.appeal_form = form
            else:
                row.rectify_form = form
            row.open_form = kind_of_form
            failed.append(row)
        return row

    def node_row(node: Node, depth: int) -> NodeRow:
        return NodeRow(
            node.code,
            node.name,
            node.points,
            node.score,
            depth,
            [entry_row(e, node) for e in _story_order(node.entries, by_entry)],
            [node_row(child, depth + 1) for child in node.children],
        )

    cards = []
    for card in explained:
        nodes = [node_row(n, 0) for n in card.nodes]
        rows = [r for r in _walk_entries(nodes) if r.deduction]
        cards.append(
            CardView(
                card=card,
                nodes=nodes,
                results=[
                    r
                    for r in results
                    if r.group.scorecard is not None and r.group.scorecard.name == card.scorecard
                ],
                deductions=len(rows),
                deducted=sum((r.entry.amount for r in rows), Decimal(0)),
            )
        )
    return UnitPage(
        campaign=campaign,
        unit=unit,
        cards=cards,
        overall=[r for r in results if r.group.scorecard is None],
        adjustments=list(
            GradeAdjustment.objects.filter(campaign=campaign, unit=unit).select_related("scorecard")
        )
        if published
        else [],
        show_totals=show_totals,
        show_ranks=published,
        can_act=can_act,
        is_staff=is_staff,
        appeal_problem=problem,
        open_appeals=sum(1 for a in appeals if a.is_open),
        unverified=sum(1 for r in rect_rows if not r.is_verified),
        failed=failed[0] if failed else None,
    )


def _story_order(entries: list[LedgerEntry], appeals: dict[int, Appeal]) -> list[LedgerEntry]:
    """Each entry followed by its reversal and the entry that replaced it, so a unit reads a
    correction where the original stands rather than at the end of the indicator."""
    by_id = {e.id: e for e in entries}
    followers: dict[int, list[int]] = defaultdict(list)
    for entry in entries:
        if entry.reverses_id in by_id:
            followers[entry.reverses_id].append(entry.id)
    for appeal in appeals.values():
        if appeal.entry_id in by_id and appeal.replacement_id in by_id:
            followers[appeal.entry_id].append(appeal.replacement_id)
    placed: set[int] = set()
    ordered: list[LedgerEntry] = []

    def place(entry_id: int) -> None:
        if entry_id in placed:
            return
        placed.add(entry_id)
        ordered.append(by_id[entry_id])
        for follower in followers.get(entry_id, []):
            place(follower)

    followed = {f for group in followers.values() for f in group}
    for entry in entries:
        if entry.id not in followed:
            place(entry.id)
    for entry in entries:  # anything left (a follower whose leader is elsewhere)
        place(entry.id)
    return ordered


def _walk_entries(nodes: list[NodeRow]):
    for node in nodes:
        yield from node.entries
        yield from _walk_entries(node.children)


def decision_ceiling(appeal: Appeal) -> Decimal | None:
    """The ceiling for a decision on ``appeal`` (its indicator's points for the unit's category)."""
    indicator = appeal.entry.indicator
    return amount_ceiling(indicator, points_for(indicator, appeal.unit.category_id))
