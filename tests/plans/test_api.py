"""/api/v1/plans/ and /api/v1/drills/: the same services and scope as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from plans.models import Drill, ReopeningPlan

from .factories import DrillFactory, PlanPartFactory, PlanStageFactory, ReopeningPlanFactory

PLAN = {
    "factors": ["risk", "grade"],
    "considerations": "高三先返校",
    "stages": [{"grades": "高三", "return_on": "2030-03-30"}],
    "parts": [{"part": "校门管理", "person": "王校长", "phone": "13800000000"}],
}


@pytest.fixture
def api(api_client):
    def as_user(user):
        api_client.force_authenticate(user)
        return api_client

    return as_user


def test_a_school_writes_its_plan(api, school_contact_a, school_a):
    response = api(school_contact_a).post("/api/v1/plans/", PLAN, format="json")
    assert response.status_code == 201, response.json()
    plan = ReopeningPlan.objects.get(school=school_a)
    assert (plan.status, plan.factors) == ("draft", ["risk", "grade"])
    assert list(plan.stages.values_list("grades", "return_on")) == [("高三", dt.date(2030, 3, 30))]
    assert response.json()["parts"] == PLAN["parts"]


def test_a_plan_without_its_emergency_plan_cannot_be_submitted(api, school_contact_a, school_a):
    plan = ReopeningPlanFactory(school=school_a)
    PlanStageFactory(plan=plan)
    PlanPartFactory(plan=plan)
    response = api(school_contact_a).post(f"/api/v1/plans/{plan.pk}/submit/")
    assert response.status_code == 400
    assert "应急预案" in str(response.json())
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_a_malformed_stage_is_refused_and_nothing_written(api, school_contact_a):
    bad = {**PLAN, "stages": [{"grades": "高三", "return_on": "2030-02-30"}]}
    response = api(school_contact_a).post("/api/v1/plans/", bad, format="json")
    assert response.status_code == 400
    assert "stages" in response.json()
    assert not ReopeningPlan.objects.exists()


def test_only_a_school_writes_a_plan(api, official_a):
    assert api(official_a).post("/api/v1/plans/", PLAN, format="json").status_code == 403


def test_the_county_returns_a_plan_with_a_reason(api, official_a, school_a):
    plan = ReopeningPlanFactory(school=school_a, status="submitted")
    client = api(official_a)
    refused = client.post(f"/api/v1/plans/{plan.pk}/decide/", {"decision": "return"})
    assert refused.status_code == 400
    returned = client.post(
        f"/api/v1/plans/{plan.pk}/decide/", {"decision": "return", "reason": "缺隔离场所"}
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "缺隔离场所"


def test_another_county_sees_no_plan_and_cannot_decide(api, official_b, school_a):
    plan = ReopeningPlanFactory(school=school_a, status="submitted")
    client = api(official_b)
    assert client.get("/api/v1/plans/").json()["count"] == 0
    assert client.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    decided = client.post(f"/api/v1/plans/{plan.pk}/decide/", {"decision": "approve"})
    assert decided.status_code == 404
    plan.refresh_from_db()
    assert plan.status == "submitted"


def test_another_school_cannot_submit_a_plan(api, make_user, school_a, county_a):
    from tests.readiness.factories import SchoolFactory

    other = make_user("school", school=SchoolFactory(county=county_a))
    plan = ReopeningPlanFactory(school=school_a)
    assert api(other).post(f"/api/v1/plans/{plan.pk}/submit/").status_code == 404


def test_the_plan_list_costs_the_same_for_more_plans(
    api, city_staff, county_a, django_assert_num_queries
):
    from tests.readiness.factories import SchoolFactory

    for _ in range(3):
        PlanStageFactory(plan=ReopeningPlanFactory(school=SchoolFactory(county=county_a)))
    client = api(city_staff)
    with django_assert_num_queries(4):  # count, page, stages, parts
        response = client.get("/api/v1/plans/")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    for _ in range(7):
        PlanPartFactory(plan=ReopeningPlanFactory(school=SchoolFactory(county=county_a)))
    with django_assert_num_queries(4):  # count, page, stages, parts
        response = client.get("/api/v1/plans/")
    assert response.status_code == 200
    assert response.json()["count"] == 10


def test_a_county_records_a_drill_by_school_codes(api, official_a, school_a, county_a):
    from tests.readiness.factories import SchoolFactory

    other = SchoolFactory(county=county_a)
    today = timezone.localdate().isoformat()
    response = api(official_a).post(
        "/api/v1/drills/",
        {"kind": "training", "title": "全员培训", "on_date": today, "host": school_a.code,
         "attendees": [school_a.code, other.code]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    drill = Drill.objects.get()
    assert set(drill.attendees.all()) == {school_a, other}


def test_a_drill_with_another_countys_school_is_refused(api, official_a, school_a, school_b):
    today = timezone.localdate().isoformat()
    response = api(official_a).post(
        "/api/v1/drills/",
        {"kind": "drill", "title": "演练", "on_date": today, "host": school_a.code,
         "attendees": [school_b.code]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert school_b.code in str(response.json())
    assert not Drill.objects.exists()


def test_a_school_may_not_record_a_drill(api, school_contact_a, school_a):
    today = timezone.localdate().isoformat()
    response = api(school_contact_a).post(
        "/api/v1/drills/",
        {"kind": "drill", "title": "演练", "on_date": today, "host": school_a.code},
        format="json",
    )
    assert response.status_code == 403
    assert not Drill.objects.exists()


def test_drills_of_another_county_are_not_listed(api, official_b, school_a):
    DrillFactory(host=school_a, attendees=[school_a])
    assert api(official_b).get("/api/v1/drills/").json()["count"] == 0
