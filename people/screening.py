"""The per-school counts of the ledger (ScreeningCount), refreshed in SQL."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from readiness.services import readiness_follow

from .models import Person, ScreeningCount

PERSON = Person._meta.db_table
COUNTS_TABLE = ScreeningCount._meta.db_table

COUNTS = """
SELECT school_id,
       SUM(CASE WHEN kind = 'staff' THEN 1 ELSE 0 END),
       SUM(CASE WHEN kind = 'student' THEN 1 ELSE 0 END),
       SUM(CASE WHEN screened_on IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN screened_on IS NOT NULL AND kind = 'staff' THEN 1 ELSE 0 END),
       SUM(CASE WHEN screened_on IS NOT NULL AND kind = 'student' THEN 1 ELSE 0 END),
       SUM(CASE WHEN whereabouts = 'abroad' AND NOT returned THEN 1 ELSE 0 END),
       SUM(CASE WHEN health = 'symptoms' THEN 1 ELSE 0 END),
       SUM(CASE WHEN health = 'observation' THEN 1 ELSE 0 END),
       SUM(CASE WHEN health = 'confirmed' THEN 1 ELSE 0 END),
       MAX(screened_on),
       CURRENT_TIMESTAMP
FROM {person} {where} GROUP BY school_id
"""
COLUMNS = (
    "school_id, staff_files, student_files, screened, staff_screened, student_screened, "
    "abroad, symptoms, observation, confirmed, last_screened_on, refreshed_at"
)


@transaction.atomic
def refresh(school_ids: Iterable[int] | None = None) -> None:
    """Recounts the given schools (all when None) in two statements; their
    readiness is then judged again."""
    school_ids = None if school_ids is None else sorted(set(school_ids))
    _count(school_ids)
    readiness_follow(school_ids=school_ids)


def _count(school_ids: list[int] | None) -> None:
    with connection.cursor() as cursor:
        if school_ids is None:
            cursor.execute(f"DELETE FROM {COUNTS_TABLE}")
            cursor.execute(
                f"INSERT INTO {COUNTS_TABLE} ({COLUMNS}) {COUNTS.format(person=PERSON, where='')}"
            )
            return
        ids = school_ids
        if not ids:
            return
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM {COUNTS_TABLE} WHERE school_id IN ({marks})", ids)
        cursor.execute(
            f"INSERT INTO {COUNTS_TABLE} ({COLUMNS}) "
            + COUNTS.format(person=PERSON, where=f"WHERE school_id IN ({marks})"),
            ids,
        )
