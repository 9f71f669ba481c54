"""The settings the city bureau sets on its page: versions with who, when and why;
the rectification deadlines and the report's time read from them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import services as inspection_services
from readiness import city_settings, services
from readiness.models import AuditEntry, CitySettings, DispatchReport

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DEFAULTS = {"dispatch__report_time": "07:30", "inspections__deadline__critical": 3,
            "inspections__deadline__major": 7, "inspections__deadline__minor": 14}  # fmt: skip


def test_the_city_bureau_changes_a_deadline_and_the_change_is_kept(login, city_staff):
    client = login(city_staff)
    page = client.get(reverse("city_settings")).content.decode()
    assert 'value="07:30"' in page and 'value="3"' in page  # the defaults
    response = client.post(reverse("city_settings"), DEFAULTS | {
        "inspections__deadline__critical": "2", "note": "市疫情处置领导小组要求缩短严重问题整改期限"})  # fmt: skip
    assert response.status_code == 302
    assert city_settings.value("inspections.deadline.critical") == 2
    assert inspection_services.deadline_days("critical") == 2
    version = CitySettings.objects.get()
    assert version.changed == {"inspections.deadline.critical": [3, 2]}
    assert version.created_by == city_staff
    assert AuditEntry.objects.filter(action="readiness.city_settings", actor=city_staff).exists()
    history = client.get(reverse("city_settings")).content.decode()
    assert "严重问题 3 → 2" in history


@pytest.mark.parametrize(
    "field, value, message",
    [("inspections__deadline__critical", "0", "确保该值大于或等于1"),
     ("inspections__deadline__minor", "abc", "输入整数"),
     ("dispatch__report_time", "25:00", "输入一个有效的时间"),
     ("note", "", "该字段是必填项")],
)  # fmt: skip
def test_a_wrong_value_is_refused_keeps_what_was_typed_and_changes_nothing(
    login, city_staff, field, value, message
):
    data = DEFAULTS | {"note": "调整", field: value}
    page = login(city_staff).post(reverse("city_settings"), data)
    assert page.status_code == 400 and message in page.content.decode()
    if value:
        assert f'value="{value}"' in page.content.decode()
    assert not CitySettings.objects.exists()


def test_the_service_refuses_what_the_form_would(city_staff):
    with pytest.raises(Exception) as refused:
        city_settings.city_settings_save(
            actor=city_staff, values={"inspections.deadline.major": 0}, note="x"
        )
    assert "inspections.deadline.major" in refused.value.message_dict
    assert not CitySettings.objects.exists()


def test_only_the_city_bureau_sets_them(login, official_a, task_force):
    for user in (official_a, task_force):
        assert (
            login(user).post(reverse("city_settings"), DEFAULTS | {"note": "x"}).status_code == 403
        )
    assert not CitySettings.objects.exists()


def test_the_report_is_built_once_its_time_has_come(city_staff, db):
    today = timezone.localdate()
    at = lambda hour, minute: dt.datetime.combine(today, dt.time(hour, minute), tzinfo=SHANGHAI)  # noqa: E731
    assert services.dispatch_report_due(now=at(7, 20)) is None
    assert not DispatchReport.objects.exists()
    report = services.dispatch_report_due(now=at(7, 31))
    assert report.on_date == today
    assert services.dispatch_report_due(now=at(7, 41)) == report  # asked again: the same one
    assert DispatchReport.objects.count() == 1
    DispatchReport.objects.all().delete()
    values = {k.replace("__", "."): v for k, v in DEFAULTS.items()} | {
        "dispatch.report_time": "09:00"
    }
    city_settings.city_settings_save(
        actor=city_staff, values=values, note="领导小组会议改在九点半"
    )
    assert services.dispatch_report_due(now=at(8, 50)) is None
    assert services.dispatch_report_due(now=at(9, 0)).on_date == today
