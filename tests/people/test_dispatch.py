"""The ledger's dispatch section reads the kept counts; the nightly recount (and
every import) keeps them current, never the report."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from people import dispatch
from people import services as people_services
from people.models import Person, ScreeningCount
from readiness import services

from .test_import import number


def _file(school, seq):
    # Written past the import, as an administrator's script would: the counts lag.
    return Person.objects.create(
        school=school, kind="student", name=f"学生{seq}", id_number=number(seq),
        gender="M", birth_date=dt.date(2008, 5, 17),
    )  # fmt: skip


def test_reading_the_section_writes_nothing(school_a, django_assert_num_queries):
    _file(school_a, 1)
    with django_assert_num_queries(2):
        figures = dispatch.figures(timezone.localdate())
    assert figures["totals"]["student_files"] == 0
    assert not ScreeningCount.objects.exists()


def test_the_build_reads_the_counts_the_nightly_recount_keeps(school_a, school_b):
    _file(school_a, 1)
    _file(school_b, 2)
    _file(school_b, 3)
    people_services.screening_refresh()  # the nightly task's body
    _file(school_b, 4)  # written past the import after the recount: tomorrow's
    report = services.dispatch_report_build(on_date=timezone.localdate())
    assert report.data["sections"]["people"]["totals"]["student_files"] == 3
