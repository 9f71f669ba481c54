"""The demo data show every state of the work."""

from __future__ import annotations

from inspections.models import Finding, RectificationNotice, RectificationReport, Visit


def test_seeded_findings_show_every_state(db):
    from inspections import demo as inspections_demo
    from readiness import demo as readiness_demo

    readiness_demo.seed(schools=120)
    inspections_demo.seed(schools=120)
    assert {"open", "reported", "closed"} <= set(Finding.objects.values_list("status", flat=True))
    assert RectificationReport.objects.filter(decision="rejected").exists()
    assert Visit.objects.filter(status="planned").exists() and RectificationNotice.objects.exists()
