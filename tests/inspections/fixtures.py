"""Inspection fixtures: areas and aspects, a squad for county A and one for county B."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import Aspect, InspectionSquad, KeyArea
from readiness.models import User
from tests.factories import UserFactory


@pytest.fixture
def areas(db):
    names = [
        ("gate", "校门口"),
        ("classroom", "教室"),
        ("infirmary", "医务室"),
        ("canteen", "食堂"),
        ("dormitory", "宿舍"),
    ]
    return {
        code: KeyArea.objects.create(code=code, name=name, order=i)
        for i, (code, name) in enumerate(names)
    }


@pytest.fixture
def aspects(db):
    names = [("online", "线上学业指导"), ("preparation", "开学筹备"), ("screening", "人员排查")]
    return {
        code: Aspect.objects.create(code=code, name=name, order=i)
        for i, (code, name) in enumerate(names)
    }


def make_squad(name, county, prefix):
    squad = InspectionSquad.objects.create(name=name)
    squad.counties.add(county)
    leader = UserFactory(
        username=f"{prefix}-leader", role=User.Role.INSPECTOR, full_name=f"{name}组长"
    )
    member = UserFactory(
        username=f"{prefix}-member", role=User.Role.INSPECTOR, full_name=f"{name}组员"
    )
    squad.members.add(leader, member)
    squad.leader = leader
    squad.save()
    return squad


@pytest.fixture
def squad_a(county_a):
    return make_squad("督查第1组", county_a, "sqa")


@pytest.fixture
def squad_b(county_b):
    return make_squad("督查第6组", county_b, "sqb")


@pytest.fixture
def inspector_a(squad_a):
    return squad_a.leader


@pytest.fixture
def planned_visit(inspector_a, squad_a, school_a):
    return services.visit_plan(
        actor=inspector_a, squad=squad_a, schools=[school_a], planned_on=timezone.localdate()
    )[0]


@pytest.fixture
def recorded_visit(planned_visit, inspector_a, squad_a):
    return services.visit_record(
        actor=inspector_a,
        visit=planned_visit,
        visited_at=timezone.now() - dt.timedelta(hours=2),
        present=list(squad_a.members.all()),
    )


@pytest.fixture
def finding(recorded_visit, inspector_a, areas):
    return services.finding_add(
        actor=inspector_a,
        visit=recorded_visit,
        description="测温点无人值守",
        severity="major",
        requirement="安排专人值守并登记",
        key_area=areas["gate"],
    )
