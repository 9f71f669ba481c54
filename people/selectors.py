"""Reads of the ledger, each narrowed to what the user may see."""

from __future__ import annotations

from django.db.models import F, QuerySet, Sum
from django.http import Http404

from readiness.access import scope_of
from readiness.models import County, School, User
from readiness.selectors import rate

from .filters import PersonFilter
from .models import Person, PersonImport, ScreeningCount


def person_list(*, user: User) -> QuerySet[Person]:
    return Person.objects.filter(scope_of(user).school_q(prefix="school__")).select_related(
        "school"
    )


def person_filter(*, request) -> PersonFilter:
    """The ledger's filters over the files the user may see; ``.qs`` is the result.

    Bound to the request: what a search may match depends on the user's rights."""
    people = person_list(user=request.user).order_by("school__code", "kind", "pk")
    return PersonFilter(request.GET, queryset=people, request=request)


def coverage(*, user: User) -> list[dict]:
    """Files screened against headcount, staff and students apart: per county for a
    city user, per school for a county or school user. Reads the per-school counts
    (ScreeningCount), so it costs the same with 2.7 million files as with ten."""
    scope = scope_of(user)
    by_county = scope.is_city
    group = "school__county_id" if by_county else "school_id"
    files = {
        row[group]: row
        for row in ScreeningCount.objects.filter(scope.school_q(prefix="school__"))
        .values(group)
        .annotate(
            staff_files=Sum("staff_files"),
            student_files=Sum("student_files"),
            abroad_count=Sum("abroad"),
        )
        .order_by()
    }
    if by_county:
        units = (
            County.objects.annotate(
                staff_count=Sum("schools__staff", default=0),
                student_count=Sum("schools__students", default=0),
            )
            .order_by("order", "code")
            .values("pk", "name", "staff_count", "student_count")
        )
    else:
        units = (
            School.objects.filter(scope.school_q())
            .order_by("code")
            .values("pk", "name", staff_count=F("staff"), student_count=F("students"))
        )
    rows = []
    for unit in units:
        found = files.get(unit["pk"], {})
        row = {
            "name": unit["name"],
            "staff": unit["staff_count"],
            "students": unit["student_count"],
            "staff_files": found.get("staff_files", 0),
            "student_files": found.get("student_files", 0),
            "abroad": found.get("abroad_count", 0),
        }
        row["staff_rate"] = rate(row["staff_files"], row["staff"])
        row["student_rate"] = rate(row["student_files"], row["students"])
        rows.append(row)
    return rows


def abroad_not_returned(*, user: User) -> QuerySet[Person]:
    return (
        person_list(user=user)
        .filter(whereabouts="abroad", returned=False)
        .order_by("school__code", "name")
    )


def person_import_list(*, user: User) -> QuerySet[PersonImport]:
    """A user's own imports: an upload is seen by the one who sent it."""
    return PersonImport.objects.filter(owner_id=user.pk)


def person_import_get_for_user(*, user: User, pk: int | str) -> PersonImport:
    try:
        return person_import_list(user=user).get(pk=pk)
    except (PersonImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
