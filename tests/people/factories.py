"""factory_boy factories of the ledger."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from people import idcard
from people.models import Person, PersonImport, SchoolClass
from tests.readiness.factories import SchoolFactory, UserFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True  # the hook below changes the counts, not the file

    school = factory.SubFactory(SchoolFactory)
    kind = Person.Kind.STUDENT
    name = factory.Sequence(lambda n: f"学生{n}")
    birth_date = dt.date(2008, 5, 17)
    id_number = factory.Sequence(
        lambda n: idcard.make("371302", dt.date(2008, 5, 17), n % 999 + 1)
    )
    gender = factory.LazyAttribute(lambda p: "M" if int(p.id_number[16]) % 2 else "F")

    @factory.post_generation
    def counted(person, create, extracted, **kwargs):
        """The school's kept counts follow, as after an import (the only way files are
        written): the ledger's pages read them for their page count."""
        if create:
            from people import screening

            screening._count([person.school_id])


class PersonImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonImport

    owner = factory.SubFactory(UserFactory)
    original_name = "名单.csv"


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    grade = "一年级"
    name = factory.Sequence(lambda n: f"{n + 1}班")
    head_teacher = "王老师"
    enrolled = 40


def reopened(school, *, days_ago: int = 10):
    """An approved return plan whose first group came back ``days_ago`` days ago."""
    from tests.plans.factories import PlanStageFactory, ReopeningPlanFactory

    plan = ReopeningPlanFactory(school=school, status="approved")
    PlanStageFactory(plan=plan, return_on=timezone.localdate() - dt.timedelta(days=days_ago))
    return plan
