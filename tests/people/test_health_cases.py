"""Illness cases: a person of the school's files, masked; followed until they are
back, cleared; bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from people.models import IllnessCase
from people.services import CaseInput, case_close, case_open
from tests.people.factories import PersonFactory, reopened

TODAY = timezone.localdate()


@pytest.fixture
def pupil(school_a):
    reopened(school_a)
    return PersonFactory(school=school_a, name="李小明", grade="一年级", class_name="1班")


def test_a_case_names_a_pupil_of_the_school_masked(login, school_contact_a, school_a, pupil):
    client = login(school_contact_a)
    form = client.get(reverse("health_case_new", args=[school_a.pk])).content.decode()
    masked = f"{pupil.id_number[:4]}**********{pupil.id_number[-4:]}"
    assert f"李小明 · {masked} · 一年级1班" in form and pupil.id_number not in form
    response = client.post(
        reverse("health_case_new", args=[school_a.pk]),
        {"person": pupil.pk, "symptoms": ["fever", "cough"], "onset_on": TODAY.isoformat(),
         "saw_doctor": "on", "diagnosis": "", "isolation": "home"},
    )  # fmt: skip
    case = IllnessCase.objects.get()
    assert response.status_code == 302 and response.url == reverse("health_case", args=[case.pk])
    assert (case.person, case.symptoms, case.saw_doctor, case.status) == (
        pupil, ["fever", "cough"], True, "open",
    )  # fmt: skip
    page = client.get(response.url).content.decode()
    assert masked in page and pupil.id_number not in page and "发热" in page


def test_a_person_of_another_school_is_refused_and_what_was_typed_kept(
    login, school_contact_a, school_a, school_b, pupil
):
    stranger = PersonFactory(school=school_b)
    response = login(school_contact_a).post(
        reverse("health_case_new", args=[school_a.pk]),
        {"person": stranger.pk, "symptoms": ["rash"], "onset_on": TODAY.isoformat(),
         "diagnosis": "水痘", "isolation": "home"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400 and "请从本校人员档案中选择人员" in body
    assert 'value="水痘"' in body and re.search(r'value="rash"[^>]*checked', body)
    assert not IllnessCase.objects.exists()
    with pytest.raises(ValidationError) as refused:
        case_open(
            actor=school_contact_a, school=school_a,
            data=CaseInput(stranger.pk, ("rash",), TODAY),
        )  # fmt: skip
    assert "person" in refused.value.message_dict


def test_an_onset_after_today_is_refused(school_contact_a, school_a, pupil):
    with pytest.raises(ValidationError) as refused:
        case_open(
            actor=school_contact_a, school=school_a,
            data=CaseInput(pupil.pk, ("fever",), TODAY + dt.timedelta(days=1)),
        )  # fmt: skip
    assert refused.value.message_dict["onset_on"] == ["发病日期不能晚于今天。"]


def test_a_case_closes_with_the_return_and_who_cleared_it(school_contact_a, school_a, pupil):
    onset = TODAY - dt.timedelta(days=5)
    case = case_open(
        actor=school_contact_a, school=school_a, data=CaseInput(pupil.pk, ("fever",), onset)
    )
    with pytest.raises(ValidationError) as refused:
        case_close(
            actor=school_contact_a, case=case, return_on=onset - dt.timedelta(days=1),
            clearance="",
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"return_on", "clearance"}
    case.refresh_from_db()
    assert case.status == "open"
    case = case_close(
        actor=school_contact_a, case=case, return_on=TODAY, clearance="县医院复课证明"
    )
    assert (case.status, case.return_on, case.clearance) == ("closed", TODAY, "县医院复课证明")
    assert [h.status for h in case.history.order_by("history_id")] == ["open", "closed"]


def test_the_county_follows_its_cases_and_no_other(
    login, school_contact_a, school_a, pupil, official_a, official_b
):
    case = case_open(
        actor=school_contact_a, school=school_a, data=CaseInput(pupil.pk, ("fever",), TODAY)
    )
    assert pupil.name in login(official_a).get(reverse("health_cases")).content.decode()
    assert login(official_b).get(reverse("health_case", args=[case.pk])).status_code == 404
    assert pupil.name not in login(official_b).get(reverse("health_cases")).content.decode()
    with pytest.raises(PermissionDenied):
        case_close(actor=official_b, case=case, return_on=TODAY, clearance="x")
