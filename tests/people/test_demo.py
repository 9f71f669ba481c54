"""Demo person files."""

from __future__ import annotations

import datetime as dt

from people import demo as people_demo
from people import idcard
from people.models import Person
from readiness import demo


def test_seed_people_writes_valid_unique_files_once(db):
    demo.seed(schools=40)
    assert people_demo.seed_people(total=3000) > 2900
    numbers = list(Person.objects.values_list("id_number", flat=True))
    assert len(numbers) == len(set(numbers))
    for value in numbers[:200]:
        idcard.parse(value, today=dt.date.today())
    assert people_demo.seed_people(total=3000) == 0
