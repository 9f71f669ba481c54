"""Reads. Every function takes the user and returns only what their scope allows."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404

from .access import Right, may_edit_school, require_right, scope_of
from .filters import SchoolFilter
from .models import County, DispatchReport, School, User


def county_list(*, user: User) -> QuerySet[County]:
    return County.objects.filter(scope_of(user).county_q()).distinct()


def school_list(*, user: User) -> QuerySet[School]:
    """The schools ``user`` may see, with what list pages and exports show."""
    return School.objects.filter(scope_of(user).school_q()).select_related("county")


def school_filter(*, user: User, params) -> SchoolFilter:
    """A bound SchoolFilter over the user's schools; ``.qs`` is the filtered queryset."""
    return SchoolFilter(params, queryset=school_list(user=user), counties=county_list(user=user))


def school_get_for_user(*, user: User, pk: int | str) -> School:
    """One school the user may see; 404 outside their scope."""
    try:
        return school_list(user=user).get(pk=pk)
    except (School.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def school_get_for_edit(*, user: User, pk: int | str) -> School:
    """One school the user may edit: 404 outside their scope, 403 without the right."""
    school = school_get_for_user(user=user, pk=pk)
    if not may_edit_school(user, school):
        raise PermissionDenied
    return school


def county_overview_totals(rows: list[dict]) -> dict:
    """Sums of ``county_overview`` rows, for the tiles above the table."""
    keys = ("school_count", "student_total", "staff_total", "high_risk")
    return {key: sum(row[key] or 0 for row in rows) for key in keys}


def county_overview(*, user: User) -> list[dict]:
    """Per visible county: schools, students, staff and high-risk schools, in one query."""
    in_scope = scope_of(user).school_q(prefix="schools__")
    return list(
        County.objects.filter(scope_of(user).county_q())
        .annotate(
            school_count=Count("schools", filter=in_scope),
            student_total=Sum("schools__students", filter=in_scope),
            staff_total=Sum("schools__staff", filter=in_scope),
            high_risk=Count("schools", filter=in_scope & Q(schools__risk_level="high")),
        )
        .values("code", "name", "school_count", "student_total", "staff_total", "high_risk")
        .order_by("order", "code")
    )


def dispatch_report_list(*, user: User) -> QuerySet[DispatchReport]:
    require_right(user, Right.DISPATCH_VIEW)
    return DispatchReport.objects.all()


def dispatch_report_get(*, user: User, on_date: str) -> DispatchReport:
    reports = dispatch_report_list(user=user)
    try:
        return reports.get(on_date=dt.date.fromisoformat(on_date))
    except (DispatchReport.DoesNotExist, ValueError):
        raise Http404 from None


# --- person files (一人一档) --------------------------------------------------------------


def person_list(*, user: User) -> QuerySet:
    from .models import Person

    return Person.objects.filter(scope_of(user).school_q(prefix="school__")).select_related(
        "school"
    )


def person_search(*, user: User, params) -> QuerySet:
    """The ledger's filters: name, or the last digits of the identity number; kind,
    whereabouts, returned, health and school code."""
    people = person_list(user=user)
    q = (params.get("q") or "").strip()
    if q.isdigit() or (q[:-1].isdigit() and q[-1:] in "xX" and q):
        people = people.filter(id_number__endswith=q.upper())
    elif q:
        people = people.filter(name__icontains=q)
    for key in ("kind", "whereabouts", "health"):
        if params.get(key):
            people = people.filter(**{key: params[key]})
    if params.get("returned") in ("true", "false"):
        people = people.filter(returned=params["returned"] == "true")
    if params.get("school"):
        people = people.filter(school__code=params["school"].strip())
    return people.order_by("school__code", "kind", "pk")


def coverage(*, user: User) -> list[dict]:
    """Files screened against headcount, staff and students apart: per county for a
    city user, per school for a county or school user. Reads the per-school counts
    (ScreeningCount), so it costs the same with 2.7 million files as with ten."""
    from .models import ScreeningCount

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
        row["staff_rate"] = _rate(row["staff_files"], row["staff"])
        row["student_rate"] = _rate(row["student_files"], row["students"])
        rows.append(row)
    return rows


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def abroad_not_returned(*, user: User) -> QuerySet:
    return (
        person_list(user=user)
        .filter(whereabouts="abroad", returned=False)
        .order_by("school__code", "name")
    )


# --- return plans and drills ---------------------------------------------------------------


def plan_list(*, user: User) -> QuerySet:
    from .models import ReopeningPlan

    return ReopeningPlan.objects.filter(scope_of(user).school_q(prefix="school__")).select_related(
        "school__county"
    )


def plan_get_for_user(*, user: User, pk: int | str):
    from .models import ReopeningPlan

    try:
        return plan_list(user=user).get(pk=pk)
    except (ReopeningPlan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def drill_list(*, user: User) -> QuerySet:
    from .models import Drill

    scope = scope_of(user)
    return (
        Drill.objects.filter(
            scope.school_q(prefix="host__") | scope.school_q(prefix="attendees__")
        )
        .select_related("host")
        .distinct()
    )


def principal_coverage(*, user: User) -> list[dict]:
    """High schools in scope, per county, and how many of their principals attended
    a drill observation or training. One query."""
    in_scope = scope_of(user).school_q(prefix="schools__")
    high = in_scope & Q(schools__level=School.Level.HIGH)
    rows = (
        County.objects.filter(scope_of(user).county_q())
        .annotate(
            high_schools=Count("schools", filter=high, distinct=True),
            covered=Count(
                "schools", filter=high & Q(schools__drills_attended__isnull=False), distinct=True
            ),
        )
        .order_by("order", "code")
        .values("code", "name", "high_schools", "covered")
    )
    return [{**row, "rate": _rate(row["covered"], row["high_schools"])} for row in rows]
