"""The task force's morning in the browser: the dashboard, the counties sorted by
overdue findings, the reddest county followed down to a school's whole file, and
the day's report as a PDF."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from readiness.services import dispatch_report_build, readiness_recompute
from tests.inspections.factories import FindingFactory
from tests.readiness.factories import SchoolFactory
from tests.verification.factories import VerificationFactory


def test_the_task_force_follows_the_reddest_county_down_to_a_school(
    page_as, make_user, county_a, county_b, verification_alone
):
    ready = SchoolFactory(county=county_a, name="兰山区实验小学")
    late = SchoolFactory(county=county_b, name="沂水县第一中学")
    for school in (ready, late):
        VerificationFactory(
            school=school, status="approved", result="passed", approved_at=timezone.now()
        )
    FindingFactory(
        school=late,
        visit__school=late,
        severity="critical",
        description="未设置隔离观察室",
        deadline=timezone.localdate() - dt.timedelta(days=2),
    )
    readiness_recompute()
    dispatch_report_build(on_date=timezone.localdate())

    page = page_as(make_user("task_force"))
    page.goto("/dashboard/")
    expect(page.locator("#dashboard-tiles")).to_contain_text("不具备开学条件")
    table = page.locator("#county-table")
    table.get_by_role("link", name="逾期未整改的问题").click()
    first = page.locator("#county-table tbody tr").first
    expect(first).to_have_attribute("data-county", county_b.code)  # sorted by overdue
    expect(first.locator("td.rag-red").first).to_be_visible()

    first.get_by_role("link", name="沂水县").click()
    expect(page.locator("h1")).to_contain_text("沂水县")
    page.locator('[data-key="readiness.r_failed"]').get_by_role("link").click()
    expect(page.locator("table")).to_contain_text("沂水县第一中学")
    expect(page.locator("table")).not_to_contain_text("兰山区实验小学")
    page.get_by_role("link", name="沂水县第一中学").click()
    page.get_by_role("link", name="一校一档").click()
    expect(page.locator("h1")).to_contain_text("一校一档")
    expect(page.locator("#file-inspections-section")).to_contain_text("未设置隔离观察室")

    page.goto("/dispatch/")
    page.get_by_role("link", name=timezone.localdate().strftime("%Y-%m-%d")).first.click()
    pdf = page.request.get(page.get_by_role("link", name="PDF").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "不具备" in text and "沂水县" in text
    # The same report as a spreadsheet, with the county ranking in it.
    sheet = page.request.get(page.get_by_role("link", name="表格（xlsx）").get_attribute("href"))
    book = load_workbook(io.BytesIO(sheet.body()))
    ranked = [row[1] for row in book["各县区排名"].iter_rows(min_row=2, values_only=True)]
    assert set(ranked) == {"兰山区", "沂水县"}
