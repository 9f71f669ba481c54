"""factory_boy factories of the verification app.

They build rows as they are stored; the workflow's transitions (publishing the
rules, assigning, answering, approving) are the services' to make, and tests that
need them call the services.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from readiness.models import User
from tests.readiness.factories import CountyFactory, SchoolFactory, UserFactory
from verification.models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Department,
    DepartmentSignoff,
    Response,
    TeamMember,
    Verification,
    VerificationTeam,
)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    order = factory.Sequence(lambda n: n)


class VerificationTeamFactory(factory.django.DjangoModelFactory):
    """A county's team; ``level="city", county=None`` for a city team."""

    class Meta:
        model = VerificationTeam

    name = factory.Sequence(lambda n: f"第{n}核验组")
    level = VerificationTeam.Level.COUNTY
    county = factory.SubFactory(CountyFactory)


class VerifierFactory(UserFactory):
    role = User.Role.VERIFIER


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(VerificationTeamFactory)
    user = factory.SubFactory(VerifierFactory, county=factory.SelfAttribute("..team.county"))
    department = factory.SubFactory(DepartmentFactory)


class ChecklistTemplateFactory(factory.django.DjangoModelFactory):
    """A draft version of the rules: ``services.template_publish`` publishes it."""

    class Meta:
        model = ChecklistTemplate

    name = factory.Sequence(lambda n: f"核验细则{n}")
    version = 1


class ChecklistSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistSection

    template = factory.SubFactory(ChecklistTemplateFactory)
    code = factory.Sequence(lambda n: f"s{n}")
    title = factory.Sequence(lambda n: f"章节{n}")
    order = factory.Sequence(lambda n: n)


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    section = factory.SubFactory(ChecklistSectionFactory)
    template = factory.SelfAttribute("section.template")
    code = factory.Sequence(lambda n: f"{n:02d}")
    text = factory.Sequence(lambda n: f"核验要求第{n}条")
    department = factory.SubFactory(DepartmentFactory)
    order = factory.Sequence(lambda n: n)


class VerificationFactory(factory.django.DjangoModelFactory):
    """A verification as assigned, for tests that only need one to exist (lists,
    query counts); ``services.verification_assign`` is the way the app makes one."""

    class Meta:
        model = Verification

    school = factory.SubFactory(SchoolFactory)
    team = factory.SubFactory(
        VerificationTeamFactory, county=factory.SelfAttribute("..school.county")
    )
    template = factory.SubFactory(ChecklistTemplateFactory)
    planned_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=1))


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    verification = factory.SubFactory(VerificationFactory)
    item = factory.SubFactory(
        ChecklistItemFactory, section__template=factory.SelfAttribute("...verification.template")
    )
    answer = Response.Answer.PASS
    answered_by = factory.SubFactory(VerifierFactory)


class DepartmentSignoffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentSignoff

    verification = factory.SubFactory(VerificationFactory)
    department = factory.SubFactory(DepartmentFactory)
    confirmed_by = factory.SubFactory(VerifierFactory)
