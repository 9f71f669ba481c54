"""Each role's home is their to-do list: the items appear, the menu counts them,
and each leads to the page where it is done."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from tests.inspections.factories import FindingFactory, RectificationReportFactory, VisitFactory
from tests.plans.factories import ReopeningPlanFactory
from tests.readiness.factories import SchoolFactory
from tests.verification.factories import VerificationFactory

TODAY = timezone.localdate()


def test_a_school_contact_goes_from_the_list_to_the_finding(
    page_as, school_contact_a, school_a, squad_a
):
    visit = VisitFactory(squad=squad_a, school=school_a, recorded=True)
    FindingFactory(
        visit=visit, description="测温点无人值守", deadline=TODAY - dt.timedelta(days=1)
    )
    ReopeningPlanFactory(school=school_a, status="returned", return_reason="未明确隔离场所")
    page = page_as(school_contact_a)
    page.goto("/")
    todo = page.locator("#todo")
    expect(todo.locator("#todo-own_plan")).to_contain_text("返校预案已退回：未明确隔离场所")
    expect(todo.locator("#todo-findings_open .late")).to_contain_text("已逾期")
    expect(page.locator('nav a[data-nav="home"] .nav-badge')).to_have_text("2")
    expect(page.locator('nav a[data-nav="inspections"] .nav-badge')).to_have_text("1")
    todo.get_by_role("link", name="测温点无人值守").click()
    expect(page.locator("h1")).to_contain_text("测温点无人值守")
    page.goto("/")
    page.locator("#todo-own_plan").get_by_role(
        "link", name="返校预案已退回：未明确隔离场所"
    ).click()
    expect(page).to_have_url(f"{page.url.split('/plans')[0]}/plans/mine/")


def test_a_county_official_and_an_inspector_go_to_their_work(
    page_as, official_a, inspector_a, school_a, squad_a
):
    ReopeningPlanFactory(school=school_a, status="submitted", submitted_at=timezone.now())
    county = page_as(official_a, mobile=True)
    county.goto("/")
    county.locator("#todo-plans_to_decide").get_by_role("link", name=school_a.name).click()
    expect(county.locator("h1")).to_have_text(school_a.name)
    expect(county.get_by_role("button", name="审核通过")).to_be_visible()

    VisitFactory(squad=squad_a, school=school_a, planned_on=TODAY)
    RectificationReportFactory(finding__visit__squad=squad_a, finding__visit__school=school_a)
    inspector = page_as(inspector_a)
    inspector.goto("/")
    expect(inspector.locator('nav a[data-nav="inspections"] .nav-badge')).to_have_text("2")
    inspector.locator("#todo-visits_planned").get_by_role("link", name=school_a.name).click()
    expect(inspector.get_by_role("button", name="登记督查")).to_be_visible()


def test_a_team_member_and_the_leader_go_to_their_verifications(
    page_as, county_team, county_members, school_a, county_a, template
):
    later = SchoolFactory(county=county_a, name="兰山区第二实验小学")
    waiting = SchoolFactory(county=county_a, name="兰山区枣园小学")
    VerificationFactory(
        school=later, team=county_team, template=template, planned_on=TODAY + dt.timedelta(3)
    )
    VerificationFactory(
        school=school_a, team=county_team, template=template, planned_on=TODAY - dt.timedelta(1)
    )
    VerificationFactory(
        school=waiting, team=county_team, template=template, status="submitted",
        submitted_at=timezone.now(),
    )  # fmt: skip

    member = page_as(county_members["health"], mobile=True)
    member.goto("/")
    assigned = member.locator("#todo-verifications_assigned li")
    # By date, the late one first and marked late; the one waiting for the leader is
    # no longer the member's to do.
    expect(assigned).to_have_count(2)
    expect(assigned.nth(0)).to_contain_text(school_a.name)
    expect(assigned.nth(0).locator(".late")).to_be_visible()
    expect(assigned.nth(1)).to_contain_text(later.name)
    expect(member.locator("#todo-verifications_to_approve")).to_have_count(0)
    assigned.nth(0).get_by_role("link", name=school_a.name).click()
    expect(member.locator("h1")).to_contain_text(school_a.name)

    leader = page_as(county_members["education"])
    leader.goto("/")
    expect(leader.locator('nav a[data-nav="verification"] .nav-badge')).to_have_text("3")
    leader.locator("#todo-verifications_to_approve").get_by_role("link", name=waiting.name).click()
    expect(leader.locator("h1")).to_contain_text(waiting.name)
    expect(leader.get_by_role("button", name="审核通过")).to_be_visible()


def test_the_city_bureau_sees_what_waits_for_the_city_then_the_dashboard(
    page_as, city_staff, city_school_a, school_a, city_team, template
):
    ReopeningPlanFactory(school=city_school_a, status="submitted", submitted_at=timezone.now())
    ReopeningPlanFactory(school=school_a, status="submitted", submitted_at=timezone.now())
    VerificationFactory(
        school=city_school_a, team=city_team, template=template, status="submitted",
        submitted_at=timezone.now(),
    )  # fmt: skip

    page = page_as(city_staff)
    page.goto("/")
    plans = page.locator("#todo-plans_to_decide")
    expect(plans).to_contain_text(city_school_a.name)
    expect(plans).not_to_contain_text(school_a.name)  # the county decides its own schools
    city = page.locator("#todo-city_verifications_waiting")
    city.get_by_role("link", name=city_school_a.name).click()
    expect(page.locator("h1")).to_contain_text(city_school_a.name)

    page.goto("/")
    plans.get_by_role("link", name=city_school_a.name).click()
    expect(page.locator("h1")).to_have_text(city_school_a.name)
    expect(page.get_by_role("button", name="审核通过")).to_be_visible()

    page.goto("/")
    page.get_by_role("link", name="打开调度看板").click()
    expect(page).to_have_url(f"{page.url.split('/dashboard')[0]}/dashboard/")
