"""The people section of a school's whole file: the counts of its person files
(一人一档) and the screening coverage, as the ledger keeps them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from readiness.criteria import percent
from readiness.models import School, User
from readiness.school_file import FileSection

from .models import ScreeningCount


def context(user: User, school: School) -> dict:
    """One query. Sight of the ledger follows the school's: whoever sees the school
    sees its counts (never a person's details here)."""
    counts = ScreeningCount.objects.filter(school=school).first()
    if counts is None:
        return {"counts": None}
    files = counts.staff_files + counts.student_files
    return {
        "counts": counts,
        "coverage": percent(counts.screened, files) if files else None,
        "staff_coverage": percent(counts.staff_screened, counts.staff_files)
        if counts.staff_files
        else None,
        "student_coverage": percent(counts.student_screened, counts.student_files)
        if counts.student_files
        else None,
    }


SECTION = FileSection(
    key="people",
    title=_("Person files and screening"),
    template="people/school_file.html",
    context=context,
)
