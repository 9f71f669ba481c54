"""The assignment page: the school list, filtered, and one team for the chosen schools."""

from __future__ import annotations

import pytest
from django.urls import reverse

from verification.forms import AssignForm
from verification.models import Verification


def test_the_official_assigns_from_the_school_list(
    login, official_a, county_team, county_members, school_a, template, tomorrow
):
    client = login(official_a)
    page = client.get(reverse("verification_assign"))
    assert school_a.name in page.content.decode()
    response = client.post(
        reverse("verification_assign"),
        {"school": [school_a.pk], "team": county_team.pk, "planned_on": tomorrow.isoformat()},
    )
    assert response.status_code == 302
    assert Verification.objects.get().school == school_a


def test_assigning_a_school_outside_the_remit_is_refused_with_a_message(
    login, official_a, county_team, school_a, city_school_a, template, tomorrow
):
    response = login(official_a).post(
        reverse("verification_assign"),
        {
            "school": [school_a.pk, city_school_a.pk],
            "team": county_team.pk,
            "planned_on": tomorrow.isoformat(),
        },
        follow=True,
    )
    assert "无权核验：临沂第四中学" in response.content.decode()
    assert not Verification.objects.exists()


def test_assigning_another_countys_school_is_refused_as_unseen(
    login, official_a, county_team, school_b, template, tomorrow
):
    response = login(official_a).post(
        reverse("verification_assign"),
        {"school": [school_b.pk], "team": county_team.pk, "planned_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("school", code="invalid_choice")
    assert school_b.name not in response.content.decode()
    assert not Verification.objects.exists()


def test_another_countys_school_and_no_school_at_all_are_refused_alike(
    login, official_a, county_team, school_b, template, tomorrow
):
    client = login(official_a)

    def refusal(school_id):
        data = {"school": [school_id], "team": county_team.pk, "planned_on": tomorrow.isoformat()}
        return client.post(reverse("verification_assign"), data).context["form"].errors["school"]

    assert refusal(school_b.pk) == refusal(10**9) == [str(AssignForm.UNSEEN_SCHOOL)]


def test_another_countys_team_is_not_offered(
    login, official_a, county_team, county_team_b, school_a, template, tomorrow
):
    client = login(official_a)
    assert "沂水县核验组" not in client.get(reverse("verification_assign")).content.decode()
    client.post(
        reverse("verification_assign"),
        {"school": [school_a.pk], "team": county_team_b.pk, "planned_on": tomorrow.isoformat()},
    )
    assert not Verification.objects.exists()


@pytest.mark.parametrize("role", ["task_force", "verifier", "inspector", "supplies"])
def test_roles_without_the_right_get_403_on_assignment(login, make_user, role):
    assert login(make_user(role)).get(reverse("verification_assign")).status_code == 403


def test_teams_are_offered_by_their_number(login, city_staff, departments):
    from tests.verification.factories import VerificationTeamFactory

    for n in "三一十二":
        VerificationTeamFactory(name=f"市级第{n}核验组", level="city", county=None)
    body = login(city_staff).get(reverse("verification_assign")).content.decode()
    offered = [n for n in "一二三十" if f"市级第{n}核验组" in body]
    assert sorted(offered, key=lambda n: body.index(f"市级第{n}核验组")) == [
        "一",
        "二",
        "三",
        "十",
    ]


def test_the_list_shows_codes_and_marks_schools_under_way_and_a_refusal_keeps_team_and_date(
    login, official_a, county_team, county_members, school_a, template, tomorrow
):
    from tests.readiness.factories import SchoolFactory
    from verification import services

    school_a2 = SchoolFactory(county=school_a.county)

    services.verification_assign(
        actor=official_a, team=county_team, schools=[school_a], planned_on=tomorrow
    )
    client = login(official_a)
    response = client.post(
        reverse("verification_assign"),
        {"school": [school_a.pk], "team": county_team.pk, "planned_on": tomorrow.isoformat()},
    )
    body = response.content.decode()
    assert "以下学校已有进行中的核验" in body  # the refusal
    assert f'<option value="{county_team.pk}" selected>' in body
    assert f'value="{tomorrow.isoformat()}"' in body
    assert f'<td class="mono nowrap">{school_a.code}</td>' in body
    row_a = body.split(f'id="school-{school_a.pk}"')[1].split("</tr>")[0]
    row_2 = body.split(f'id="school-{school_a2.pk}"')[1].split("</tr>")[0]
    assert "核验中" in row_a and "核验中" not in row_2
    assert Verification.objects.count() == 1
