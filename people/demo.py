"""Demo person files: a ledger at the city's scale, written by COPY."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.db import connection
from django.utils import timezone

from readiness.demo import DEMO_PASSWORD, person_name
from readiness.models import School, User
from readiness.selectors import reopening_dates

from . import idcard
from .models import HealthCheck, Person, SchoolClass, SessionReport
from .services import alerts_raise, screening_refresh

TABLE = Person._meta.db_table
# The contact of the school where the illness spreads: it has reopened, its checks
# run daily (the demo's first contact's school is still waiting for its plan).
LOGINS = ["school-2"]


def seed(*, schools: int, seed: int = 2020, people: int = 0) -> dict:
    """Adds ``people`` files to an empty ledger (none by default: ``--people N``), and
    classes with their health checks since each reopened school's return."""
    classes, checks = seed_health(seed=seed)
    return {
        "person files": seed_people(total=people, seed=seed),
        "classes": classes,
        "health checks": checks,
    }


# Grades a school of each level has, and its classes per grade.
GRADES = {
    "primary": [f"{n}年级" for n in "一二三四五六"],
    "nine_year": [f"{n}年级" for n in "一二三四五六七八九"],
    "middle": ["七年级", "八年级", "九年级"],
    "high": ["高一", "高二", "高三"],
    "vocational": ["一年级", "二年级", "三年级"],
    "kindergarten": ["小班", "中班", "大班"],
    "special": ["低段", "中段", "高段"],
}
# The school where an illness spreads in one class over the last three days.
CLUSTER_DAYS = 3


def seed_health(*, seed: int = 2020) -> tuple[int, int]:
    """Classes for every reopened school, and its morning and noon checks (evening
    for boarders) from its return until yesterday, mostly quiet; in the first
    school, one class develops a cluster of fevers. Written in bulk with the
    session reports' totals, as the service would leave them."""
    if SchoolClass.objects.exists():
        return 0, 0
    today = timezone.localdate()
    opened = {
        pk: day
        for pk, day in reopening_dates(School.objects.values_list("pk", flat=True)).items()
        if day < today
    }
    if not opened:
        return 0, 0
    rng = random.Random(f"health:{seed}")
    schools = list(School.objects.filter(pk__in=opened).order_by("code"))
    classes = []
    for school in schools:
        for grade in GRADES.get(school.level, GRADES["primary"]):
            for n in range(1, rng.randint(2, 4)):
                classes.append(
                    SchoolClass(
                        school=school, grade=grade, name=f"{n}班",
                        head_teacher=person_name(rng) + "老师",
                        enrolled=rng.randint(38, 50), boarding=school.boarding,
                    )
                )  # fmt: skip
    SchoolClass.objects.bulk_create(classes)
    outbreak = classes[0]
    if not User.objects.filter(username="school-2").exists():
        contact = User(
            username="school-2", full_name=person_name(rng), role=User.Role.SCHOOL,
            school=outbreak.school,
        )  # fmt: skip
        contact.set_password(DEMO_PASSWORD)
        contact.save()
    contacts = {
        u.school_id: u for u in User.objects.filter(role=User.Role.SCHOOL, school__in=schools)
    }
    admin = User.objects.filter(is_superuser=True).first()
    checks, reports = [], {}
    for school_class in classes:
        school = school_class.school
        by = contacts.get(school.pk, admin)
        day = opened[school.pk]
        while day < today:
            sessions = ["morning", "noon"] + (["evening"] if school_class.boarding else [])
            for session in sessions:
                ill = 1 if rng.random() < 0.08 else 0
                absent = ill + (1 if rng.random() < 0.05 else 0)
                counts = {"absent": absent, "absent_ill": ill, "fever": 0, "cough": ill,
                          "diarrhoea": 0, "rash": 0, "other": 0}  # fmt: skip
                if school_class is outbreak and (today - day).days <= CLUSTER_DAYS:
                    sick = 4 - (today - day).days  # 1, 2, 3 fevers as the days go
                    counts.update(absent=sick + 1, absent_ill=sick, fever=sick, cough=sick)
                checks.append(
                    HealthCheck(
                        school=school, county_id=school.county_id, school_class=school_class,
                        on_date=day, session=session, enrolled=school_class.enrolled, entered_by=by, **counts,
                    )
                )  # fmt: skip
                report = reports.setdefault(
                    (school.pk, day, session),
                    SessionReport(school=school, on_date=day, session=session, reported_by=by),
                )
                report.classes += 1
                report.enrolled += school_class.enrolled
                for name, value in counts.items():
                    setattr(report, name, getattr(report, name) + value)
            day += dt.timedelta(days=1)
    HealthCheck.objects.bulk_create(checks, batch_size=5000)
    for report in reports.values():
        report.nothing_to_report = not (report.absent or report.fever or report.cough)
    SessionReport.objects.bulk_create(reports.values(), batch_size=5000)
    # The days the illness spread raise their alerts, as entering them would have.
    for back in range(CLUSTER_DAYS, 0, -1):
        alerts_raise(
            school=outbreak.school, on_date=today - dt.timedelta(days=back), session="morning"
        )
    return len(classes), len(checks)


PEOPLE_BATCH = 50_000


def seed_people(*, total: int, seed: int = 2020) -> int:
    """Fills the ledger with ``total`` valid person files spread over the schools by
    headcount; PostgreSQL COPY (a batched insert on SQLite). Runs once: a ledger
    that has files is left alone."""
    if total <= 0 or Person.objects.exists():
        return 0
    schools = list(School.objects.select_related("county").order_by("code"))
    headcount = sum(s.students + s.staff for s in schools) or 1
    rng = random.Random(f"people:{seed}")
    today = dt.date.today()
    counters: dict[tuple[str, str], int] = {}
    columns = (
        "school_id, kind, name, id_number, gender, birth_date, grade, class_name, study_mode, "
        "origin, whereabouts, returned, returned_on, health, screened_on, note"
    )
    written = 0
    batch: list[tuple] = []
    abroad_left = 32  # over 30 students abroad and not yet returned

    def flush() -> None:
        nonlocal written
        if not batch:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                for values in batch:
                    buffer.write(
                        "\t".join(
                            r"\N"
                            if v is None
                            else ("t" if v is True else "f" if v is False else str(v))
                            for v in values
                        )
                    )
                    buffer.write("\n")
                buffer.seek(0)
                cursor.copy_expert(f"COPY {TABLE} ({columns}) FROM STDIN", buffer)
            else:
                marks = ", ".join(["%s"] * 16)
                cursor.executemany(f"INSERT INTO {TABLE} ({columns}) VALUES ({marks})", batch)
        written += len(batch)
        batch.clear()

    for school in schools:
        share = round(total * (school.students + school.staff) / headcount)
        staff = round(share * school.staff / max(1, school.students + school.staff))
        for n in range(share):
            kind = "staff" if n < staff else "student"
            base = dt.date(1966, 1, 1) if kind == "staff" else dt.date(2003, 9, 1)
            key = (school.county.code, kind)
            count = counters[key] = counters.get(key, 0) + 1
            birth = base + dt.timedelta(days=count // 999)
            number = idcard.make(school.county.code, birth, count % 999 + 1)
            whereabouts, returned = "local", rng.random() < 0.9
            if kind == "student" and abroad_left and rng.random() < 0.0005:
                whereabouts, returned, abroad_left = "abroad", False, abroad_left - 1
            batch.append(
                (
                    school.pk, kind, person_name(rng), number, "M" if (count % 999 + 1) % 2 else "F",
                    birth, "" if kind == "staff" else f"{rng.randint(1, 6)}年级", "" if kind == "staff" else f"{rng.randint(1, 8)}班",
                    "boarding" if school.boarding and kind == "student" else "day", "county", whereabouts,
                    returned, today if returned else None, "normal", today, "",
                )
            )  # fmt: skip
            if len(batch) >= PEOPLE_BATCH:
                flush()
    flush()
    screening_refresh()
    return written
