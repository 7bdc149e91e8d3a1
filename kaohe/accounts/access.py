"""Object-level access: every view fetches what it shows through these scoped getters.

A getter either returns the object the user may see or raises Http404 — a user never learns
that a foreign unit's page exists (healthchecks does the same with its project getters).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kaohe.assessment.models import Campaign, Indicator
from kaohe.registry.models import Unit

from .models import Membership, Role

STAFF_ROLES = {Role.OFFICE, Role.ADMIN}
READ_ALL_ROLES = {Role.OFFICE, Role.ADMIN, Role.LEADER}


def membership(user) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def role_of(user) -> str | None:
    found = membership(user)
    return found.role if found else None


def roles_required(*roles: str):
    """Login required, and one of ``roles``; anyone else gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if role_of(request.user) not in roles:
                raise PermissionDenied("无权访问。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_campaign(user, code: str) -> Campaign:
    """Every signed-in role sees the campaigns; what they see inside is scoped further."""
    if role_of(user) is None:
        raise Http404
    try:
        return Campaign.objects.get(code=code)
    except Campaign.DoesNotExist:
        raise Http404 from None


def get_unit(user, unit_id: int) -> Unit:
    """Office, admin and leader see every unit; a unit user only their own; a scorer any
    unit (they score all units on their agency's indicators)."""
    found = membership(user)
    if found is None:
        raise Http404
    if found.role == Role.UNIT and found.unit_id != unit_id:
        raise Http404
    try:
        return Unit.objects.select_related("category").get(pk=unit_id)
    except Unit.DoesNotExist:
        raise Http404 from None


def scorable_indicators(user, campaign: Campaign):
    """Leaf indicators this user may score: a scorer only their agency's; the office all."""
    found = membership(user)
    leaves = Indicator.objects.filter(scorecard__campaign=campaign, children__isnull=True)
    if found is None:
        return leaves.none()
    if found.role in STAFF_ROLES:
        return leaves
    if found.role == Role.SCORER and found.unit_id:
        return leaves.filter(owner_id=found.unit_id)
    return leaves.none()


def get_scorable_indicator(user, campaign: Campaign, indicator_id: int) -> Indicator:
    try:
        return scorable_indicators(user, campaign).get(pk=indicator_id)
    except Indicator.DoesNotExist:
        raise Http404 from None


def require_open_for_scoring(campaign: Campaign) -> None:
    """Scores change only while scoring or under review; never once published."""
    if campaign.is_frozen:
        raise PermissionDenied("考核已发布，结果已冻结。")
    if campaign.status not in (Campaign.Status.SCORING, Campaign.Status.REVIEW):
        raise PermissionDenied(f"考核处于“{campaign.get_status_display()}”状态，不能评分。")
