"""The plans section of a school's whole file: its return plan and its drills."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.models import School, User
from readiness.school_file import FileSection

from .selectors import drill_list, plan_list


def context(user: User, school: School) -> dict:
    """Two queries."""
    plan = plan_list(user=user).filter(school=school).first()
    drills = (
        drill_list(user=user)
        .select_related(None)  # the section names no host: DISTINCT over the drills alone
        .filter(Q(host=school) | Q(attendees=school))
        .distinct()
        .order_by("-on_date")[:10]
    )
    return {"plan": plan, "drills": list(drills)}


SECTION = FileSection(
    key="plans",
    title=_("Return plan and drills"),
    template="plans/school_file.html",
    context=context,
)
