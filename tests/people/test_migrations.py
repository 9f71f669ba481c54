"""The health checks written before they carried their county take their school's."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.readiness.test_migrations import migrate


@pytest.mark.django_db(transaction=True)
def test_existing_checks_and_their_history_take_their_schools_county():
    old = migrate(
        [("people", "0008_health_import_kind"), ("readiness", "0020_idempotent_requests")]
    )
    County = old.get_model("readiness", "County")
    School = old.get_model("readiness", "School")
    user = old.get_model("readiness", "User").objects.create(username="s", role="school_contact")
    lanshan = County.objects.create(code="371302", name="兰山区", kind="district")
    yishui = County.objects.create(code="371323", name="沂水县", kind="county")
    checks = {}
    for county, code in ((lanshan, "1137000001"), (yishui, "1137000002")):
        school = School.objects.create(code=code, name=code, county=county, level="high")
        school_class = old.get_model("people", "SchoolClass").objects.create(
            school=school, grade="高一", name="1班", enrolled=40
        )
        check = old.get_model("people", "HealthCheck").objects.create(
            school=school, school_class=school_class, on_date=dt.date(2026, 12, 1),
            session="morning", enrolled=40, entered_by=user,
        )  # fmt: skip
        old.get_model("people", "HistoricalHealthCheck").objects.create(
            id=check.pk, school=school, school_class=school_class, on_date=check.on_date,
            session="morning", enrolled=40, absent=0, absent_ill=0, fever=0, cough=0,
            diarrhoea=0, rash=0, other=0, entered_by=user, entered_at=check.entered_at,
            history_date=check.entered_at, history_type="+",
        )  # fmt: skip
        checks[check.pk] = county.pk

    new = migrate()

    for name in ("HealthCheck", "HistoricalHealthCheck"):
        rows = new.get_model("people", name).objects.values_list("id", "county_id")
        assert dict(rows) == checks
