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
from tests.inspections.fixtures import every_check, every_result_posted


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
            **every_result_posted("ok"),
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
    assert sorted(VisitCheck.objects.values_list("result", "note")) == [("ok", "")] * 7 + [
        ("problem", "无人值守")
    ]  # 5 key areas and 3 aspects


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
    assert f'name="area-{gate}" value="problem" id="area-{gate}_1" required checked' in body
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


def test_a_visit_without_a_result_for_every_place_is_refused_beside_each(
    login, planned_visit, inspector_a, areas, aspects
):
    gate, canteen = areas["gate"].pk, areas["canteen"].pk
    posted = every_result_posted("ok")
    del posted[f"area-{canteen}"], posted[f"aspect-{aspects['online'].pk}"]
    response = record(
        login(inspector_a),
        planned_visit,
        visited_at="2020-06-01T09:30",
        present=[inspector_a.pk],
        summary="整体良好",
        **{**posted, f"area-{gate}": "problem", f"area-{gate}-note": "无人值守"},
    )
    body = response.content.decode()
    message = "请给出结果，或选“未检查”并说明原因。"
    assert f'<p class="error" id="area-{canteen}-error">{message}</p>' in body
    assert f'id="aspect-{aspects["online"].pk}-error">{message}' in body
    assert body.count(message) == 2
    assert f'name="area-{gate}" value="problem" id="area-{gate}_1" required checked' in body
    assert 'value="无人值守"' in body and "整体良好" in body
    assert Visit.objects.get().status == "planned" and not VisitCheck.objects.exists()


def test_not_checked_needs_its_reason(login, planned_visit, inspector_a, areas, aspects):
    dorm = areas["dormitory"].pk
    client = login(inspector_a)
    data = {"visited_at": "2020-06-01T09:30", "present": [inspector_a.pk]}
    refused = record(
        client, planned_visit, **data, **{**every_result_posted(), f"area-{dorm}": "skipped"}
    )
    assert f'id="area-{dorm}-note-error">请说明未检查的原因。' in refused.content.decode()
    assert Visit.objects.get().status == "planned"
    accepted = record(
        client,
        planned_visit,
        **data,
        **{
            **every_result_posted(),
            f"area-{dorm}": "skipped",
            f"area-{dorm}-note": "宿舍楼封闭施工",
        },
    )
    assert accepted.status_code == 302
    check = VisitCheck.objects.get(key_area=areas["dormitory"])
    assert (check.result, check.get_result_display(), check.note) == (
        "skipped",
        "未检查",
        "宿舍楼封闭施工",
    )


def test_the_service_names_the_places_left_without_a_result(
    planned_visit, inspector_a, areas, aspects
):
    checks = [c for c in every_check() if c.key_area != areas["canteen"]]
    with pytest.raises(ValidationError) as refused:
        services.visit_record(
            actor=inspector_a, visit=planned_visit, visited_at=timezone.now(),
            present=[inspector_a], checks=checks,
        )  # fmt: skip
    assert refused.value.messages == ["每个重点区域和方面都要给出结果，缺少：食堂。"]
    with pytest.raises(ValidationError) as refused:
        services.visit_record(
            actor=inspector_a, visit=planned_visit, visited_at=timezone.now(),
            present=[inspector_a], checks=every_check(screening=("skipped", " ")),
        )  # fmt: skip
    assert refused.value.messages == ["请说明以下各项未检查的原因：人员排查。"]
    planned_visit.refresh_from_db()
    assert planned_visit.status == "planned"
