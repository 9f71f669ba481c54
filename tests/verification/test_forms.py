"""The pages' forms: each turns what was posted into typed values, or says what is wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from verification import forms
from verification.services import EVIDENCE_MAX_BYTES


def errors(form) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def test_an_answer_is_cleaned_into_numbers():
    form = forms.AnswerForm({"item": "7", "answer": "fail", "note": " 无留观区 ", "revision": "2"})
    assert form.is_valid()
    assert form.cleaned_data == {"item": 7, "answer": "fail", "note": "无留观区", "revision": 2}
    assert form.item_pk == 7


@pytest.mark.parametrize("item", ["", "abc", "0", "-3", "1e3", str(2**64)])
def test_an_item_that_is_not_an_id_means_the_page_is_out_of_date(item):
    form = forms.AnswerForm({"item": item, "answer": "pass", "revision": "0"})
    assert errors(form) == {"item": [str(forms.OUT_OF_DATE)]}
    assert form.item_pk is None


def test_a_negative_revision_means_the_page_is_out_of_date():
    form = forms.AnswerForm({"item": "7", "answer": "pass", "revision": "-1"})
    assert errors(form) == {"revision": [str(forms.OUT_OF_DATE)]}


@pytest.mark.parametrize("answer", ["", "maybe"])
def test_an_answer_other_than_pass_fail_or_na_is_refused(answer):
    form = forms.AnswerForm({"item": "7", "answer": answer, "revision": "0"})
    assert list(errors(form)) == ["answer"]
    assert form.item_pk == 7  # the refusal is shown beside item 7


def test_evidence_needs_a_file():
    form = forms.EvidenceForm({"item": "7"}, {})
    assert list(errors(form)) == ["file"]


def test_evidence_over_10_mb_is_refused_before_it_is_read():
    big = SimpleUploadedFile("big.jpg", b"\0" * (EVIDENCE_MAX_BYTES + 1))
    form = forms.EvidenceForm({"item": "7"}, {"file": big})
    assert list(errors(form)) == ["file"]


def test_the_due_date_of_an_approval_is_optional():
    form = forms.ApproveForm({"reverify_due": ""})
    assert form.is_valid() and form.cleaned_data == {"reverify_due": None}


@pytest.mark.parametrize("value", ["2030-02-31", "next week", "31/12/2030"])
def test_a_malformed_due_date_is_refused_not_ignored(value):
    form = forms.ApproveForm({"reverify_due": value})
    assert list(errors(form)) == ["reverify_due"]
    assert f'value="{value}"' in str(form["reverify_due"])  # kept as typed


def test_a_due_date_is_a_date():
    form = forms.ApproveForm({"reverify_due": "2030-03-01"})
    assert form.is_valid() and form.cleaned_data["reverify_due"] == dt.date(2030, 3, 1)


def test_the_date_pickers_start_at_the_first_date_the_service_accepts():
    today = timezone.localdate()
    assert f'min="{today + dt.timedelta(days=1)}"' in str(forms.ApproveForm()["reverify_due"])
    assert f'min="{today}"' in str(forms.ReverifyForm()["planned_on"])


def test_a_reverification_needs_a_date():
    assert errors(forms.ReverifyForm({"planned_on": ""})) == {
        "planned_on": [str(forms.PLANNED_DATE)]
    }


def test_a_blank_reason_for_returning_is_refused():
    assert list(errors(forms.ReturnForm({"reason": "   "}))) == ["reason"]


# --- assignment: teams and schools within the user's scope -------------------------------


def assign_data(team, schools, planned_on="2030-03-01") -> dict:
    return {"team": team.pk, "school": [s.pk for s in schools], "planned_on": planned_on}


def test_an_assignment_is_cleaned_into_a_team_schools_and_a_date(
    official_a, county_team, school_a
):
    form = forms.AssignForm(assign_data(county_team, [school_a]), user=official_a)
    assert form.is_valid()
    assert form.cleaned_data == {
        "team": county_team,
        "school": [school_a],
        "planned_on": dt.date(2030, 3, 1),
    }


def test_a_school_outside_the_scope_is_refused(official_a, county_team, school_a, school_b):
    form = forms.AssignForm(assign_data(county_team, [school_a, school_b]), user=official_a)
    assert errors(form) == {"school": [str(forms.AssignForm.UNSEEN_SCHOOL)]}
    assert form.chosen == {str(school_a.pk), str(school_b.pk)}  # ticked again on the page


def test_a_school_id_that_is_not_a_number_means_the_page_is_out_of_date(official_a, county_team):
    data = {"team": county_team.pk, "school": ["abc"], "planned_on": "2030-03-01"}
    assert errors(forms.AssignForm(data, user=official_a)) == {"school": [str(forms.OUT_OF_DATE)]}


def test_no_school_chosen_is_refused(official_a, county_team):
    form = forms.AssignForm(assign_data(county_team, []), user=official_a)
    assert list(errors(form)) == ["school"]


def test_another_countys_team_is_not_a_choice(official_a, county_team_b, school_a):
    form = forms.AssignForm(assign_data(county_team_b, [school_a]), user=official_a)
    assert list(errors(form)) == ["team"]


def test_a_malformed_planned_date_is_refused(official_a, county_team, school_a):
    form = forms.AssignForm(assign_data(county_team, [school_a], "2030-13-01"), user=official_a)
    assert list(errors(form)) == ["planned_on"]
