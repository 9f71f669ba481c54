from __future__ import annotations

from django.http import HttpRequest

from .access import Right, has_right, scope_of


def navigation(request: HttpRequest) -> dict:
    """What the menu offers this user; computed from the user row alone."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "scope": scope_of(user).level,
            "can_import": has_right(user, Right.SCHOOL_IMPORT),
            "can_export": has_right(user, Right.SCHOOL_EXPORT),
            "can_dispatch": has_right(user, Right.DISPATCH_VIEW),
            "can_dashboard": has_right(user, Right.DISPATCH_VIEW)
            or user.role == user.Role.COUNTY_OFFICIAL,
            "can_build_dispatch": has_right(user, Right.DISPATCH_BUILD),
            "can_audit": has_right(user, Right.AUDIT_VIEW),
            "can_accounts": has_right(user, Right.ACCOUNT_MANAGE),
            "can_city_settings": has_right(user, Right.CITY_SETTINGS),
            # Rights of the lines of work are named by their string: the core imports no app.
            "can_supplies": has_right(user, "supply_view"),
            "can_health": has_right(user, "health_view"),
            "can_health_enter": has_right(user, "health_enter"),
            "can_staff_squads": has_right(user, "squad_staff"),
        }
    }
