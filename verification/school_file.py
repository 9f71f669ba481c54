"""The verification section of a school's whole file: its verifications, newest
first, with their results, failed items and re-verification dates."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from readiness.models import School, User
from readiness.school_file import FileSection

from .models import Response
from .selectors import verification_list


def context(user: User, school: School) -> dict:
    """One query."""
    rows = (
        verification_list(user=user)
        .filter(school=school)
        .annotate(failed=Count("responses", filter=Q(responses__answer=Response.Answer.FAIL)))
        .order_by("-planned_on", "-pk")[:20]
    )
    return {"verifications": list(rows)}


SECTION = FileSection(
    key="verification",
    title=_("Verifications"),
    template="verification/school_file.html",
    context=context,
)
