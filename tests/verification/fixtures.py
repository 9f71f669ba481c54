"""Verification fixtures: five departments, published rules, a city team and a
county team for county A, each with one member per department; and the helpers
that walk a verification through its workflow with the services.

Loaded by tests/conftest.py as a plugin, so the browser tests share them.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone

from verification import selectors, services
from verification.models import ChecklistTemplate, Verification, VerificationTeam

from .factories import (
    ChecklistItemFactory,
    ChecklistSectionFactory,
    ChecklistTemplateFactory,
    DepartmentFactory,
    TeamMemberFactory,
    VerificationTeamFactory,
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
        code: DepartmentFactory(code=code, name=name, order=i)
        for i, (code, name) in enumerate(DEPARTMENTS)
    }


def make_template(departments, *, items: int = 10, name: str = "核验细则") -> ChecklistTemplate:
    """Published rules: items spread over two sections and the five departments.

    Item 1 is a veto item of health; item 2 applies to boarding schools only;
    item 3 only to universities; item 4 needs evidence.
    """
    template = ChecklistTemplateFactory(name=name, version=1)
    gate = ChecklistSectionFactory(template=template, code="gate", title="校门口", order=1)
    room = ChecklistSectionFactory(template=template, code="room", title="教室", order=2)
    codes = list(departments)
    for n in range(1, items + 1):
        ChecklistItemFactory(
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


def staff(team: VerificationTeam, departments, prefix: str) -> dict:
    """One member per department, named ``<prefix>-<department>``; education leads."""
    members = {
        code: TeamMemberFactory(
            team=team,
            department=department,
            user__username=f"{prefix}-{code}",
            user__full_name=f"{team.name}{department.name}组员",
        ).user
        for code, department in departments.items()
    }
    team.leader = members["education"]
    team.save()
    return members


@pytest.fixture
def county_team(county_a, departments):
    return VerificationTeamFactory(name="兰山区核验组", county=county_a)


@pytest.fixture
def county_members(county_team, departments):
    return staff(county_team, departments, "lanshan")


@pytest.fixture
def county_team_b(county_b, departments):
    team = VerificationTeamFactory(name="沂水县核验组", county=county_b)
    staff(team, departments, "yishui")
    return team


@pytest.fixture
def city_team(departments):
    team = VerificationTeamFactory(name="市级第一核验组", level="city", county=None)
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


def answer_all(verification: Verification, members, *, answer="pass", fail=()):
    """Answers every applicable item as the item's department member would."""
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


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def attach_required_evidence(verification: Verification, members) -> None:
    for row in selectors.checklist(verification=verification).rows:
        if row.item.evidence_required:
            services.evidence_add(
                actor=members[row.item.department.code],
                verification=verification,
                item_id=row.item.pk,
                name="photo.jpg",
                data=jpeg_bytes(),
            )


def confirm_all(verification: Verification, members) -> None:
    for part in selectors.checklist(verification=verification).departments:
        services.department_confirm(actor=members[part.department.code], verification=verification)


def complete(verification: Verification, members, *, fail=()) -> Verification:
    """Answered, evidenced, confirmed by every department and submitted."""
    answer_all(verification, members, fail=fail)
    attach_required_evidence(verification, members)
    confirm_all(verification, members)
    return services.verification_submit(actor=members["hr"], verification=verification)


def approved(verification: Verification, members, *, fail=()) -> Verification:
    """Completed and approved by the leader."""
    complete(verification, members, fail=fail)
    return services.verification_approve(
        actor=members["education"],
        verification=verification,
        reverify_due=timezone.localdate() + dt.timedelta(days=7),  # kept only if conditional
    )


def first_item(verification: Verification):
    """The first applicable item: item 01, health's veto item."""
    return selectors.checklist(verification=verification).rows[0].item


def answer(member, verification: Verification, item, value: str = "pass", **kwargs):
    return services.response_save(
        actor=member, verification=verification, item_id=item.pk, answer=value, **kwargs
    )
