"""A school's classes: entered, or counted from its students' person files."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from people.models import SchoolClass
from people.services import class_save, classes_from_files
from tests.people.factories import PersonFactory, SchoolClassFactory


def test_classes_are_counted_from_the_person_files(school_contact_a, school_a):
    for _n in range(3):
        PersonFactory(school=school_a, grade="一年级", class_name="1班", study_mode="day")
    PersonFactory(school=school_a, grade="一年级", class_name="2班", study_mode="boarding")
    PersonFactory(school=school_a, kind="staff", grade="", class_name="")
    kept = SchoolClassFactory(school=school_a, grade="一年级", name="1班", enrolled=40)
    assert classes_from_files(actor=school_contact_a, school=school_a) == (1, 1)
    kept.refresh_from_db()
    added = SchoolClass.objects.get(name="2班")
    assert (kept.enrolled, added.enrolled, added.boarding) == (3, 1, True)
    assert classes_from_files(actor=school_contact_a, school=school_a) == (0, 0)


def test_a_class_twice_or_without_pupils_is_refused_and_the_form_keeps_it(
    login, school_contact_a, school_a
):
    SchoolClassFactory(school=school_a, grade="一年级", name="1班")
    with pytest.raises(ValidationError) as refused:
        class_save(actor=school_contact_a, school=school_a, grade="一年级", name="1班", enrolled=0)
    assert set(refused.value.message_dict) == {"name", "enrolled"}
    response = login(school_contact_a).post(
        reverse("health_classes", args=[school_a.pk]),
        {"grade": "一年级", "name": "1班", "enrolled": "45", "head_teacher": "赵老师",
         "active": "on"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400 and "一年级1班已是本校的班级" in body
    assert 'value="赵老师"' in body and SchoolClass.objects.count() == 1


def test_another_county_sees_no_class(login, official_b, school_a):
    school_class = SchoolClassFactory(school=school_a)
    client = login(official_b)
    assert client.get(reverse("health_classes", args=[school_a.pk])).status_code == 404
    assert client.get(reverse("health_class", args=[school_class.pk])).status_code == 404
