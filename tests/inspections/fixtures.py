"""Inspection fixtures: areas and aspects, a squad for county A and one for county B,
a planned visit, a recorded visit and a finding, all built through the factories."""

from __future__ import annotations

import pytest

from inspections.models import Aspect, InspectionSquad, KeyArea
from inspections.services import CheckInput
from tests.inspections.factories import (
    AspectFactory,
    FindingFactory,
    InspectionSquadFactory,
    InspectorFactory,
    KeyAreaFactory,
    VisitFactory,
)

KEY_AREAS = [
    ("gate", "校门口"),
    ("classroom", "教室"),
    ("infirmary", "医务室"),
    ("canteen", "食堂"),
    ("dormitory", "宿舍"),
]
ASPECTS = [("online", "线上学业指导"), ("preparation", "开学筹备"), ("screening", "人员排查")]


@pytest.fixture
def areas(db):
    return {
        code: KeyAreaFactory(code=code, name=name, order=i)
        for i, (code, name) in enumerate(KEY_AREAS)
    }


@pytest.fixture
def aspects(db):
    return {
        code: AspectFactory(code=code, name=name, order=i)
        for i, (code, name) in enumerate(ASPECTS)
    }


def make_squad(name, county, prefix) -> InspectionSquad:
    """A squad of ``county`` with a leader ``<prefix>-leader`` and a member ``<prefix>-member``."""
    leader = InspectorFactory(username=f"{prefix}-leader", full_name=f"{name}组长")
    member = InspectorFactory(username=f"{prefix}-member", full_name=f"{name}组员")
    return InspectionSquadFactory(
        name=name, leader=leader, members=[leader, member], counties=[county]
    )


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
    return VisitFactory(squad=squad_a, school=school_a, planned_by=inspector_a)


@pytest.fixture
def recorded_visit(inspector_a, squad_a, school_a):
    """A visit of school A recorded two hours ago by the whole squad."""
    return VisitFactory(
        squad=squad_a,
        school=school_a,
        planned_by=inspector_a,
        recorded=True,
        present=list(squad_a.members.all()),
    )


@pytest.fixture
def finding(recorded_visit, inspector_a, areas):
    """An open major finding at the gate, with the default deadline of seven days."""
    return FindingFactory(
        visit=recorded_visit,
        description="测温点无人值守",
        severity="major",
        requirement="安排专人值守并登记",
        key_area=areas["gate"],
        created_by=inspector_a,
    )


def every_check(result: str = "ok", **by_code: tuple[str, str]) -> list[CheckInput]:
    """A result for every key area and aspect (``result`` unless ``by_code`` names
    another, as ``code=(result, note)``), as ``services.visit_record`` takes them."""
    checks = []
    for place in [*KeyArea.objects.all(), *Aspect.objects.all()]:
        given, note = by_code.get(place.code, (result, ""))
        area = place if isinstance(place, KeyArea) else None
        checks.append(
            CheckInput(result=given, note=note, key_area=area, aspect=None if area else place)
        )
    return checks


def every_result_posted(result: str = "ok") -> dict:
    """The visit form's fields with ``result`` for every key area and aspect."""
    return {
        **{f"area-{a.pk}": result for a in KeyArea.objects.all()},
        **{f"aspect-{a.pk}": result for a in Aspect.objects.all()},
    }
