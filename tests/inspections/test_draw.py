"""Drawing schools at random, weighted by risk and past findings."""

from __future__ import annotations

import datetime as dt
import random
import re

from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Visit
from tests.inspections.factories import FindingFactory, VisitFactory
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


def test_a_draw_proposes_and_plans_nothing_until_confirmed(inspector_a, squad_a, county_a):
    SchoolFactory.create_batch(5, county=county_a)
    proposal = services.visit_draw_propose(
        actor=inspector_a, squad=squad_a, count=3, rng=random.Random(1)
    )
    assert len(proposal) == 3 and not Visit.objects.exists()
    weights = [w for _s, w in proposal]
    assert weights == sorted(weights, reverse=True)
    visits = services.visit_draw_confirm(
        actor=inspector_a,
        squad=squad_a,
        schools=[s for s, _w in proposal],
        planned_on=timezone.localdate(),
    )
    assert len(visits) == 3 and all(v.status == "planned" for v in visits)


def test_the_page_shows_the_proposal_then_the_squad_confirms_it(
    login, inspector_a, squad_a, county_a
):
    high = SchoolFactory(county=county_a, risk_level="high", name="高风险学校")
    SchoolFactory.create_batch(3, county=county_a, risk_level="low")
    client = login(inspector_a)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("visit_draw"), {"squad": squad_a.pk, "count": "4", "planned_on": today}
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()  # a proposal only
    proposal = response.content.decode().split('id="draw-proposal"')[1].split("</section>")[0]
    assert proposal.index(high.code) < proposal.index("低风险")  # weight 4 before weight 1
    assert '<td class="num">4</td>' in proposal and '<td class="num">1</td>' in proposal
    token = re.search(r'name="token" value="([^"]+)"', proposal).group(1)
    forged = client.post(reverse("visit_draw_confirm"), {"token": "not-the-one"})
    assert forged.status_code == 302 and not Visit.objects.exists()
    confirmed = client.post(reverse("visit_draw_confirm"), {"token": token})
    assert confirmed.status_code == 302
    assert Visit.objects.filter(squad=squad_a, status="planned").count() == 4
    again = client.post(reverse("visit_draw_confirm"), {"token": token})  # used up
    assert again.status_code == 302 and Visit.objects.count() == 4


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


def test_each_candidate_weighs_its_risk_times_one_plus_its_past_findings(
    inspector_a, squad_a, county_a, areas
):
    """Weights worked by hand: low 1, medium 2, high 4, each × (1 + findings)."""
    long_ago = timezone.now() - dt.timedelta(days=90)
    SchoolFactory(county=county_a, risk_level="medium", name="无问题")
    twice = SchoolFactory(county=county_a, risk_level="medium", name="两个问题")
    high_once = SchoolFactory(county=county_a, risk_level="high", name="高风险一个问题")
    low_thrice = SchoolFactory(county=county_a, risk_level="low", name="低风险三个问题")
    for school, findings in [(twice, 2), (high_once, 1), (low_thrice, 3)]:
        visit = VisitFactory(
            squad=squad_a,
            school=school,
            planned_by=inspector_a,
            status="recorded",
            visited_at=long_ago,
        )
        FindingFactory.create_batch(findings, visit=visit, key_area=areas["gate"])
    weights = {
        s.name: w
        for s, w in services.draw_candidates(
            squad=squad_a, skip_days=30, today=timezone.localdate()
        )
    }
    assert weights == {
        "无问题": 2.0,
        "两个问题": 6.0,
        "高风险一个问题": 8.0,
        "低风险三个问题": 4.0,
    }


def test_only_visits_within_the_skip_days_and_planned_visits_leave_a_school_out(
    inspector_a, squad_a, county_a
):
    now = timezone.now()
    schools = {
        name: SchoolFactory(county=county_a, name=name)
        for name in ["从未", "40天前", "29天前", "已计划", "他组40天前"]
    }
    for name, days in [("40天前", 40), ("29天前", 29)]:
        VisitFactory(
            squad=squad_a,
            school=schools[name],
            planned_by=inspector_a,
            status="recorded",
            visited_at=now - dt.timedelta(days=days),
        )
    VisitFactory(squad=squad_a, school=schools["已计划"], planned_by=inspector_a)
    VisitFactory(
        school=schools["他组40天前"], status="recorded", visited_at=now - dt.timedelta(days=40)
    )
    names = {
        s.name
        for s, _w in services.draw_candidates(
            squad=squad_a, skip_days=30, today=timezone.localdate()
        )
    }
    assert names == {"从未", "40天前", "他组40天前"}
    names = {
        s.name
        for s, _w in services.draw_candidates(
            squad=squad_a, skip_days=50, today=timezone.localdate()
        )
    }
    assert names == {"从未"}


def test_a_draw_takes_between_1_and_50_schools(inspector_a, squad_a, county_a):
    import pytest
    from django.core.exceptions import ValidationError

    SchoolFactory.create_batch(51, county=county_a)
    for count in (0, 51):
        with pytest.raises(ValidationError) as refused:
            services.visit_draw_propose(actor=inspector_a, squad=squad_a, count=count)
        assert refused.value.messages == ["抽取数量应为 1 至 50 所。"]
    for count in (1, 50):
        proposal = services.visit_draw_propose(actor=inspector_a, squad=squad_a, count=count)
        assert len(proposal) == count


def test_nothing_left_to_draw_is_said_in_words(inspector_a, squad_a):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.visit_draw_propose(actor=inspector_a, squad=squad_a, count=1)
    assert refused.value.messages == ["本督查组负责的县区已无可抽取的学校。"]


def test_by_default_a_draw_leaves_out_thirty_days(inspector_a, squad_a, county_a):
    """Visited 31 days ago (at noon): drawn by default; 29 days ago: left out."""
    today = timezone.localdate()
    noon = dt.time(12)
    old = SchoolFactory(county=county_a, name="31天前督查过")
    recent = SchoolFactory(county=county_a, name="29天前督查过")
    for school, days in ((old, 31), (recent, 29)):
        day = today - dt.timedelta(days=days)
        VisitFactory(
            squad=squad_a, school=school, recorded=True, planned_on=day,
            visited_at=timezone.make_aware(dt.datetime.combine(day, noon)),
        )  # fmt: skip
    drawn = services.visit_draw_propose(actor=inspector_a, squad=squad_a, count=50)
    assert [s.name for s, _w in drawn] == ["31天前督查过"]
