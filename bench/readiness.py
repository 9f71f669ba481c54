"""Readiness at the city's scale: judging all 5,600 schools by every criterion,
against one GROUP BY scan of the person table (2.7 million files), in one run."""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .people import _ensure_ledger

RUNS = 5


def _median_s(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> dict:
    from people.models import Person
    from readiness import criteria
    from readiness.models import County, ReadinessChange, School, SchoolJudgement
    from readiness.services import readiness_recompute

    _ensure_ledger()
    person = Person._meta.db_table

    def scan():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT school_id, COUNT(*) FROM {person} GROUP BY school_id")
            cursor.fetchall()

    def cold():
        """Every school's judgement written anew (the first run, or after a policy
        change that touches every school)."""
        SchoolJudgement.objects.all().delete()
        readiness_recompute()

    scan()  # warm the cache for both
    scan_s = _median_s(scan)
    cold_s = _median_s(cold)
    steady_s = _median_s(readiness_recompute)  # the nightly run: little or nothing changed
    county = County.objects.order_by("order").first()
    one_county = list(School.objects.filter(county=county).values_list("pk", flat=True))
    county_s = _median_s(lambda: readiness_recompute(school_ids=one_county))
    with CaptureQueriesContext(connection) as queries:
        readiness_recompute()

    from django.utils import timezone

    from readiness.models import DispatchReport
    from readiness.services import dispatch_report_build, dispatch_report_pdf

    today = timezone.localdate()

    def build():
        DispatchReport.objects.filter(on_date=today).delete()
        return dispatch_report_build(on_date=today)

    build_s = _median_s(build)
    report = build()
    pdf_s = _median_s(
        lambda: (DispatchReport.objects.filter(pk=report.pk).update(pdf=""),
                 dispatch_report_pdf(report=DispatchReport.objects.get(pk=report.pk)))
    )  # fmt: skip
    build_ratio = round(build_s / scan_s, 2)
    schools = School.objects.count()
    steady_ratio = round(steady_s / scan_s, 2)
    cold_ratio = round(cold_s / scan_s, 2)
    scanned = f"GROUP BY scan of {Person.objects.count():,} person files {scan_s * 1000:.0f} ms"
    return {
        "readiness_recompute_vs_person_scan": {
            "value": steady_ratio,
            "unit": "ratio",
            "goal": "<= 1",
            "holds": steady_ratio <= 1,
            "detail": (
                f"median of {RUNS}: judging all {schools:,} schools by every criterion, "
                f"keeping what changed (the nightly run, and any run after the first) "
                f"{steady_s * 1000:.0f} ms; one county ({len(one_county)} schools) "
                f"{county_s * 1000:.0f} ms; {scanned}; {len(queries)} queries a run"
            ),
        },
        "dispatch_build_vs_person_scan": {
            "value": build_ratio,
            "unit": "ratio",
            "goal": "<= 1.5",
            "holds": build_ratio <= 1.5,
            "detail": (
                f"median of {RUNS}: building the day's report from the kept counts "
                f"{build_s * 1000:.0f} ms (its PDF, rendered once after, "
                f"{pdf_s * 1000:.0f} ms); {scanned}"
            ),
        },
        "readiness_first_compute_vs_person_scan": {
            "value": cold_ratio,
            "unit": "ratio",
            "goal": "<= 1",
            "holds": cold_ratio <= 1,
            "detail": (
                f"median of {RUNS}: the same with every school's judgement written anew "
                f"({schools:,} rows of {len(criteria.registry())} criteria) "
                f"{cold_s * 1000:.0f} ms; "
                f"{scanned}; {ReadinessChange.objects.count():,} changes kept"
            ),
        },
    }
