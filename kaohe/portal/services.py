"""The portal's changes: submitting and deciding appeals, reporting and verifying rectification.

Views check who may act; these functions check *when* (the campaign's state, the appeal window)
under a lock on the campaign row, so a decision can never slip in while the office publishes.
Every change is written to the audit trail in the same transaction.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kaohe.assessment.models import Campaign, LedgerEntry
from kaohe.assessment.results import recompute
from kaohe.audit.trail import record, snapshot
from kaohe.core.numbers import format_score
from kaohe.core.rules import RuleKind

from .models import Appeal, Rectification

APPEAL_FIELDS = ["entry", "unit", "text", "evidence_url", "evidence_file", "status"]
DECISION_FIELDS = ["status", "decision_reason", "new_amount", "reversal", "replacement"]
LEDGER_FIELDS = ["unit", "indicator", "amount", "weight", "item", "reason", "reverses"]
RECTIFICATION_FIELDS = ["entry", "unit", "text", "evidence_url", "evidence_file"]
# Entries a unit can be asked to rectify: the ones that cost it points.
RECTIFIABLE_KINDS = {RuleKind.DEDUCT.value, RuleKind.VETO.value}


class NotAllowed(Exception):
    """The action is refused for a reason the user must be told (shown with 403)."""


class Conflict(Exception):
    """The action was already done or overtaken by another change (shown as a message)."""


def appeal_window_problem(campaign: Campaign) -> str | None:
    """Why an appeal cannot be filed now, or None while the window is open.

    The window is the 公示与复核 state up to its deadline (set when the office opened it).
    """
    if campaign.status != Campaign.Status.APPEAL:
        return (
            f"考核当前处于“{campaign.get_status_display()}”阶段，"
            "只有在“公示与复核”阶段才能申请复核。"
        )
    deadline = campaign.appeal_deadline
    if deadline is not None and timezone.now() >= deadline:
        local = timezone.localtime(deadline)
        return f"复核申请已于{local.year}年{local.month}月{local.day}日 {local:%H:%M}截止。"
    return None


def decision_problem(campaign: Campaign) -> str | None:
    """Why the office cannot decide appeals now, or None during 公示与复核."""
    if campaign.status != Campaign.Status.APPEAL:
        return (
            f"考核当前处于“{campaign.get_status_display()}”阶段，"
            "复核决定只能在“公示与复核”阶段作出。"
        )
    return None


def rectification_problem(campaign: Campaign) -> str | None:
    """Why a unit cannot report rectification now, or None once the results are published."""
    if campaign.status != Campaign.Status.PUBLISHED:
        return "整改情况在考核结果发布后报送；当前考核尚未发布。"
    return None


def is_live(entry: LedgerEntry) -> bool:
    """An entry that still counts: not a reversal, and not reversed itself."""
    return entry.weight > 0 and entry.reverses_id is None and not hasattr(entry, "reversed_by")


def _locked_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _fresh_entry(entry: LedgerEntry) -> LedgerEntry:
    """Re-read under the lock: a scorer may have reversed the entry since the page was drawn."""
    return LedgerEntry.objects.select_related("indicator", "reversed_by").get(pk=entry.pk)


@transaction.atomic
def submit_appeal(appeal: Appeal, entry: LedgerEntry, user) -> Appeal:
    """Store an unsaved appeal (built from the form) for ``entry``."""
    campaign = _locked_campaign(entry.campaign)
    if problem := appeal_window_problem(campaign):
        raise NotAllowed(problem)
    entry = _fresh_entry(entry)
    if not is_live(entry):
        raise Conflict("该记录已被撤销或调整，无需再申请复核。")
    if Appeal.objects.filter(replacement=entry).exists():
        raise Conflict("该记录是复核调整的结果，复核意见为最终意见，不能再次申请。")
    if Appeal.objects.filter(entry=entry).exists():
        raise Conflict("该记录已经申请过复核，每条记录只能申请一次。")
    appeal.campaign, appeal.entry, appeal.unit, appeal.submitted_by = (
        campaign,
        entry,
        entry.unit,
        user,
    )
    appeal.status = Appeal.Status.OPEN
    appeal.save()
    record(
        actor=user,
        action="appeal.submit",
        reason=appeal.text,
        campaign=campaign,
        unit=entry.unit,
        indicator=entry.indicator,
        obj=appeal,
        after=snapshot(appeal, APPEAL_FIELDS),
    )
    return appeal


@transaction.atomic
def decide_appeal(
    appeal: Appeal, user, decision: str, reason: str, new_amount: Decimal | None = None
) -> Appeal:
    """Uphold, or change the appealed entry to ``new_amount`` (0 removes it).

    A change never edits the entry: it appends a reversal (negative amount, weight -1) and,
    if something remains, a new entry “复核调整：…”, then recomputes the stored results, so the
    results page, the notice and the unit's scorecard all follow the decision.
    """
    campaign = _locked_campaign(appeal.campaign)
    if problem := decision_problem(campaign):
        raise NotAllowed(problem)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not appeal.is_open:
        raise Conflict(f"该申请已作出决定（{appeal.get_status_display()}），不能重复决定。")
    entry = _fresh_entry(appeal.entry)
    before = {"status": appeal.status, "amount": entry.amount}
    if decision == Appeal.Status.CHANGED:
        if new_amount is None or new_amount < 0:
            raise ValueError("调整扣分必须给出不小于 0 的调整后分值。")
        if not is_live(entry):
            raise Conflict(
                "该记录已被撤销，无法再调整；如需答复申请单位，请选择“维持原扣分”并说明。"
            )
        appeal.reversal, appeal.replacement = _change_entry(entry, new_amount, reason, user)
        appeal.new_amount = new_amount
    elif decision != Appeal.Status.UPHELD:
        raise ValueError(f"未知的复核结论：{decision}")
    appeal.status = decision
    appeal.decision_reason = reason
    appeal.decided_by = user
    appeal.decided_at = timezone.now()
    appeal.save()
    record(
        actor=user,
        action="appeal.decide",
        reason=reason,
        campaign=campaign,
        unit=appeal.unit,
        indicator=entry.indicator,
        obj=appeal,
        before=before,
        after=snapshot(appeal, DECISION_FIELDS),
    )
    if decision == Appeal.Status.CHANGED:
        recompute(campaign)
    return appeal


def _change_entry(
    entry: LedgerEntry, new_amount: Decimal, reason: str, user
) -> tuple[LedgerEntry, LedgerEntry | None]:
    author_name = user.get_full_name() or user.get_username()
    shared = {
        "campaign_id": entry.campaign_id,
        "unit_id": entry.unit_id,
        "indicator_id": entry.indicator_id,
        "item": entry.item,
        "source": LedgerEntry.Source.MANUAL,
        "author": user,
        "author_name": author_name,
    }
    reversal = LedgerEntry.objects.create(
        **shared,
        amount=-entry.amount,
        weight=-1,
        reason=f"复核撤销：原记录 {format_score(entry.amount)} 分（{entry.reason}）。{reason}",
        reverses=entry,
    )
    _record_ledger(user, "ledger.reverse", reversal, reason)
    replacement = None
    if new_amount > 0:
        # The reversed original frees its evidence: the adjusted deduction carries it on.
        replacement = LedgerEntry.objects.create(
            **shared,
            amount=new_amount,
            weight=1,
            reason=f"复核调整：{reason}",
            evidence=entry.evidence,
            evidence_file=entry.evidence_file.name if entry.evidence_file else "",
        )
        _record_ledger(user, "ledger.add", replacement, reason)
    return reversal, replacement


def _record_ledger(user, action: str, entry: LedgerEntry, reason: str) -> None:
    record(
        actor=user,
        action=action,
        reason=reason,
        campaign=entry.campaign,
        unit=entry.unit,
        indicator=entry.indicator,
        obj=entry,
        after=snapshot(entry, LEDGER_FIELDS),
    )


@transaction.atomic
def submit_rectification(rect: Rectification, entry: LedgerEntry, user) -> Rectification:
    """Store an unsaved rectification report; only after publication, and only for a deduction
    that still counts and has no verified report yet."""
    campaign = _locked_campaign(entry.campaign)
    if problem := rectification_problem(campaign):
        raise NotAllowed(problem)
    entry = _fresh_entry(entry)
    if not is_live(entry) or entry.indicator.rule_kind not in RECTIFIABLE_KINDS:
        raise Conflict("该记录不是有效的扣分，无需报送整改情况。")
    if Rectification.objects.filter(entry=entry, verified_at__isnull=False).exists():
        raise Conflict("该扣分的整改情况已经考核办核实，无需再报送。")
    rect.campaign, rect.entry, rect.unit, rect.submitted_by = campaign, entry, entry.unit, user
    rect.save()
    record(
        actor=user,
        action="rectification.submit",
        reason=rect.text,
        campaign=campaign,
        unit=entry.unit,
        indicator=entry.indicator,
        obj=rect,
        after=snapshot(rect, RECTIFICATION_FIELDS),
    )
    return rect


@transaction.atomic
def verify_rectification(rect: Rectification, user, note: str = "") -> Rectification:
    """The office confirms a rectification report; the first verified report closes the entry."""
    rect = Rectification.objects.select_for_update().select_related("entry").get(pk=rect.pk)
    if rect.is_verified:
        raise Conflict("该整改情况已经核实。")
    if Rectification.objects.filter(entry=rect.entry_id, verified_at__isnull=False).exists():
        raise Conflict("该扣分已有一份经核实的整改情况。")
    rect.verified_by = user
    rect.verified_at = timezone.now()
    rect.verification_note = note.strip()
    rect.save(update_fields=["verified_by", "verified_at", "verification_note"])
    record(
        actor=user,
        action="rectification.verify",
        reason=rect.verification_note,
        campaign=rect.campaign,
        unit=rect.unit,
        indicator=rect.entry.indicator,
        obj=rect,
        before={"verified_at": None},
        after=snapshot(rect, ["verified_by", "verified_at", "verification_note"]),
    )
    return rect
