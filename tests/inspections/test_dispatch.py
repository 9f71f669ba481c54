"""This app's section of the daily dispatch report: recorded work only."""

from __future__ import annotations

from django.utils import timezone

from inspections import dispatch


def test_a_planned_visit_is_left_out_of_the_dispatch_report(planned_visit):
    section = dispatch.figures(timezone.localdate())
    assert section["totals"]["visits"] == 0 and section["totals"]["counties_inspected"] == 0


def test_the_dispatch_section_counts_recorded_work(finding):
    section = dispatch.figures(timezone.localdate())
    assert section["totals"]["counties_inspected"] == 1 and section["totals"]["open"] == 1
    assert (
        section["by_place"]["校门口"]["open"] == 1 and section["by_severity"]["major"]["open"] == 1
    )


def test_the_dispatch_page_shows_inspections(login, task_force, finding):
    from readiness import services as readiness_services

    report = readiness_services.dispatch_report_build(on_date=timezone.localdate())
    body = login(task_force).get(f"/dispatch/{report.on_date}/").content.decode()
    assert 'id="dispatch-inspections"' in body
