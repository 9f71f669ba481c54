"""On a phone: a school enters its morning with two pupils away with fever, records
one of them as a case; the county official sees the alert and closes it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from people.models import HealthAlert, IllnessCase
from tests.people.factories import PersonFactory, SchoolClassFactory, reopened

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def test_a_morning_with_fevers_becomes_an_alert_the_county_closes(
    page_as, school_contact_a, official_a, school_a
):
    reopened(school_a)
    one = SchoolClassFactory(school=school_a, grade="一年级", name="1班", enrolled=40)
    SchoolClassFactory(school=school_a, grade="一年级", name="2班", enrolled=38)
    PersonFactory(school=school_a, name="李小明", grade="一年级", class_name="1班")

    school = page_as(school_contact_a, mobile=True)
    school.goto(f"/health/?date={YESTERDAY.isoformat()}")
    expect(school.locator("h1")).to_have_text(school_a.name)
    school.locator("#session-morning").get_by_role("link", name="登记").click()
    row = school.locator(f"#class-{one.pk}")
    row.get_by_label("缺勤", exact=True).fill("2")
    row.get_by_label("因病缺勤").fill("3")  # more ill than absent: refused, kept
    school.get_by_role("button", name="登记晨检").click()
    expect(row.locator(".errorlist")).to_contain_text("因病缺勤 3 人，超过缺勤 2 人")
    expect(row.get_by_label("缺勤", exact=True)).to_have_value("2")
    row.get_by_label("因病缺勤").fill("2")
    expect(row.locator("details.symptoms")).to_have_attribute("open", "")  # opened by the refusal
    row.get_by_label("发热（≥37.3℃）").fill("2")
    school.get_by_role("button", name="登记晨检").click()
    expect(school.get_by_role("status").first).to_contain_text("晨检已登记")
    expect(school.locator("#session-morning")).to_contain_text("已报告")
    expect(school.locator("#day-alerts")).to_contain_text("2 人发热")

    school.get_by_role("link", name="登记病例").click()
    school.get_by_label("姓名", exact=True).select_option(index=1)  # the only file: 李小明, masked
    school.get_by_label("发热（≥37.3℃）").check()
    school.get_by_label("发病日期").fill(YESTERDAY.isoformat())
    school.get_by_role("button", name="登记病例").click()
    expect(school.locator("#case-status")).to_have_text("追踪中")
    assert IllnessCase.objects.get().person.name == "李小明"

    county = page_as(official_a, mobile=True)
    county.goto("/")
    county.locator("#todo-health_alerts").get_by_role("link").first.click()
    alert = HealthAlert.objects.get()
    item = county.locator(f"#alert-{alert.pk}")
    item.get_by_role("button", name="关闭预警").click()  # without saying what was done
    expect(county.locator(".errorlist")).to_contain_text("请说明处置情况")
    county.get_by_label("处置情况").fill("已电话追访，两名学生居家观察")
    county.get_by_role("button", name="关闭预警").click()
    expect(county.get_by_role("status").first).to_contain_text("预警已关闭")
    alert.refresh_from_db()
    assert (alert.status, alert.action) == ("closed", "已电话追访，两名学生居家观察")
