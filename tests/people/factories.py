"""factory_boy factories of the ledger."""

from __future__ import annotations

import datetime as dt

import factory

from people import idcard
from people.models import Person, PersonImport
from tests.readiness.factories import SchoolFactory, UserFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    school = factory.SubFactory(SchoolFactory)
    kind = Person.Kind.STUDENT
    name = factory.Sequence(lambda n: f"学生{n}")
    birth_date = dt.date(2008, 5, 17)
    id_number = factory.Sequence(
        lambda n: idcard.make("371302", dt.date(2008, 5, 17), n % 999 + 1)
    )
    gender = factory.LazyAttribute(lambda p: "M" if int(p.id_number[16]) % 2 else "F")


class PersonImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonImport

    owner = factory.SubFactory(UserFactory)
    original_name = "名单.csv"
