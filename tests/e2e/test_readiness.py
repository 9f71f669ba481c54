"""Readiness in the browser: a critical finding at a ready school turns it red for
its county at once, with the finding as the reason; the school reports the
rectification, the inspector accepts it, and the school is ready again."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import Finding
from readiness.services import readiness_recompute
from tests.verification.factories import VerificationFactory


def test_a_critical_finding_revokes_readiness_until_it_is_closed(
    page_as,
    planned_visit,
    inspector_a,
    school_contact_a,
    official_a,
    school_a,
    areas,
    aspects,
    verification_alone,
):
    VerificationFactory(
        school=school_a, status="approved", result="passed", approved_at=timezone.now()
    )
    readiness_recompute(school_ids=[school_a.pk])
    county = page_as(official_a)
    county.goto(f"/schools/{school_a.pk}/")
    expect(county.locator("#readiness")).to_have_text("具备开学条件")

    inspector = page_as(inspector_a)
    inspector.goto(f"/inspections/visits/{planned_visit.pk}/")
    inspector.locator(f'input[name="area-{areas["gate"].pk}"][value="problem"]').check()
    for row in inspector.locator(".check-row").all():  # every other place in order
        if not row.locator("input:checked").count():
            row.locator('input[value="ok"]').check()
    inspector.get_by_role("button", name="登记督查").click()
    expect(inspector.get_by_role("status").first).to_contain_text("督查已登记")
    inspector.get_by_label("问题", exact=True).fill("未设置隔离观察室")
    inspector.get_by_label("区域／方面").select_option(label="校门口")
    inspector.get_by_label("等级", exact=True).select_option(label="严重")
    inspector.get_by_label("整改要求").fill("立即设置隔离观察室")
    inspector.get_by_role("button", name="添加问题").click()
    expect(inspector.get_by_role("status").first).to_contain_text("问题已登记")
    finding = Finding.objects.get()

    # The county official's home page says so, and the school page is red, with the cause.
    county.goto("/")
    expect(county.locator("#notices")).to_contain_text(school_a.name)
    expect(county.locator("#notices")).to_contain_text("1 项严重问题未关闭。")
    county.locator("#notices").get_by_role("button", name=school_a.name).click()
    expect(county.locator("#readiness")).to_have_text("不具备开学条件")
    reason = county.locator('#criteria li[data-key="inspections"]')
    expect(reason).to_contain_text("未满足")
    reason.get_by_role("link", name="1 项严重问题未关闭。").click()
    expect(county).to_have_url(re.compile(rf"/inspections/findings/{finding.pk}/$"))
    county.goto("/")
    expect(county.locator("#notices")).to_have_count(0)  # opened: it leaves the home page

    school = page_as(school_contact_a)
    school.goto(f"/inspections/findings/{finding.pk}/")
    school.get_by_label("整改情况").fill("已设置隔离观察室并配备物资")
    school.get_by_role("button", name="上报", exact=True).click()
    expect(school.locator("#finding-status")).to_have_text("已上报整改")
    county.goto(f"/schools/{school_a.pk}/")
    expect(county.locator("#readiness")).to_have_text("不具备开学条件")  # not closed yet

    inspector.goto(f"/inspections/findings/{finding.pk}/")
    inspector.get_by_role("button", name="通过并销号").click()
    expect(inspector.locator("#finding-status")).to_have_text("已销号")
    county.goto(f"/schools/{school_a.pk}/")
    expect(county.locator("#readiness")).to_have_text("具备开学条件")
    expect(county.locator("#readiness-history")).to_contain_text("不具备开学条件 → 具备开学条件")
