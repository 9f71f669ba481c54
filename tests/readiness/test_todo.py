"""Each role's home is their to-do list: what waits, each a link to where it is
done, counted in the menu's badges; nothing of another county or school."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from plans.models import ReopeningPlan
from readiness.models import School
from tests.inspections.factories import FindingFactory, RectificationReportFactory, VisitFactory
from tests.people.factories import PersonFactory
from tests.plans.factories import ReopeningPlanFactory
from tests.readiness.factories import SchoolFactory
from tests.verification.factories import VerificationFactory

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()  # the badges are kept a minute per user


def groups(response) -> dict:
    return {g.key: g for g in response.context["todo"]}


def test_a_school_contact_sees_what_to_fix_and_where(
    login, school_contact_a, school_a, school_b, squad_a, squad_b, areas
):
    visit = VisitFactory(squad=squad_a, school=school_a, recorded=True)
    late = FindingFactory(
        visit=visit, description="测温点无人值守", deadline=TODAY - dt.timedelta(days=2)
    )
    FindingFactory(visit=visit, description="已整改的问题", status="closed")
    FindingFactory(description="别校的问题", visit__school=school_b, visit__squad=squad_b)
    ReopeningPlanFactory(school=school_a, status="returned", return_reason="未明确隔离场所")
    VerificationFactory(
        school=school_a, status="approved", result="conditional",
        reverify_due=TODAY + dt.timedelta(days=5),
    )  # fmt: skip
    PersonFactory.create_batch(3, school=school_a)
    PersonFactory(school=school_a, screened_on=TODAY)
    PersonFactory(school=school_b)

    response = login(school_contact_a).get(reverse("home"))
    todo = groups(response)
    assert set(todo) == {"findings_open", "own_plan", "reverification_due", "people_unscreened"}
    assert [t.text for t in todo["findings_open"].tasks] == ["测温点无人值守"]
    task = todo["findings_open"].tasks[0]
    assert (task.url, task.when, task.late) == (
        reverse("finding_detail", args=[late.pk]),
        late.deadline,
        True,
    )
    assert todo["own_plan"].tasks[0].text == "返校预案已退回：未明确隔离场所"
    assert todo["own_plan"].tasks[0].url == reverse("plan_mine")
    assert todo["reverification_due"].tasks[0].when == TODAY + dt.timedelta(days=5)
    assert todo["people_unscreened"].count == 3
    assert todo["people_unscreened"].url == reverse("people") + "?screened=false"
    body = response.content.decode()
    assert "测温点无人值守" in body and "别校的问题" not in body
    counts = login(school_contact_a).get(reverse("todo_counts")).json()
    assert counts == {"inspections": 1, "plans": 1, "verification": 1, "people": 3, "home": 6}


def test_an_approved_plan_is_shown_but_does_not_wait(login, school_contact_a, school_a):
    ReopeningPlanFactory(school=school_a, status=ReopeningPlan.Status.APPROVED)
    todo = groups(login(school_contact_a).get(reverse("home")))
    assert todo["own_plan"].waits is False and todo["own_plan"].tasks[0].text == "已审核"
    assert login(school_contact_a).get(reverse("todo_counts")).json() == {"home": 0}


def test_a_county_official_sees_plans_to_approve_and_overdue_work_of_the_county_only(
    login, official_a, county_a, school_a, school_b, squad_a
):
    waiting = ReopeningPlanFactory(
        school=school_a, status="submitted", submitted_at=timezone.now()
    )
    ReopeningPlanFactory(school=school_b, status="submitted", submitted_at=timezone.now())
    city_direct = SchoolFactory(county=county_a, jurisdiction=School.Jurisdiction.CITY)
    ReopeningPlanFactory(school=city_direct, status="submitted", submitted_at=timezone.now())
    late = FindingFactory(
        visit__school=school_a, visit__squad=squad_a, deadline=TODAY - dt.timedelta(days=1)
    )
    FindingFactory(visit__school=school_b, deadline=TODAY - dt.timedelta(days=1))
    overdue = VerificationFactory(school=school_a, planned_on=TODAY - dt.timedelta(days=3))
    VerificationFactory(school=school_b, planned_on=TODAY - dt.timedelta(days=3))

    todo = groups(login(official_a).get(reverse("home")))
    assert [t.url for t in todo["plans_to_decide"].tasks] == [
        reverse("plan_detail", args=[waiting.pk])
    ]
    assert todo["plans_to_decide"].url == reverse("plan_list") + "?status=submitted"
    assert [t.url for t in todo["findings_overdue"].tasks] == [
        reverse("finding_detail", args=[late.pk])
    ]
    assert [t.url for t in todo["verifications_overdue"].tasks] == [
        reverse("verification_detail", args=[overdue.pk])
    ]
    assert todo["verifications_overdue"].tasks[0].late is True


def test_the_city_bureau_sees_the_city_direct_plans(login, city_staff, county_a, school_a):
    ReopeningPlanFactory(school=school_a, status="submitted", submitted_at=timezone.now())
    city_direct = SchoolFactory(county=county_a, jurisdiction=School.Jurisdiction.CITY)
    plan = ReopeningPlanFactory(
        school=city_direct, status="submitted", submitted_at=timezone.now()
    )
    response = login(city_staff).get(reverse("home"))
    todo = groups(response)
    assert [t.url for t in todo["plans_to_decide"].tasks] == [
        reverse("plan_detail", args=[plan.pk])
    ]
    assert reverse("dashboard") in response.content.decode()


def test_a_team_member_sees_assignments_by_date_and_the_leader_approvals(
    login, county_team, county_members, school_a, county_a
):
    later = VerificationFactory(
        school=school_a, team=county_team, planned_on=TODAY + dt.timedelta(days=4)
    )
    other = SchoolFactory(county=county_a)
    sooner = VerificationFactory(
        school=other, team=county_team, planned_on=TODAY + dt.timedelta(days=1)
    )
    third = SchoolFactory(county=county_a)
    waiting = VerificationFactory(
        school=third, team=county_team, status="submitted", submitted_at=timezone.now()
    )
    member = groups(login(county_members["health"]).get(reverse("home")))
    assert [t.url for t in member["verifications_assigned"].tasks] == [
        reverse("verification_detail", args=[v.pk]) for v in (sooner, later)
    ]
    assert "verifications_to_approve" not in member
    leader = groups(login(county_members["education"]).get(reverse("home")))
    assert [t.url for t in leader["verifications_to_approve"].tasks] == [
        reverse("verification_detail", args=[waiting.pk])
    ]


def test_an_inspector_sees_the_squad_s_visits_and_reports_to_accept(
    login, inspector_a, squad_a, squad_b, school_a, school_b
):
    planned = VisitFactory(squad=squad_a, school=school_a, planned_on=TODAY)
    VisitFactory(squad=squad_b, school=school_b, planned_on=TODAY)
    report = RectificationReportFactory(
        finding__visit__squad=squad_a, finding__visit__school=school_a
    )
    todo = groups(login(inspector_a).get(reverse("home")))
    assert [t.url for t in todo["visits_planned"].tasks] == [
        reverse("visit_detail", args=[planned.pk])
    ]
    assert [t.url for t in todo["reports_to_accept"].tasks] == [
        reverse("finding_detail", args=[report.finding_id])
    ]
    assert login(inspector_a).get(reverse("todo_counts")).json()["inspections"] == 2


def test_a_group_lists_five_and_links_to_all(login, school_contact_a, school_a, squad_a):
    visit = VisitFactory(squad=squad_a, school=school_a, recorded=True)
    for n in range(7):
        FindingFactory(visit=visit, deadline=TODAY + dt.timedelta(days=n))
    response = login(school_contact_a).get(reverse("home"))
    found = groups(response)["findings_open"]
    assert (found.count, len(found.tasks)) == (7, 5)
    assert [t.when for t in found.tasks] == [TODAY + dt.timedelta(days=n) for n in range(5)]
    assert "全部 7 项" in response.content.decode()


def test_an_import_that_did_not_go_through_stays_a_week_for_its_owner(
    login, official_a, official_b
):
    from tests.people.factories import PersonImportFactory

    mine = PersonImportFactory(owner=official_a, status="refused", original_name="兰山名单.xlsx")
    PersonImportFactory(owner=official_a, status="done", original_name="已导入.xlsx")
    PersonImportFactory(owner=official_b, status="failed", original_name="沂水名单.xlsx")
    old = PersonImportFactory(owner=official_a, status="failed", original_name="上月名单.xlsx")
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    todo = groups(login(official_a).get(reverse("home")))
    tasks = todo["people_imports_failed"].tasks
    assert [(t.text, t.url) for t in tasks] == [
        ("兰山名单.xlsx", reverse("people_import_status", args=[mine.pk]))
    ]
