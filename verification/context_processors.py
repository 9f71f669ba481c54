from __future__ import annotations

from django.http import HttpRequest

from readiness.access import has_right

from .access import Right


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "verification_nav": {
            "can_assign": has_right(user, Right.ASSIGN),
            "can_supervise": has_right(user, Right.SUPERVISE),
            "can_staff": has_right(user, Right.STAFF),
            "can_edit_rules": has_right(user, Right.RULES_EDIT),
        }
    }
