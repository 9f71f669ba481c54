"""Demo person files: a ledger at the city's scale, written by COPY."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.db import connection

from readiness.demo import person_name
from readiness.models import School

from . import idcard
from .models import Person
from .services import screening_refresh

TABLE = Person._meta.db_table
LOGINS: list[str] = []


def seed(*, schools: int, seed: int = 2020, people: int = 0) -> dict:
    """Adds ``people`` files to an empty ledger (none by default: ``--people N``)."""
    return {"person files": seed_people(total=people, seed=seed)}


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
