"""Planning visits of schools named by their code: in the squad's counties only, by
its members only, and through a form that refuses bad input beside the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Visit
from tests.inspections.factories import VisitFactory
from tests.readiness.factories import SchoolFactory


def plan(client, **data):
    return client.post(reverse("visit_plan"), data)


def test_a_squad_plans_only_in_its_counties(inspector_a, squad_a, school_b):
    with pytest.raises(ValidationError, match="沂水县"):
        services.visit_plan(
            actor=inspector_a, squad=squad_a, schools=[school_b], planned_on=timezone.localdate()
        )


def test_someone_outside_the_squad_cannot_plan(inspector_a, squad_b, school_b):
    with pytest.raises(PermissionDenied):
        services.visit_plan(
            actor=inspector_a, squad=squad_b, schools=[school_b], planned_on=timezone.localdate()
        )


def test_the_page_plans_the_schools_typed(login, inspector_a, squad_a, school_a, county_a):
    other = SchoolFactory(county=county_a)
    response = plan(
        login(inspector_a),
        squad=squad_a.pk,
        codes=f"{school_a.code}，{other.code}",
        planned_on=timezone.localdate().isoformat(),
    )
    assert response.status_code == 302 and response["Location"] == reverse("visit_list")
    assert set(Visit.objects.values_list("school", flat=True)) == {school_a.pk, other.pk}
    assert set(Visit.objects.values_list("squad", "planned_on", "status")) == {
        (squad_a.pk, timezone.localdate(), "planned")
    }


@pytest.mark.parametrize(
    "data",
    [
        {"squad": "abc", "planned_on": "2030-01-01"},
        {"squad": "²", "mode": "draw", "count": "3", "planned_on": "2030-01-01"},
        {"mode": "draw", "count": "3", "skip_days": "99999999", "planned_on": "2030-01-01"},
    ],
)
def test_malformed_planning_is_refused_without_an_error(login, inspector_a, squad_a, data):
    data = {"squad": str(squad_a.pk), **data}
    url = reverse("visit_draw" if data.get("mode") == "draw" else "visit_plan")
    response = login(inspector_a).post(url, data)
    assert response.status_code == 200
    form = response.context["draw_form" if data.get("mode") == "draw" else "plan_form"]
    assert form.errors
    assert not Visit.objects.exists()


def test_a_malformed_date_is_refused_beside_the_field_and_the_codes_are_kept(
    login, inspector_a, squad_a, school_a
):
    response = plan(
        login(inspector_a), squad=squad_a.pk, codes=school_a.code, planned_on="2030-02-30"
    )
    form = response.context["plan_form"]
    assert response.status_code == 200 and form.has_error("planned_on", code="invalid")
    body = response.content.decode()
    assert f'value="{school_a.code}"' in body and 'value="2030-02-30"' in body
    assert not Visit.objects.exists()


def test_a_missing_date_asks_for_it(login, inspector_a, squad_a, school_a):
    response = plan(login(inspector_a), squad=squad_a.pk, codes=school_a.code, planned_on="")
    assert response.context["plan_form"].errors["planned_on"] == ["请选择计划日期。"]
    assert "请选择计划日期。" in response.content.decode()
    assert not Visit.objects.exists()


def test_missing_codes_ask_for_a_school(login, inspector_a, squad_a):
    response = plan(login(inspector_a), squad=squad_a.pk, codes=" ，, ", planned_on="2030-01-01")
    assert response.context["plan_form"].errors["codes"] == ["请至少选择一所学校。"]
    assert not Visit.objects.exists()


def test_an_unknown_school_code_is_named_and_nothing_is_planned(
    login, inspector_a, squad_a, school_a
):
    response = plan(
        login(inspector_a),
        squad=squad_a.pk,
        codes=f"{school_a.code},9999999999",
        planned_on=timezone.localdate().isoformat(),
    )
    [error] = response.context["plan_form"].errors["codes"]
    assert "9999999999" in error and school_a.code not in error
    assert f'value="{school_a.code},9999999999"' in response.content.decode()
    assert not Visit.objects.exists()


def test_a_school_outside_the_users_scope_is_an_unknown_code(login, official_a, school_b, squad_a):
    # A county official in a squad: a school of another county is outside their scope,
    # refused like an unknown code, before the squad's counties are even looked at.
    squad_a.members.add(official_a)
    response = plan(
        login(official_a),
        squad=squad_a.pk,
        codes=school_b.code,
        planned_on=timezone.localdate().isoformat(),
    )
    assert school_b.code in response.context["plan_form"].errors["codes"][0]
    assert not Visit.objects.exists()


def test_a_school_outside_the_squads_counties_is_refused_above_the_form(
    login, inspector_a, squad_a, school_b
):
    response = plan(
        login(inspector_a),
        squad=squad_a.pk,
        codes=school_b.code,
        planned_on=timezone.localdate().isoformat(),
    )
    assert "沂水县" in response.context["plan_form"].non_field_errors()[0]
    assert not Visit.objects.exists()


def test_a_date_in_the_past_is_refused(login, inspector_a, squad_a, school_a):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = plan(
        login(inspector_a), squad=squad_a.pk, codes=school_a.code, planned_on=yesterday
    )
    assert response.context["plan_form"].non_field_errors()
    assert not Visit.objects.exists()


def test_another_squads_id_is_not_a_choice(login, inspector_a, squad_b, school_b):
    response = plan(
        login(inspector_a),
        squad=squad_b.pk,
        codes=school_b.code,
        planned_on=timezone.localdate().isoformat(),
    )
    assert response.context["plan_form"].has_error("squad", code="invalid_choice")
    assert not Visit.objects.exists()


def test_following_a_link_from_a_refused_form_leads_back_to_the_list(login, inspector_a):
    response = login(inspector_a).get(reverse("visit_plan"), {"page": "2"})
    assert response.status_code == 302 and response["Location"] == "/inspections/?page=2"


def test_a_school_is_not_planned_twice_for_a_day_by_code_or_by_draw(
    login, inspector_a, squad_a, school_a, county_a
):
    day = timezone.localdate() + dt.timedelta(days=2)
    services.visit_plan(actor=inspector_a, squad=squad_a, schools=[school_a], planned_on=day)
    response = plan(
        login(inspector_a), squad=squad_a.pk, codes=school_a.code, planned_on=day.isoformat()
    )
    assert f"{day.isoformat()} 已安排督查：{school_a.name}。" in response.content.decode()
    with pytest.raises(ValidationError):
        services.visit_draw_confirm(
            actor=inspector_a, squad=squad_a, schools=[school_a], planned_on=day
        )
    with pytest.raises(ValidationError, match="重复"):
        services.visit_plan(
            actor=inspector_a, squad=squad_a, schools=[school_a, school_a],
            planned_on=day + dt.timedelta(days=1),
        )  # fmt: skip
    assert Visit.objects.count() == 1
    other_day = services.visit_plan(
        actor=inspector_a, squad=squad_a, schools=[school_a], planned_on=day + dt.timedelta(days=1)
    )
    assert len(other_day) == 1


def test_the_database_refuses_a_second_plan_for_the_day(squad_a, school_a, inspector_a):
    from django.db import IntegrityError, transaction

    day = timezone.localdate()
    VisitFactory(squad=squad_a, school=school_a, planned_on=day)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(squad=squad_a, school=school_a, planned_on=day)
