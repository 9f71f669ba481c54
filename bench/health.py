"""The daily health checks at a semester's scale: 5,600 schools of 15 classes, checked
morning and noon, 120 school days: 20 million check rows and 1.3 million session
reports. Two figures, each the median time of the same read with 1 day in the
tables and then with all 120 days (same run, same database), goal <= 1.5:

- the city's day (``selectors.day_rows``, what /health/ and the dispatch section
  read): one day's session reports, the reopening dates and the day's alerts;
- a school's day (``selectors.school_day``): its classes' rows of the day, found
  through the (school, date) index among 20 million.

The tables are the bench database's own: they are emptied at the start of a run
(TRUNCATE), then filled by COPY, one day at a time, in a past term so that the
demo's own days are not met."""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import time

from django.db import connection
from django.db.models import Q

CLASSES = 15  # per school
SESSIONS = ("morning", "noon")
DAYS = 120
LAST_DAY = dt.date(2025, 6, 30)  # the term measured: a past one
REPEAT = 31
GRADE = "基准年级"  # the bench's classes, apart from the demo's


def _median_ms(fn) -> float:
    fn()  # warm up
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _classes() -> dict[int, list[tuple[int, int]]]:
    """Each school's bench classes as (class id, enrolled), made once."""
    from people.models import SchoolClass
    from readiness.models import School

    wanted = [
        SchoolClass(school_id=pk, grade=GRADE, name=f"{n}班", enrolled=40 + n % 11)
        for pk in School.objects.values_list("pk", flat=True)
        for n in range(1, CLASSES + 1)
    ]
    SchoolClass.objects.bulk_create(wanted, batch_size=10_000, ignore_conflicts=True)
    classes: dict[int, list[tuple[int, int]]] = {}
    for pk, school_id, enrolled in SchoolClass.objects.filter(grade=GRADE).values_list(
        "pk", "school_id", "enrolled"
    ):
        classes.setdefault(school_id, []).append((pk, enrolled))
    return classes


def _copy_day(day: dt.date, classes, user_id: int, rng: random.Random) -> int:
    """One school day of checks and session reports, by COPY (the foreign keys are
    known good: their triggers are skipped for the load)."""
    checks, reports = io.StringIO(), io.StringIO()
    written = 0
    stamp = f"{day.isoformat()} 08:00:00+08"
    for school_id, rows in classes.items():
        for session in SESSIONS:
            totals = [0] * 8  # enrolled, absent, absent_ill, fever, cough, diarrhoea, rash, other
            for class_id, enrolled in rows:
                ill = 1 if rng.random() < 0.05 else 0
                absent = ill + (1 if rng.random() < 0.04 else 0)
                values = (enrolled, absent, ill, ill, 0, 0, 0, 0)
                checks.write(
                    f"{school_id}\t{class_id}\t{day}\t{session}\t"
                    + "\t".join(map(str, values))
                    + f"\t{user_id}\t{stamp}\n"
                )
                totals = [t + v for t, v in zip(totals, values, strict=True)]
                written += 1
            reports.write(
                f"{school_id}\t{day}\t{session}\tf\t{len(rows)}\t"
                + "\t".join(map(str, totals))
                + f"\t{user_id}\t{stamp}\n"
            )
    counts = "enrolled, absent, absent_ill, fever, cough, diarrhoea, rash, other"
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        checks.seek(0)
        cursor.copy_expert(
            "COPY people_healthcheck (school_id, school_class_id, on_date, session, "
            f"{counts}, entered_by_id, entered_at) FROM STDIN",
            checks,
        )
        reports.seek(0)
        cursor.copy_expert(
            "COPY people_sessionreport (school_id, on_date, session, nothing_to_report, "
            f"classes, {counts}, reported_by_id, reported_at) FROM STDIN",
            reports,
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    return written


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_healthcheck")
        cursor.execute("ANALYZE people_sessionreport")


def _measure(school) -> tuple[float, float]:
    from people import selectors

    city = _median_ms(lambda: selectors.day_rows(on_date=LAST_DAY, schools=Q(), by_county=True))
    one = _median_ms(lambda: selectors.school_day(school=school, on_date=LAST_DAY))
    return city, one


def run() -> dict:
    from django.core.management import call_command

    from people.models import HealthCheck, SessionReport
    from readiness.models import School, User

    if School.objects.count() < 5600:
        call_command("seed_demo", "--schools", "5600", verbosity=0)
    classes = _classes()
    user_id = User.objects.filter(is_superuser=True).values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE people_healthcheck, people_historicalhealthcheck, people_sessionreport"
        )
    rng = random.Random(2020)
    school = School.objects.get(pk=next(iter(classes)))

    started = time.perf_counter()
    rows = _copy_day(LAST_DAY, classes, user_id, rng)
    _analyze()
    city_1, school_1 = _measure(school)
    for back in range(DAYS - 1, 0, -1):
        rows += _copy_day(LAST_DAY - dt.timedelta(days=back), classes, user_id, rng)
    _analyze()
    load = time.perf_counter() - started
    city_all, school_all = _measure(school)
    checks, reports = HealthCheck.objects.count(), SessionReport.objects.count()
    city_ratio = round(city_all / city_1, 2)
    school_ratio = round(school_all / school_1, 2)
    detail = (
        f"{checks:,} check rows and {reports:,} session reports of {DAYS} days "
        f"({len(classes):,} schools × {CLASSES} classes × {len(SESSIONS)} sessions), loaded by "
        f"COPY in {load:.0f} s; median of {REPEAT}"
    )
    assert rows == checks, (rows, checks)  # what was measured is what was loaded
    return {
        "health_city_day_120_vs_1_days": {
            "value": city_ratio,
            "unit": "ratio",
            "goal": "<= 1.5",
            "holds": city_ratio <= 1.5,
            "detail": f"the city's day: {city_1:.1f} ms with 1 day, {city_all:.1f} ms "
            f"with {DAYS}; {detail}",
        },
        "health_school_day_120_vs_1_days": {
            "value": school_ratio,
            "unit": "ratio",
            "goal": "<= 1.5",
            "holds": school_ratio <= 1.5,
            "detail": f"a school's day: {school_1:.2f} ms with 1 day, {school_all:.2f} ms "
            f"with {DAYS}; {detail}",
        },
    }
