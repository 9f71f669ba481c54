from __future__ import annotations

from django.http import HttpRequest

from .access import can_assign_any


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"verification_nav": {"can_assign": can_assign_any(user)}}
