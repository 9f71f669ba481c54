"""Verification fixtures: five departments, published rules, a city team and a
county team for county A, each with one member per department."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from readiness.models import User
from tests.factories import UserFactory
from verification import services
from verification.models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Department,
    TeamMember,
    VerificationTeam,
)

DEPARTMENTS = [
    ("education", "教育"),
    ("health", "卫健"),
    ("market", "市场监管"),
    ("hr", "人社"),
    ("sport", "体育"),
]


@pytest.fixture
def departments(db):
    return {
        code: Department.objects.create(code=code, name=name, order=i)
        for i, (code, name) in enumerate(DEPARTMENTS)
    }


def make_template(departments, *, items: int = 10, name: str = "核验细则") -> ChecklistTemplate:
    """Published rules: items spread over two sections and the five departments.

    Item 1 is a veto item of health; item 2 applies to boarding schools only;
    item 3 only to universities.
    """
    template = ChecklistTemplate.objects.create(name=name, version=1)
    gate = ChecklistSection.objects.create(template=template, code="gate", title="校门口", order=1)
    room = ChecklistSection.objects.create(template=template, code="room", title="教室", order=2)
    codes = list(departments)
    for n in range(1, items + 1):
        ChecklistItem.objects.create(
            template=template,
            section=gate if n <= items // 2 else room,
            code=f"{n:02d}",
            text=f"核验要求第{n}条",
            department=departments["health" if n == 1 else codes[n % len(codes)]],
            veto=n == 1,
            evidence_required=n == 4,
            boarding_only=n == 2,
            levels=["university"] if n == 3 else [],
            order=n,
        )
    return services.template_publish(template=template)


@pytest.fixture
def template(departments):
    return make_template(departments)


def staff(team, departments, prefix):
    members = {}
    for code, department in departments.items():
        user = UserFactory(
            username=f"{prefix}-{code}",
            role=User.Role.VERIFIER,
            county=team.county,
            full_name=f"{team.name}{department.name}组员",
        )
        TeamMember.objects.create(team=team, user=user, department=department)
        members[code] = user
    team.leader = members["education"]
    team.save()
    return members


@pytest.fixture
def county_team(county_a, departments):
    return VerificationTeam.objects.create(name="兰山区核验组", level="county", county=county_a)


@pytest.fixture
def county_members(county_team, departments):
    return staff(county_team, departments, "lanshan")


@pytest.fixture
def county_team_b(county_b, departments):
    team = VerificationTeam.objects.create(name="沂水县核验组", level="county", county=county_b)
    staff(team, departments, "yishui")
    return team


@pytest.fixture
def city_team(departments):
    team = VerificationTeam.objects.create(name="市级第一核验组", level="city")
    staff(team, departments, "city1")
    return team


@pytest.fixture
def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def verification(official_a, county_team, county_members, school_a, template, tomorrow):
    return services.verification_assign(
        actor=official_a, team=county_team, schools=[school_a], planned_on=tomorrow
    )[0]


def answer_all(verification, members, *, answer="pass", fail=()):
    """Answers every applicable item as the item's department member would."""
    from verification import selectors

    sheet = selectors.checklist(verification=verification)
    for row in sheet.rows:
        member = members[row.item.department.code]
        services.response_save(
            actor=member,
            verification=verification,
            item_id=row.item.pk,
            answer="fail" if row.item.code in fail else answer,
        )
    return sheet


JPEG = None


def jpeg_bytes() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def attach_required_evidence(verification, members):
    from verification import selectors

    for row in selectors.checklist(verification=verification).rows:
        if row.item.evidence_required:
            services.evidence_add(
                actor=members[row.item.department.code],
                verification=verification,
                item_id=row.item.pk,
                name="photo.jpg",
                data=jpeg_bytes(),
            )


def confirm_all(verification, members):
    from verification import selectors

    for part in selectors.checklist(verification=verification).departments:
        services.department_confirm(actor=members[part.department.code], verification=verification)


def complete(verification, members, *, fail=()):
    answer_all(verification, members, fail=fail)
    attach_required_evidence(verification, members)
    confirm_all(verification, members)
    return services.verification_submit(actor=members["hr"], verification=verification)
