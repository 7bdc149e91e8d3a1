"""Moving a campaign through its workflow, recorded and audited."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.access import role_of
from kaohe.audit.trail import record
from kaohe.core.workflow import check_move

from .models import Campaign, Transition
from .results import recompute

APPROVAL_WORDING = "经县人民政府同意"


def _require_appeals_decided(campaign: Campaign) -> None:
    from kaohe.portal.models import Appeal

    pending = Appeal.objects.filter(campaign=campaign, status=Appeal.Status.OPEN).count()
    if pending:
        raise ValueError(f"尚有 {pending} 件复核申请未处理，处理完毕后才能定稿。")


def _require_consistent_notice(campaign: Campaign) -> None:
    """Publication waits until the notice agrees with the data, or the office has accepted each
    disagreement with a reason (the 2020 notice was issued with 33 departments for 32)."""
    from kaohe.notices.build import open_findings

    findings = open_findings(campaign)
    if findings:
        claims = "；".join(f"“{f.claim}”（数据：{f.fact}）" for f in findings[:3])
        raise ValueError(
            f"通报与考核数据有 {len(findings)} 处不一致，请修改或说明理由后再发布：{claims}"
        )


@transaction.atomic
def move(
    campaign: Campaign, target: str, user, reason: str = "", appeal_days: int = 5
) -> Transition:
    """Validate and apply one workflow move (ValueError with a Chinese message if not allowed).

    Entering 公示与复核 opens the appeal window; entering 定稿 records the leader's approval;
    publishing recomputes once more and freezes the results.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_move(campaign.status, target, role_of(user) or "", reason)
    source = campaign.status
    if target == Campaign.Status.APPROVED:
        _require_appeals_decided(campaign)
    if target == Campaign.Status.PUBLISHED:
        recompute(campaign)
        _require_consistent_notice(campaign)
    campaign.status = target
    if target == Campaign.Status.APPEAL:
        campaign.appeal_deadline = timezone.now() + dt.timedelta(days=appeal_days)
    campaign.save(update_fields=["status", "appeal_deadline"])
    transition = Transition.objects.create(
        campaign=campaign, source=source, target=target, actor=user,
        actor_name=user.get_full_name() or user.get_username(), reason=reason,
        approval=APPROVAL_WORDING if target == Campaign.Status.APPROVED else "",
        appeal_deadline=campaign.appeal_deadline if target == Campaign.Status.APPEAL else None,
    )  # fmt: skip
    record(
        actor=user, action="campaign.transition", campaign=campaign, obj=transition,
        before={"status": source}, after={"status": target}, reason=reason or transition.approval,
    )  # fmt: skip
    return transition
