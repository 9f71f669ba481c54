"""Recording a visit on site: when, who was there, a result per area and aspect."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Visit, VisitCheck
from tests.inspections.factories import RectificationNoticeFactory


def record(client, visit, **data):
    return client.post(reverse("visit_record", args=[visit.pk]), data)


def test_recording_needs_members_of_the_squad(planned_visit, inspector_a, official_a):
    with pytest.raises(ValidationError):
        services.visit_record(
            actor=inspector_a, visit=planned_visit, visited_at=timezone.now(), present=[official_a]
        )


def test_the_record_of_a_visit_with_a_notice_no_longer_changes(finding, inspector_a):
    RectificationNoticeFactory(visit=finding.visit, findings=[finding])
    with pytest.raises(ValidationError):
        services.visit_record(
            actor=inspector_a,
            visit=finding.visit,
            visited_at=timezone.now(),
            present=[inspector_a],
        )


def test_the_page_records_the_time_the_members_and_the_results(
    login, planned_visit, inspector_a, areas, aspects
):
    response = record(
        login(inspector_a),
        planned_visit,
        visited_at="2020-06-01T09:30",
        present=[inspector_a.pk],
        summary="整体良好",
        **{
            f"area-{areas['gate'].pk}": "problem",
            f"area-{areas['gate'].pk}-note": "无人值守",
            f"aspect-{aspects['online'].pk}": "ok",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.status == "recorded" and visit.summary == "整体良好"
    assert timezone.localtime(visit.visited_at).strftime("%Y-%m-%d %H:%M") == "2020-06-01 09:30"
    assert list(visit.present.all()) == [inspector_a]
    assert sorted(VisitCheck.objects.values_list("result", "note")) == [
        ("ok", ""),
        ("problem", "无人值守"),
    ]


def test_an_impossible_visit_time_is_a_message(login, planned_visit, inspector_a):
    response = record(
        login(inspector_a),
        planned_visit,
        visited_at="2024-13-45T10:00",
        present=[inspector_a.pk],
    )
    assert response.status_code == 200
    assert response.context["record_form"].has_error("visited_at", code="invalid")
    planned_visit.refresh_from_db()
    assert planned_visit.status == "planned"


def test_a_missing_time_asks_for_it_and_keeps_the_summary(login, planned_visit, inspector_a):
    response = record(
        login(inspector_a),
        planned_visit,
        visited_at="",
        present=[inspector_a.pk],
        summary="测温点无人值守",
    )
    assert response.context["record_form"].errors["visited_at"] == ["请填写督查时间。"]
    body = response.content.decode()
    assert "请填写督查时间。" in body and "测温点无人值守</textarea>" in body
    assert Visit.objects.get().status == "planned"


def test_a_result_is_kept_when_the_form_is_refused(login, planned_visit, inspector_a, areas):
    gate = areas["gate"].pk
    response = record(
        login(inspector_a),
        planned_visit,
        visited_at="",
        present=[inspector_a.pk],
        **{f"area-{gate}": "problem", f"area-{gate}-note": "无人值守"},
    )
    body = response.content.decode()
    assert f'name="area-{gate}" value="problem" id="area-{gate}_1" checked' in body
    assert 'value="无人值守"' in body
    assert not VisitCheck.objects.exists()


def test_nobody_present_is_refused(login, planned_visit, inspector_a):
    response = record(login(inspector_a), planned_visit, visited_at="2020-06-01T09:30")
    assert response.context["record_form"].errors["present"] == ["请选择到场的督查组成员。"]
    assert Visit.objects.get().status == "planned"


def test_a_time_still_to_come_is_refused_above_the_form(login, planned_visit, inspector_a):
    later = timezone.localtime() + dt.timedelta(days=1)
    response = record(
        login(inspector_a),
        planned_visit,
        visited_at=later.strftime("%Y-%m-%dT%H:%M"),
        present=[inspector_a.pk],
    )
    assert response.context["record_form"].non_field_errors()
    assert Visit.objects.get().status == "planned"


def test_someone_outside_the_squad_cannot_record(login, recorded_visit, squad_b):
    leader_b = squad_b.leader
    response = record(
        login(leader_b), recorded_visit, visited_at="2020-06-01T09:30", present=[leader_b.pk]
    )
    assert response.status_code == 403


def test_a_county_official_cannot_reach_a_planned_visit(login, planned_visit, official_a):
    response = record(login(official_a), planned_visit, visited_at="2020-06-01T09:30")
    assert response.status_code == 404
