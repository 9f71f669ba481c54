"""The whole verification journey in a browser: answer, upload, reload, confirm,
submit, approve; the school then shows as ready."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_offline import network
from tests.verification.fixtures import jpeg_bytes
from verification import selectors, services


def test_a_team_verifies_a_school_and_the_leader_approves(
    page_as, verification, county_members, school_a, tmp_path, verification_alone
):
    health = county_members["health"]
    page = page_as(health)
    page.goto(f"/verification/{verification.pk}/")
    expect(page.locator("h1")).to_have_text("兰山区城关镇中心小学")

    sheet = selectors.checklist(verification=verification)
    pages = {"health": page}
    other = next(r for r in sheet.rows if r.item.department.code != "health")
    refused = page.locator(f"#item-{other.item.pk}").get_by_label("合格", exact=True)
    expect(refused).to_be_disabled()  # another department's item
    for row in sheet.rows:  # each department answers its own items
        code = row.item.department.code
        if code not in pages:
            pages[code] = page_as(county_members[code])
            pages[code].goto(f"/verification/{verification.pk}/")
        item = pages[code].locator(f"#item-{row.item.pk}")
        item.get_by_label("合格", exact=True).check()
        expect(item.locator(".item-status")).to_contain_text("已保存")
    page.reload()
    first = page.locator(f"#item-{sheet.rows[0].item.pk}")
    first.get_by_label("说明").fill("测温点和留观区已设置")
    first.get_by_label("说明").blur()
    expect(first.locator(".item-status")).to_contain_text("已保存")
    expect(page.locator("#progress-total")).to_have_text(f"{sheet.total}/{sheet.total}")

    photo = tmp_path / "门口测温点.jpg"
    photo.write_bytes(jpeg_bytes())
    needs_photo = next(row for row in sheet.rows if row.item.evidence_required)
    owner = pages[needs_photo.item.department.code]
    owner.reload()
    evidence = owner.locator(f"#item-{needs_photo.item.pk}")
    evidence.locator("input[type=file]").set_input_files(str(photo))
    expect(evidence.locator(".evidence-list")).to_contain_text("门口测温点.jpg")

    page.reload()  # everything was saved as it was given
    owner.reload()
    expect(first.get_by_label("合格", exact=True)).to_be_checked()
    expect(first.get_by_label("说明")).to_have_value("测温点和留观区已设置")
    expect(evidence.locator(".evidence-list")).to_contain_text("门口测温点.jpg")

    for code in ("health", "education", "market", "hr", "sport"):
        member_page = page if code == "health" else page_as(county_members[code])
        member_page.goto(f"/verification/{verification.pk}/")
        member_page.get_by_role("button", name="确认本部门部分").first.click()
        expect(member_page.get_by_role("status").first).to_contain_text("本部门部分已确认")
    page.goto(f"/verification/{verification.pk}/")
    page.get_by_role("button", name="提交组长审核").first.click()
    expect(page.locator("#status")).to_have_text("已提交")

    leader = page_as(county_members["education"])
    leader.goto(f"/verification/{verification.pk}/")
    leader.get_by_role("button", name="审核通过").click()
    expect(leader.locator(".badge.result-passed").first).to_have_text("具备开学条件")

    leader.goto(f"/schools/{school_a.pk}/")
    expect(leader.locator("#readiness")).to_have_text("具备开学条件")


def test_a_stale_answer_in_a_second_tab_shows_the_newer_one(page_as, verification, county_members):
    sheet = selectors.checklist(verification=verification)
    item_id = sheet.rows[0].item.pk
    one = page_as(county_members["health"])
    two = page_as(county_members["education"])  # the leader answers any item
    for page in (one, two):
        page.goto(f"/verification/{verification.pk}/")
    one.locator(f"#item-{item_id}").get_by_label("不合格").check()
    expect(one.locator(f"#item-{item_id} .item-status")).to_contain_text("已保存")
    # click, not check: the page puts the newer answer back at once
    two.locator(f"#item-{item_id}").get_by_label("合格", exact=True).click()
    status = two.locator(f"#item-{item_id} .item-status")
    expect(status).to_contain_text(re.compile("已将此项修改为“不合格”"))
    expect(two.locator(f"#item-{item_id}").get_by_label("不合格")).to_be_checked()


def test_a_member_moves_through_the_checklist_on_a_phone(page_as, verification, county_members):
    """The bar stays in view with the progress; 'next unanswered' skips what is
    answered and what belongs to other departments; the actions are at the end too."""
    leader = county_members["education"]  # the leader may answer every item
    page = page_as(leader, mobile=True)
    page.goto(f"/verification/{verification.pk}/")
    sheet = selectors.checklist(verification=verification)
    first, second = sheet.rows[0], sheet.rows[1]
    page.locator(f"#item-{first.item.pk}").get_by_label("合格", exact=True).check()
    expect(page.locator("#progress-sticky")).to_have_text(f"1/{sheet.total}")
    page.locator("#next-unanswered").click()
    expect(page.locator(f"#item-{second.item.pk} input[name=answer]").first).to_be_focused()
    page.mouse.wheel(0, 3000)
    expect(page.locator("#checklist-nav")).to_be_in_viewport()
    expect(
        page.locator("#checklist-end").get_by_role("button", name="提交组长审核")
    ).to_be_visible()


def test_the_history_is_fetched_when_it_is_opened(page_as, verification, county_members):
    member = county_members["health"]
    item = next(r.item for r in selectors.checklist(verification=verification).rows
                if r.item.department.code == "health")  # fmt: skip
    services.response_save(actor=member, verification=verification, item_id=item.pk,
                           answer="fail", note="测温点未设置")  # fmt: skip
    page = page_as(member)
    page.goto(f"/verification/{verification.pk}/")
    history = page.locator("details[data-latest]")
    expect(history.locator("[data-history] li")).to_have_count(0)  # not read with the page
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # as on a phone
    network(page.context, on=False)  # the page's and its service worker's
    history.locator("summary").click()
    expect(history.locator("[data-history]")).to_contain_text("未能取得最近的更改")
    network(page.context, on=True)
    history.locator("summary").click()  # closed, then opened again: asked again
    history.locator("summary").click()
    expect(history.locator("[data-history]")).to_contain_text("测温点未设置")
    expect(history.get_by_role("link", name="全部记录")).to_be_visible()
