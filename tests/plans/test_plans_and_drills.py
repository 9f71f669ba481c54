"""Return plans (开学返校工作预案) and drills (演练观摩), with their rules and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from plans import selectors, services
from plans.models import ReopeningPlan
from readiness.models import School
from tests.readiness.factories import SchoolFactory, UserFactory, pdf_bytes

PDF = pdf_bytes()


def save(contact, school, **extra):
    data = {
        "factors": ["risk", "grade", "nonsense"],
        "considerations": "高三先返校，寄宿生分批",
        "stages": [("高三", timezone.localdate() + dt.timedelta(days=3))],
        "parts": [("校门管理", "王校长", "13800000000")],
        "emergency_plan": ("预案.pdf", PDF),
        **extra,
    }
    return services.plan_save(actor=contact, school=school, **data)


def test_a_school_writes_and_submits_its_plan(school_contact_a, school_a):
    plan = save(school_contact_a, school_a)
    assert plan.factors == ["risk", "grade"]
    plan = ReopeningPlan.objects.get()
    assert (plan.school, plan.factors, plan.considerations, plan.status) == (
        school_a,
        ["risk", "grade"],
        "高三先返校，寄宿生分批",
        "draft",
    )
    assert list(plan.stages.values_list("grades", "return_on")) == [
        ("高三", timezone.localdate() + dt.timedelta(days=3))
    ]
    assert list(plan.parts.values_list("part", "person", "phone")) == [
        ("校门管理", "王校长", "13800000000")
    ]
    with plan.emergency_plan.open("rb") as handle:
        assert handle.read() == PDF
    plan = services.plan_submit(actor=school_contact_a, plan=plan)
    assert plan.status == "submitted"
    with pytest.raises(ValidationError):
        save(school_contact_a, school_a)


def test_an_incomplete_plan_cannot_be_submitted(school_contact_a, school_a):
    plan = save(school_contact_a, school_a, parts=[], emergency_plan=None)
    with pytest.raises(ValidationError, match="责任"):
        services.plan_submit(actor=school_contact_a, plan=plan)


def test_the_emergency_plan_must_be_a_pdf(school_contact_a, school_a):
    with pytest.raises(ValidationError):
        save(school_contact_a, school_a, emergency_plan=("预案.pdf", b"<html>"))


def test_another_school_cannot_write_the_plan(make_user, school_a, county_a):
    other = make_user("school", school=SchoolFactory(county=county_a))
    with pytest.raises(PermissionDenied):
        save(other, school_a)


def test_the_county_approves_or_returns_with_a_reason(
    school_contact_a, school_a, official_a, official_b
):
    plan = services.plan_submit(actor=school_contact_a, plan=save(school_contact_a, school_a))
    with pytest.raises(PermissionDenied):
        services.plan_decide(actor=official_b, plan=plan, approve=True)
    with pytest.raises(ValidationError):
        services.plan_decide(actor=official_a, plan=plan, approve=False, reason=" ")
    plan = services.plan_decide(actor=official_a, plan=plan, approve=False, reason="未考虑生源地")
    assert (plan.status, plan.return_reason) == ("returned", "未考虑生源地")
    plan = services.plan_submit(actor=school_contact_a, plan=save(school_contact_a, school_a))
    assert services.plan_decide(actor=official_a, plan=plan, approve=True).status == "approved"


def test_plan_pages_are_scoped(login, school_contact_a, school_a, official_a, official_b):
    plan = save(school_contact_a, school_a)
    assert login(official_a).get(reverse("plan_detail", args=[plan.pk])).status_code == 200
    assert login(official_b).get(reverse("plan_detail", args=[plan.pk])).status_code == 404
    assert login(official_b).get(reverse("plan_file", args=[plan.pk])).status_code == 404


def test_the_school_saves_its_plan_on_the_page(login, school_contact_a, school_a):
    client = login(school_contact_a)
    response = client.post(
        reverse("plan_mine"),
        {
            "factors": ["risk"],
            "considerations": "分批返校",
            "grades": ["初三", ""],
            "return_on": ["2030-03-01", ""],
            "part": ["食堂", ""],
            "person": ["李主任", ""],
            "phone": ["", ""],
            "emergency_plan": SimpleUploadedFile("预案.pdf", PDF),
            "submit": "1",
        },
    )
    assert response.status_code == 302
    assert ReopeningPlan.objects.get().status == "submitted"
    plan = ReopeningPlan.objects.get()
    assert (plan.school, plan.factors, plan.considerations) == (school_a, ["risk"], "分批返校")
    assert list(plan.stages.values_list("grades", "return_on")) == [
        ("初三", dt.date(2030, 3, 1))
    ]  # the empty second lines are no stage and no part
    assert list(plan.parts.values_list("part", "person", "phone")) == [("食堂", "李主任", "")]
    with plan.emergency_plan.open("rb") as handle:
        assert handle.read() == PDF


def test_drills_count_high_school_principals(city_staff, county_a, city_school_a):
    highs = SchoolFactory.create_batch(3, county=county_a, level=School.Level.HIGH)
    services.drill_record(
        actor=city_staff, kind="drill", title="开学疫情防控应急演练观摩", on_date=timezone.localdate(),
        host=city_school_a, attendees=highs[:2],
    )  # fmt: skip
    [row] = selectors.principal_coverage(user=city_staff)
    assert (row["high_schools"], row["covered"]) == (4, 2)  # 临沂第四中学 is a high school too


def test_a_county_records_drills_only_with_its_schools(official_a, school_a, school_b):
    with pytest.raises(PermissionDenied):
        services.drill_record(
            actor=official_a,
            kind="training",
            title="培训",
            on_date=timezone.localdate(),
            host=school_a,
            attendees=[school_b],
        )


def test_a_drill_in_the_future_is_refused(city_staff, school_a):
    with pytest.raises(ValidationError):
        services.drill_record(
            actor=city_staff,
            kind="drill",
            title="演练",
            on_date=timezone.localdate() + dt.timedelta(days=1),
            host=school_a,
            attendees=[],
        )


@pytest.mark.parametrize("role", ["verifier", "inspector", "supplies", "school"])
def test_roles_without_the_right_cannot_record_drills(login, make_user, school_a, role):
    user = make_user(role, school=school_a if role == "school" else None)
    response = login(user).post(
        reverse("drills"),
        {"kind": "drill", "title": "x", "on_date": "2020-01-01", "host": school_a.code},
    )
    assert response.status_code == 403


def test_the_dispatch_report_counts_plans_and_drills(
    school_contact_a, school_a, city_staff, city_school_a
):
    from plans import dispatch

    services.plan_submit(actor=school_contact_a, plan=save(school_contact_a, school_a))
    services.drill_record(
        actor=city_staff,
        kind="drill",
        title="演练观摩",
        on_date=timezone.localdate(),
        host=city_school_a,
        attendees=[city_school_a],
    )
    section = dispatch.figures(timezone.localdate())
    assert section["plans"]["totals"]["submitted"] == 1
    assert section["drills"] == {
        "drills": 1,
        "trainings": 0,
        "high_schools": 1,
        "principals_covered": 1,
    }


def test_the_demo_covers_every_high_school_principal(db):
    from plans import demo as plans_demo
    from readiness import demo

    demo.seed(schools=120)
    plans_demo.seed(schools=120)
    rows = selectors.principal_coverage(user=UserFactory(role="city_staff"))
    assert sum(r["high_schools"] for r in rows) > 0
    assert all(r["covered"] == r["high_schools"] for r in rows)
    assert ReopeningPlan.objects.filter(status="approved").exists()


def test_another_countys_drills_are_not_listed(login, city_staff, official_b, school_a):
    services.drill_record(
        actor=city_staff,
        kind="training",
        title="兰山区培训",
        on_date=timezone.localdate(),
        host=school_a,
        attendees=[school_a],
    )
    body = login(official_b).get(reverse("drills")).content.decode()
    assert "兰山区培训" not in body


def test_the_plan_list_is_paged_and_keeps_its_filter(login, city_staff, county_a):
    """A city reader has a plan of every school (5,600 at full scale): 50 a page,
    the last page in as many queries as the first, and the status chosen from a
    dashboard figure kept from page to page."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.plans.factories import ReopeningPlanFactory

    for n in range(52):
        ReopeningPlanFactory(school=SchoolFactory(county=county_a, code=f"21370{n:05d}"),
                             status="submitted" if n < 51 else "draft")  # fmt: skip
    client = login(city_staff)
    url = reverse("plan_list")
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url + "?status=submitted").content.decode()
    assert len(re.findall(r'href="/plans/\d+/"', first)) == 50
    assert 'href="?status=submitted&amp;page=2"' in first
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url + "?status=submitted&page=2").content.decode()
    assert len(re.findall(r'href="/plans/\d+/"', second)) == 1  # 51 submitted, 50 a page
    assert len(second_queries) == len(first_queries)
    last = client.get(url + "?page=2").content.decode()
    assert len(re.findall(r'href="/plans/\d+/"', last)) == 2  # of 52
