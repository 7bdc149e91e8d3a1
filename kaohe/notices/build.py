"""Assembling the notice of a campaign: the office's edited text if any, else a fresh draft."""

import datetime as dt

from django.utils import timezone

from kaohe.assessment.models import Campaign
from kaohe.core.notice.check import Finding, check_notice
from kaohe.core.notice.draft import draft_body, render_text
from kaohe.core.notice.facts import NoticeFacts
from kaohe.documents.model import Notice, display_width

from .annexes import addressees, annexes
from .bodytext import parse_body
from .facts import notice_facts
from .models import AcceptedFinding, NoticeDraft

# A 2号 title line holds about 16 characters; GB/T 9704 wants long titles in a 梯形 shape,
# broken between words. These endings are where Chinese titles of this kind break naturally.
TITLE_LINE = 16
BREAK_AFTER = ("关于", "年度", "公开", "服务", "工作", "考核", "情况", "的")


def default_title(campaign: Campaign) -> str:
    return balance_title(f"关于{campaign.name}结果的通报")


def balance_title(title: str) -> str:
    """Break a long title once, after a natural word ending, with the longer line on top."""
    if display_width(title) <= TITLE_LINE:
        return title
    cuts = [
        end
        for end in range(2, len(title) - 3)
        if title[:end].endswith(BREAK_AFTER) and display_width(title[:end]) <= TITLE_LINE
    ]
    return f"{title[: max(cuts)]}\n{title[max(cuts) :]}" if cuts else title


def current_body(campaign: Campaign, facts: NoticeFacts | None = None) -> str:
    """The office's edited text, else a fresh draft (from ``facts`` when the caller has them)."""
    draft = NoticeDraft.objects.filter(campaign=campaign).first()
    if draft:
        return draft.body
    return render_text(draft_body(facts if facts is not None else notice_facts(campaign)))


def build_notice(campaign: Campaign, date: dt.date | None = None) -> Notice:
    draft = NoticeDraft.objects.filter(campaign=campaign).first()
    body = parse_body(draft.body) if draft else draft_body(notice_facts(campaign))
    return Notice(
        issuer=campaign.issuer,
        doc_number=draft.doc_number if draft else "",
        title=draft.title if draft else default_title(campaign),
        addressees=addressees(campaign),
        body=body,
        signature=draft.signature if draft else campaign.issuer,
        date=(draft.date if draft else None) or date or timezone.localdate(),
        annexes=annexes(campaign),
    )


def open_findings(campaign: Campaign, text: str | None = None) -> list[Finding]:
    """Findings of the checker on the notice text that the office has not accepted."""
    facts = notice_facts(campaign)
    findings = check_notice(current_body(campaign, facts) if text is None else text, facts)
    accepted = set(AcceptedFinding.objects.filter(campaign=campaign).values_list("claim", "fact"))
    return [f for f in findings if (f.claim, f.fact) not in accepted]
