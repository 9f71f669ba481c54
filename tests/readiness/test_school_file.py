"""A school's whole file (学校一校一档): each line of work's section, read in the
user's scope, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.screening import refresh
from plans.models import ReopeningPlan
from readiness.services import readiness_recompute
from supplies import services as supply_services
from tests.inspections.factories import FindingFactory, VisitFactory
from tests.people.factories import PersonFactory
from tests.plans.factories import ReopeningPlanFactory
from tests.supplies.fixtures import receive
from tests.verification.factories import VerificationFactory


def furnish(school, *, findings=1, people=4):
    """A verification passed, findings, a plan, person files and masks."""
    VerificationFactory(
        school=school,
        status="approved",
        result="passed",
        approved_at=timezone.now(),
        planned_on=dt.date(2026, 12, 1),
    )
    for n in range(findings):
        FindingFactory(school=school, visit__school=school, description=f"测温点无人值守{n}")
    ReopeningPlanFactory(school=school, status=ReopeningPlan.Status.APPROVED)
    for n in range(people):
        PersonFactory(school=school, screened_on=timezone.localdate() if n % 2 else None)
    refresh([school.pk])
    readiness_recompute(school_ids=[school.pk])


def test_the_whole_file_of_a_school(login, school_a, supplies_city, items, county_members):
    furnish(school_a)
    holder = supply_services.school_holder(school_a)
    receive(supplies_city, holder, items["mask"], "300", lot="KZ-1")
    page = login(supplies_city).get(reverse("school_file", args=[school_a.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    for fragment in (
        "一校一档",
        "开学条件逐项情况",
        "2026-12-01",  # the verification
        "测温点无人值守0",  # the finding
        "返校预案",
        'id="file-people"',
        "50.0%",  # 2 of 4 screened
        "口罩",
        "300 个",
    ):
        assert fragment in body, fragment
    # A verification team member has no sight of supplies: that section is left out.
    member = county_members["health"]
    body = login(member).get(reverse("school_file", args=[school_a.pk])).content.decode()
    assert "测温点无人值守0" in body and 'id="file-supplies-section"' not in body


def test_planned_visits_stay_secret_in_the_file(login, official_a, school_a):
    VisitFactory(school=school_a, summary="突击检查计划")  # planned, not recorded
    body = login(official_a).get(reverse("school_file", args=[school_a.pk])).content.decode()
    assert "突击检查计划" not in body


def test_another_county_and_another_school_are_refused(
    login, official_b, school_a, make_user, county_a
):
    from tests.readiness.factories import SchoolFactory

    other = make_user("school", school=SchoolFactory(county=county_a))
    for user in (official_b, other):
        response = login(user).get(reverse("school_file", args=[school_a.pk]))
        assert response.status_code == 404


def test_the_file_reads_in_a_fixed_number_of_queries(login, city_staff, county_a, items):
    from tests.readiness.factories import SchoolFactory

    client = login(city_staff)

    def queries(findings, people):
        school = SchoolFactory(county=county_a)
        furnish(school, findings=findings, people=people)
        client.get(reverse("school_file", args=[school.pk]))  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("school_file", args=[school.pk]))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    # Session, user, school; readiness: policy, judgement, history (3); verifications;
    # visits, findings; plan, drills; screening counts; supplies: holder, the five
    # of the stock, shipments, requests (8) — 20, whatever the school holds.
    assert queries(1, 2) == queries(6, 10) == 20
