"""Reads of the ledger, each narrowed to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404

from readiness.access import has_right, require_right, scope_of
from readiness.models import County, School, User
from readiness.naming import natural_key
from readiness.selectors import rate, reopening_dates

from .access import Right
from .filters import PersonFilter
from .models import (
    SYMPTOMS,
    HealthAlert,
    HealthCheck,
    HealthCheckImport,
    IllnessCase,
    Person,
    PersonImport,
    SchoolClass,
    ScreeningCount,
    Session,
    SessionReport,
    session_begun,
)


def person_list(*, user: User) -> QuerySet[Person]:
    return Person.objects.filter(scope_of(user).school_q(prefix="school__")).select_related(
        "school"
    )


def person_filter(*, request) -> PersonFilter:
    """The ledger's filters over the files the user may see; ``.qs`` is the result.

    Bound to the request: what a search may match depends on the user's rights."""
    people = person_list(user=request.user).order_by("school__code", "kind", "pk")
    return PersonFilter(request.GET, queryset=people, request=request)


# The ledger's filters the per-school counts can answer; any other narrows by rows.
COUNTED_FILTERS = {"school", "kind"}


def person_count(*, user: User, people: PersonFilter) -> int | None:
    """How many files ``people`` (a valid filter) finds, read from the per-school
    counts (ScreeningCount) when it narrows by no more than the scope, a school and a
    kind: the ledger's pages need it on every page, and counting a county's 200
    thousand rows takes 50 ms. None when another filter is used: those are counted.
    The counts are refreshed by every import, which is how files are written, by
    seeding, and nightly for the whole city."""
    if not people.is_valid():
        return None
    used = {name for name, value in people.form.cleaned_data.items() if value not in ("", None)}
    if used - COUNTED_FILTERS:
        return None
    counts = ScreeningCount.objects.filter(scope_of(user).school_q(prefix="school__"))
    if school := people.form.cleaned_data.get("school"):
        counts = counts.filter(school__code=school)
    kind = people.form.cleaned_data.get("kind")
    files = {"staff": F("staff_files"), "student": F("student_files")}.get(
        kind, F("staff_files") + F("student_files")
    )
    return counts.aggregate(n=Sum(files))["n"] or 0


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


def coverage_total(rows: list[dict], *, name: str) -> dict:
    """The sum of coverage rows (a county's schools, or the city's counties)."""
    keys = ("staff", "students", "staff_files", "student_files", "abroad")
    total = {"name": name, **{key: sum(row[key] for row in rows) for key in keys}}
    total["staff_rate"] = rate(total["staff_files"], total["staff"])
    total["student_rate"] = rate(total["student_files"], total["students"])
    return total


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


# --- daily health checks (晨午检) -----------------------------------------------------


def health_school_get(*, user: User, pk: int | str) -> School:
    """A school whose health checks the user may read: 404 outside the scope, then
    403 without the right."""
    try:
        school = School.objects.select_related("county").get(scope_of(user).school_q(), pk=pk)
    except (School.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require_right(user, Right.HEALTH_VIEW)
    return school


def class_list(*, school: School, active_only: bool = True) -> list[SchoolClass]:
    """The school's classes by grade and name, numbers sorted as numbers (高二 before
    高三, 2班 before 10班)."""
    classes = SchoolClass.objects.filter(school=school)
    if active_only:
        classes = classes.filter(active=True)
    return sorted(classes, key=lambda c: (natural_key(c.grade), natural_key(c.name)))


def sessions_of(classes) -> list[str]:
    """The sessions a school's classes are checked at: evening for boarders only."""
    sessions = [Session.MORNING, Session.NOON]
    if any(c.boarding for c in classes):
        sessions.append(Session.EVENING)
    return sessions


@dataclass
class ClassDay:
    school_class: SchoolClass
    checks: dict[str, HealthCheck]  # by session


@dataclass
class SchoolDay:
    school: School
    on_date: dt.date
    reopens_on: dt.date | None
    sessions: list[str]
    reports: dict[str, SessionReport]  # by session; a session without one is missing
    rows: list[ClassDay]
    alerts: list[HealthAlert]

    @property
    def missing(self) -> list[str]:
        return [s for s in self.sessions if s not in self.reports]

    @property
    def begun(self) -> dict[str, bool]:
        return {s: session_begun(self.on_date, s) for s in self.sessions}

    @property
    def open(self) -> bool:
        return self.reopens_on is not None and self.on_date >= self.reopens_on


def school_day(*, school: School, on_date: dt.date) -> SchoolDay:
    """What a school entered on a day, class by class, which sessions it has not
    reported, and the day's alerts: five queries whatever its size."""
    classes = class_list(school=school)
    checks: dict[int, dict[str, HealthCheck]] = {}
    for check in HealthCheck.objects.filter(school=school, on_date=on_date):
        checks.setdefault(check.school_class_id, {})[check.session] = check
    reports = {r.session: r for r in SessionReport.objects.filter(school=school, on_date=on_date)}
    alerts = list(
        HealthAlert.objects.filter(school=school, on_date=on_date)
        .select_related("school", "school_class")
        .order_by("raised_at", "pk")
    )
    return SchoolDay(
        alerts=alerts,
        school=school,
        on_date=on_date,
        reopens_on=reopening_dates([school.pk]).get(school.pk),
        sessions=sessions_of(classes),
        reports=reports,
        rows=[ClassDay(c, checks.get(c.pk, {})) for c in classes],
    )


@dataclass
class DayRow:
    """One school (for a county) or one county (for the city) on one day."""

    pk: int
    name: str
    expected: int = 0  # schools open that day
    reported: dict[str, int] = field(default_factory=dict)  # by session
    enrolled: int = 0  # at the morning check
    absent: int = 0
    absent_ill: int = 0
    fever: int = 0  # person-times over the day's sessions
    symptoms: int = 0
    alerts: int = 0  # raised that day and not closed

    @property
    def absence_rate(self) -> float | None:
        return rate(self.absent, self.enrolled)

    @property
    def illness_rate(self) -> float | None:
        return rate(self.absent_ill, self.enrolled)

    @property
    def silent(self) -> int:
        return self.expected - self.reported.get(Session.MORNING, 0)


def day_total(rows: list[DayRow], *, name: str) -> DayRow:
    """The sum of a day's rows: the county's (or the city's) whole day."""
    total = DayRow(0, name)
    for row in rows:
        for session, n in row.reported.items():
            total.reported[session] = total.reported.get(session, 0) + n
        for key in ("expected", "enrolled", "absent", "absent_ill", "fever", "symptoms", "alerts"):
            setattr(total, key, getattr(total, key) + getattr(row, key))
    return total


def health_day(*, user: User, on_date: dt.date, county: County | None = None) -> list[DayRow]:
    """The day of the user's scope: per county for the city, per school for a county
    (or for one ``county`` the city looks into)."""
    require_right(user, Right.HEALTH_VIEW)
    scope = scope_of(user)
    where = scope.school_q()
    if county is not None:
        where &= Q(county=county)
    return day_rows(on_date=on_date, schools=where, by_county=scope.is_city and county is None)


def day_rows(*, on_date: dt.date, schools: Q, by_county: bool) -> list[DayRow]:
    """The day of the schools matching ``schools``, per county or per open school.
    Reads only that day's session reports (one row per school and session), the
    reopening dates and the day's open alerts: five queries at any scale. Shared by
    the pages (scoped) and the dispatch report (the city)."""
    chosen = School.objects.filter(schools)
    if by_county:
        units = {c.pk: DayRow(c.pk, c.name) for c in County.objects.order_by("order", "code")}
        unit_of = dict(chosen.values_list("pk", "county_id").order_by())
    else:
        units = {
            s["pk"]: DayRow(s["pk"], s["name"])
            for s in chosen.order_by("code").values("pk", "name")
        }
        unit_of = {pk: pk for pk in units}
    for school_id, reopens in reopening_dates(chosen.values("pk")).items():
        if reopens <= on_date:
            units[unit_of[school_id]].expected += 1
    # Summed by the database per county (or school) and session: a dozen rows for
    # the city instead of its 11,200 reports of the day.
    unit = "school__county_id" if by_county else "school_id"
    reports = SessionReport.objects.filter(on_date=on_date)
    if schools:
        reports = reports.filter(school__in=chosen)
    for figures in (
        reports.values(unit, "session")
        .annotate(
            n_schools=Count("pk"),
            n_enrolled=Sum("enrolled"),
            n_absent=Sum("absent"),
            n_ill=Sum("absent_ill"),
            n_fever=Sum("fever"),
            n_symptoms=Sum(sum((F(s) for s in SYMPTOMS[1:]), F("fever"))),
        )
        .order_by()
    ):
        row = units.get(figures[unit])
        if row is None:
            continue
        row.reported[figures["session"]] = figures["n_schools"]
        row.fever += figures["n_fever"]
        row.symptoms += figures["n_symptoms"]
        if figures["session"] == Session.MORNING:
            row.enrolled += figures["n_enrolled"]
            row.absent += figures["n_absent"]
            row.absent_ill += figures["n_ill"]
    for school_id, n in (
        HealthAlert.objects.filter(school__in=chosen, on_date=on_date)
        .exclude(status=HealthAlert.Status.CLOSED)
        .values("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
        .order_by()
    ):
        units[unit_of[school_id]].alerts += n
    rows = list(units.values())
    if not by_county:  # a county's list shows its open schools, not every school
        rows = [r for r in rows if r.expected or r.reported]
    return rows


def alert_list(*, user: User) -> QuerySet[HealthAlert]:
    """The alerts of the schools the user sees (the right to read health checks)."""
    if not has_right(user, Right.HEALTH_VIEW):
        return HealthAlert.objects.none()
    return HealthAlert.objects.filter(scope_of(user).school_q(prefix="school__")).select_related(
        "school__county", "school_class", "acknowledged_by", "closed_by"
    )


def alert_get_for_user(*, user: User, pk: int | str) -> HealthAlert:
    try:
        return alert_list(user=user).get(pk=pk)
    except (HealthAlert.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def case_list(*, user: User) -> QuerySet[IllnessCase]:
    """The cases of the schools the user sees (the right to read health checks)."""
    if not has_right(user, Right.HEALTH_VIEW):
        return IllnessCase.objects.none()
    return IllnessCase.objects.filter(scope_of(user).school_q(prefix="school__")).select_related(
        "school", "person"
    )


def case_get_for_user(*, user: User, pk: int | str) -> IllnessCase:
    try:
        return case_list(user=user).get(pk=pk)
    except (IllnessCase.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


PERSONS_OFFERED = 200


def case_persons(*, school: School, name: str = "", pk: int | None = None) -> list[Person]:
    """The school's person files a case may name, narrowed by name (or the one of
    ``pk``); students first, at most PERSONS_OFFERED (a search narrows a large
    school). Another school's file is never offered."""
    people = Person.objects.filter(school=school).order_by("-kind", "grade", "class_name", "name")
    if name.strip():
        people = people.filter(name__contains=name.strip())
    if pk is not None:
        people = people.filter(pk=pk)
    return list(
        people.only("pk", "name", "id_number", "kind", "grade", "class_name")[:PERSONS_OFFERED]
    )


def health_check_list(*, user: User) -> QuerySet[HealthCheck]:
    if not has_right(user, Right.HEALTH_VIEW):
        return HealthCheck.objects.none()
    scope = scope_of(user)
    # A county reads its checks by their own county (an index range on county and
    # id), not through their schools: see HealthCheck.
    where = Q(county_id=scope.county_id) if scope.level == "county" else scope.school_q("school__")
    return HealthCheck.objects.filter(where).select_related("school", "school_class")


def health_school_by_code(*, user: User, code: str) -> School:
    """The school of that code, if the user sees it: 404 otherwise, then 403 without
    the right to read health checks."""
    school = School.objects.filter(scope_of(user).school_q(), code=code).first()
    if school is None:
        raise Http404
    require_right(user, Right.HEALTH_VIEW)
    return school


def class_ids_by_name(*, school: School) -> dict[tuple[str, str], int]:
    """The school's active classes, by (grade, name) as its check-in app names them."""
    return {
        (grade, name): pk
        for pk, grade, name in SchoolClass.objects.filter(school=school, active=True).values_list(
            "pk", "grade", "name"
        )
    }


def class_get_for_user(*, user: User, pk: int | str) -> SchoolClass:
    """A class of a school the user sees: 404 outside the scope, 403 without the right."""
    try:
        school_class = SchoolClass.objects.select_related("school").get(
            scope_of(user).school_q(prefix="school__"), pk=pk
        )
    except (SchoolClass.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require_right(user, Right.HEALTH_VIEW)
    return school_class


def health_import_get_for_user(*, user: User, pk: int | str) -> HealthCheckImport:
    """A health-check spreadsheet being checked or imported: its uploader's alone."""
    try:
        return HealthCheckImport.objects.get(pk=pk, owner_id=user.pk)
    except (HealthCheckImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


TREND_DAYS = 14


def illness_trend(
    *, schools: Q, on_date: dt.date, days: int = TREND_DAYS
) -> list[tuple[str, float]]:
    """The morning check's illness-absence rate (%) of the schools matching
    ``schools``, day by day up to ``on_date``: one grouped query on the session
    reports. Days without a report are left out."""
    reports = SessionReport.objects.filter(
        session=Session.MORNING, on_date__range=(on_date - dt.timedelta(days=days - 1), on_date)
    )
    if schools:  # the city's trend is every report's
        reports = reports.filter(school__in=School.objects.filter(schools))
    rows = (
        reports.values("on_date")
        .annotate(enrolled=Sum("enrolled"), ill=Sum("absent_ill"))
        .order_by("on_date")
    )
    return [
        (row["on_date"].isoformat(), rate(row["ill"], row["enrolled"]))
        for row in rows
        if row["enrolled"]
    ]
