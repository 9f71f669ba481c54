"""Supplies in the browser: the supplies officer records a donation, makes and approves
a plan; the county official confirms receipt with a shortfall on a phone; a school
asks for supplies from an inspection finding; the overview shows the balances and gaps."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect

from supplies.models import NeedNorm, Shipment, SupplyRequest


def test_a_donation_goes_from_the_reserve_to_a_county_and_a_school_asks(
    page_as, supplies_city, official_a, school_contact_a, school_a, school_b, items, finding
):
    # 645 people a school (the factory's), 0.01 kg a person a day, 14 days: 90.3 kg a county.
    NeedNorm.objects.create(item=items["disinfectant"], per_person_day=Decimal("0.01"))

    page = page_as(supplies_city)
    page.goto("/supplies/receive/")
    page.locator("[name=holder]").select_option(label="市级储备")
    page.locator("[name=item]").select_option(label="84消毒液")
    page.locator("[name=quantity]").fill("1")
    page.locator("[name=origin]").select_option(label="捐赠")
    page.locator("[name=supplier]").fill("临沂市慈善总会")
    page.locator("[name=lot_number]").fill("84-JZ-01")
    page.locator("[name=expires_on]").fill("2030-01-01")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("入库已登记")

    page.goto("/supplies/plans/")
    page.locator("[name=title]").fill("捐赠84消毒液分配")
    page.locator("[name=source]").select_option(label="市级储备")
    page.locator("[name=item]").select_option(label="84消毒液")
    page.locator("[name=amount]").fill("1")
    page.get_by_role("button", name="生成建议").click()
    # 0.1806 t needed in all: one whole tonne; equal gaps, so the first county by key.
    lines = page.locator("#lines")
    expect(lines.locator("tr", has_text="兰山区储备库")).to_contain_text("0.09")
    expect(page.locator("#lines input").first).to_have_value("1")
    page.get_by_role("button", name="批准并发出").click()
    expect(page.locator(".messages")).to_contain_text("计划已批准")
    assert Shipment.objects.get().quantity == 1000

    county = page_as(official_a, mobile=True)
    county.goto("/supplies/receipts/")
    card = county.locator("#pending li").first
    expect(card).to_contain_text("84消毒液 1 t")
    card.locator("[name=received]").fill("0.9")
    card.get_by_role("button", name="确认签收").click()
    expect(county.locator(".errors")).to_contain_text("请说明短缺或破损情况")
    card = county.locator("#pending li").first
    expect(card.locator("[name=received]")).to_have_value("0.9")
    card.locator("[name=note]").fill("破损100公斤")
    card.get_by_role("button", name="确认签收").click()
    expect(county.locator(".messages")).to_contain_text("已签收")
    expect(county.locator("#shortfalls")).to_contain_text("破损100公斤")

    school = page_as(school_contact_a, mobile=True)
    school.goto(f"/inspections/findings/{finding.pk}/")
    school.locator("#ask-supplies").click()
    school.locator("[name=item]").select_option(label="75%酒精")
    school.locator("[name=quantity]").fill("20")
    school.locator("[name=reason]").fill("测温点消毒用酒精不足")
    school.get_by_role("button", name="提交申领").click()
    expect(school.locator(".messages")).to_contain_text("申领已提交")
    assert SupplyRequest.objects.get().cause_id == finding.pk
    school.goto(f"/inspections/findings/{finding.pk}/")
    expect(school.locator("#citations")).to_contain_text("75%酒精 20 L")

    page.goto("/supplies/")
    standing = page.locator("#standing")
    lanshan = standing.locator("tr", has_text="兰山区")
    expect(lanshan.locator("td").nth(1)).to_have_text("0.9")  # balance, t
    expect(lanshan.locator("td").nth(3)).to_have_text("—")  # no gap
    yishui = standing.locator("tr", has_text="沂水县")
    expect(yishui.locator("td").nth(3)).to_have_text("0.09")
    expect(page.locator("#reserve")).to_have_text("0 t")
