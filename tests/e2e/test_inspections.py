"""An inspection in the browser: record the visit with a finding and a photo,
issue and download the notice; the school reports; the inspector closes it."""

from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from inspections.models import Finding
from tests.inspections.factories import jpeg_bytes


def test_an_inspector_records_issues_and_closes(
    page_as, planned_visit, inspector_a, school_contact_a, areas, aspects, tmp_path
):
    page = page_as(inspector_a)
    page.goto(f"/inspections/visits/{planned_visit.pk}/")
    expect(page.locator("h1")).to_have_text("兰山区城关镇中心小学")
    page.locator(f'input[name="area-{areas["gate"].pk}"][value="problem"]').check()
    page.get_by_role("button", name="登记督查").click()  # the other places are left silent
    expect(page.locator(".check-row.invalid")).to_have_count(len(areas) + len(aspects) - 1)
    gate = page.locator(f'input[name="area-{areas["gate"].pk}"][value="problem"]')
    expect(gate).to_be_checked()  # what was chosen is kept
    for row in page.locator(".check-row.invalid").all():
        row.locator('input[value="ok"]').check()
    dorm = page.locator(f"#check-area-{areas['dormitory'].pk}")
    dorm.locator('input[value="skipped"]').check()
    dorm.get_by_role("textbox").fill("宿舍楼封闭施工")
    page.get_by_role("button", name="登记督查").click()
    expect(page.get_by_role("status").first).to_contain_text("督查已登记")

    page.get_by_label("问题", exact=True).fill("测温点无人值守")
    page.get_by_label("区域／方面").select_option(label="校门口")
    page.get_by_label("整改要求").fill("安排专人值守并建立台账")
    photo = tmp_path / "测温点.jpg"
    photo.write_bytes(jpeg_bytes())
    page.get_by_label("照片", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="添加问题").click()
    expect(page.get_by_role("status").first).to_contain_text("问题已登记")
    expect(page.locator(".items")).to_contain_text("测温点无人值守")

    page.get_by_role("button", name="出具整改通知书").click()
    expect(page.locator("h1")).to_contain_text("临教督整")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    with open(download.value.path(), "rb") as handle:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "测温点无人值守" in text and "兰山区城关镇中心小学" in text

    finding = Finding.objects.get()
    school = page_as(school_contact_a)
    school.goto(f"/inspections/findings/{finding.pk}/")
    school.get_by_label("整改情况").fill("已安排两名专人值守，台账已建立")
    school.get_by_role("button", name="上报", exact=True).click()
    expect(school.locator("#finding-status")).to_have_text("已上报整改")

    page.goto(f"/inspections/findings/{finding.pk}/")
    page.get_by_role("button", name="通过并销号").click()
    expect(page.locator("#finding-status")).to_have_text("已销号")


def loaded_width(page, image) -> int:
    """The image's natural width once it has loaded (polled: the pages' CSP allows no
    script evaluated from a string, as ``wait_for_function`` would)."""
    for _ in range(100):
        width = image.evaluate("img => img.complete ? img.naturalWidth : 0")
        if width:
            return width
        page.wait_for_timeout(50)
    return 0


def test_a_photo_opens_large_from_its_thumbnail(page_as, finding, inspector_a, school_contact_a):
    from inspections import services
    from tests.inspections.test_thumbnails import photo_bytes

    for name in ("门口.jpg", "台账.jpg"):
        services.finding_photo_add(
            actor=inspector_a, finding=finding, name=name, data=photo_bytes()
        )
    page = page_as(school_contact_a, mobile=True)
    page.goto(f"/inspections/findings/{finding.pk}/")
    thumbs = page.locator(".attachments img")
    expect(thumbs).to_have_count(2)
    thumbs.first.scroll_into_view_if_needed()
    assert loaded_width(page, thumbs.first) == 480  # the thumbnail, not 1600

    thumbs.first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("照片 1（1/2）")
    assert loaded_width(page, dialog.locator("img")) == 1600  # the photo itself
    dialog.get_by_role("button", name="下一张").click()
    expect(dialog).to_contain_text("照片 2（2/2）")
    page.keyboard.press("ArrowRight")  # round to the first again
    expect(dialog).to_contain_text("照片 1（1/2）")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.url.endswith(f"/inspections/findings/{finding.pk}/")  # never left the page
