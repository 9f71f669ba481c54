"""Drawing schools at random, weighted by risk and past findings."""

from __future__ import annotations

import random

from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Visit
from tests.readiness.factories import SchoolFactory


def test_the_draw_is_weighted_and_leaves_out_recent_visits(
    inspector_a, squad_a, county_a, recorded_visit
):
    high = SchoolFactory(county=county_a, risk_level="high", name="高风险学校")
    low = SchoolFactory(county=county_a, risk_level="low", name="低风险学校")
    wins = {high.pk: 0, low.pk: 0}
    candidates = services.draw_candidates(squad=squad_a, skip_days=30, today=timezone.localdate())
    assert recorded_visit.school_id not in {s.pk for s, _w in candidates}
    only = [(s, w) for s, w in candidates if s.pk in wins]
    rng = random.Random(7)
    for _ in range(2000):
        wins[services.weighted_sample(only, 1, rng)[0].pk] += 1
    assert 3.0 < wins[high.pk] / wins[low.pk] < 5.5  # weights 4 : 1


def test_a_draw_plans_visits(inspector_a, squad_a, county_a):
    SchoolFactory.create_batch(5, county=county_a)
    visits = services.visit_draw(
        actor=inspector_a,
        squad=squad_a,
        count=3,
        planned_on=timezone.localdate(),
        rng=random.Random(1),
    )
    assert len(visits) == 3 and all(v.status == "planned" for v in visits)


def test_the_page_draws_and_leaves_out_the_default_thirty_days(
    login, inspector_a, squad_a, county_a
):
    SchoolFactory.create_batch(4, county=county_a)
    response = login(inspector_a).post(
        reverse("visit_draw"),
        {"squad": squad_a.pk, "count": "2", "planned_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Visit.objects.filter(squad=squad_a, status="planned").count() == 2


def test_a_count_out_of_range_is_refused_beside_the_field_and_kept(
    login, inspector_a, squad_a, county_a
):
    SchoolFactory.create_batch(2, county=county_a)
    response = login(inspector_a).post(
        reverse("visit_draw"),
        {"squad": squad_a.pk, "count": "51", "skip_days": "7", "planned_on": "2030-01-01"},
    )
    form = response.context["draw_form"]
    assert form.errors["count"] == ["抽取数量应为 1 至 50 所。"]
    body = response.content.decode()
    assert 'name="count" value="51"' in body and 'name="skip_days" value="7"' in body
    assert not Visit.objects.exists()


def test_nothing_left_to_draw_is_said_above_the_form(login, inspector_a, squad_a):
    response = login(inspector_a).post(
        reverse("visit_draw"),
        {"squad": squad_a.pk, "count": "3", "planned_on": timezone.localdate().isoformat()},
    )
    assert response.context["draw_form"].non_field_errors()
    assert not Visit.objects.exists()
