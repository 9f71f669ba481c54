"""The inspections section of a school's whole file: recorded visits and the
findings with their rectification (planned visits stay secret: the scoped
selectors show them only to the squad and the city bureau)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from readiness.models import School, User
from readiness.school_file import FileSection

from .models import Visit
from .selectors import finding_list, visit_list


def context(user: User, school: School) -> dict:
    """Two queries."""
    visits = (
        visit_list(user=user)
        .filter(school=school, status=Visit.Status.RECORDED)
        .select_related(None)
        .select_related("squad")  # all the section names of a visit beyond its own
        .order_by("-visited_at")[:20]
    )
    findings = (
        finding_list(user=user).filter(school=school).select_related(None).order_by("-pk")[:50]
    )
    return {"visits": list(visits), "findings": list(findings)}


SECTION = FileSection(
    key="inspections",
    title=_("Inspection visits and findings"),
    template="inspections/school_file.html",
    context=context,
)
