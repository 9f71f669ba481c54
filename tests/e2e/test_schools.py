"""A county official finds a school, edits it, and sees the change."""

import re

from playwright.sync_api import expect

from readiness.models import School
from tests.readiness.factories import SchoolFactory


def test_county_official_filters_the_list_and_edits_a_school(
    page_as, official_a, county_a, school_a, school_b
):
    SchoolFactory(county=county_a, name="兰山区育才幼儿园", level=School.Level.KINDERGARTEN)
    page = page_as(official_a)
    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile("您好"))).to_be_visible()
    page.get_by_role("link", name="学校", exact=True).click()

    table = page.locator("#school-table")
    expect(table).to_contain_text("兰山区城关镇中心小学")
    expect(table).not_to_contain_text("沂水县")  # another county's school never shows

    page.get_by_label("学段").select_option("kindergarten")
    page.get_by_role("button", name="筛选").click()
    expect(table).to_contain_text("兰山区育才幼儿园")
    expect(table).not_to_contain_text("兰山区城关镇中心小学")

    page.get_by_label("名称或代码").fill("城关")
    page.get_by_label("学段").select_option("")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name="兰山区城关镇中心小学").click()

    page.get_by_role("link", name="编辑").click()
    page.get_by_label("学生数").fill("1288")
    page.get_by_label("校长", exact=True).fill("赵明")
    page.get_by_label("所在地区风险等级").select_option("medium")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("status")).to_have_text("已保存。")
    expect(page.locator(".facts")).to_contain_text("学生数1288")
    expect(page.locator(".facts")).to_contain_text("赵明")
    history = page.locator(".history").first  # the edit said in words, not "changed"
    expect(history).to_contain_text(re.compile(r"学生数：\d+ → 1288"))
    expect(history).to_contain_text("→ 赵明")
    expect(history).to_contain_text("所在地区风险等级：低风险 → 中风险")
    school_a.refresh_from_db()
    assert (school_a.students, school_a.principal, school_a.risk_level) == (1288, "赵明", "medium")


def test_school_list_works_on_a_phone(page_as, official_a, school_a):
    page = page_as(official_a, mobile=True)
    page.goto("/schools/")
    expect(page.locator("#main-nav")).to_be_hidden()
    page.get_by_role("button", name="菜单").click()
    expect(page.locator("#main-nav")).to_be_visible()
    expect(page.locator("#school-table")).to_contain_text("兰山区城关镇中心小学")


def test_every_role_has_a_home_page(page_as, city_staff, task_force, official_a, school_contact_a):
    for user in (city_staff, task_force, official_a, school_contact_a):
        page = page_as(user)
        response = page.goto("/")
        assert response.status == 200
        expect(page.locator("main h1")).to_contain_text(user.full_name)
