"""The signed-in user's role for the navigation bar."""

from kaohe.accounts.access import READ_ALL_ROLES, STAFF_ROLES, membership
from kaohe.accounts.models import Role


def navigation(request) -> dict:
    found = membership(request.user) if hasattr(request, "user") else None
    role = found.role if found else ""
    return {
        "nav_role_label": found.get_role_display() if found else "",
        "nav_sees_registry": role in READ_ALL_ROLES,
        "nav_sees_audit": role in STAFF_ROLES,
        "nav_own_unit": found.unit_id if found and role == Role.UNIT else None,
        "nav_scores": role in (Role.OFFICE, Role.ADMIN, Role.SCORER),
    }
