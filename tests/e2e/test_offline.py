"""Work without signal, in Chromium with the network cut (the page's and the
service worker's): a checklist taken offline is filled, reloaded and sent."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from inspections.models import Finding
from tests.verification.fixtures import jpeg_bytes
from verification import selectors, services
from verification.models import Evidence, Response


def _cut(route):
    route.abort("internetdisconnected")


def network(context, *, on: bool) -> None:
    if on:
        context.unroute("**/*", _cut)
        context.set_offline(False)
    else:
        context.set_offline(True)
        context.route("**/*", _cut)


def _take_offline(page):
    # The service worker holds the page once it controls it.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_role("button", name="离线保存").click()
    expect(page.locator(".take-offline")).to_have_text("已存在本机 ✓（移除）")


def _checklist_offline(page_as, verification, member):
    """The member's checklist taken offline, the network then cut; with the first
    item (item 01, health's)."""
    page = page_as(member)
    page.goto(f"/verification/{verification.pk}/")
    _take_offline(page)
    network(page.context, on=False)
    return page, selectors.checklist(verification=verification).rows[0].item


def test_a_member_answers_offline_reloads_and_the_answers_reach_the_server(
    page_as, verification, county_members, tmp_path
):
    health = county_members["health"]
    page = page_as(health, mobile=True)
    page.goto(f"/verification/{verification.pk}/")
    _take_offline(page)
    rows = [row for row in selectors.checklist(verification=verification).rows
            if row.item.department.code == "health"]  # fmt: skip
    first, second = rows[0].item, rows[1].item

    network(page.context, on=False)
    item = page.locator(f"#item-{first.pk}")
    item.get_by_label("说明").fill("无留观区")
    item.get_by_label("不合格", exact=True).check()
    expect(item.locator(".item-status")).to_have_text("已保存在本机，待发送")
    page.locator(f"#item-{second.pk}").get_by_label("合格", exact=True).check()
    photo = tmp_path / "留观区.jpg"
    photo.write_bytes(jpeg_bytes())
    item.locator("input[type=file]").set_input_files(str(photo))
    expect(item.locator(".evidence-list .pending")).to_contain_text("留观区.jpg")
    # The item's answer changed again after the photo: sent after it, on the
    # revision the first answer gets.
    item.get_by_label("说明").fill("无留观区，已告知校长")
    item.get_by_label("说明").blur()
    expect(page.locator("#offline-status")).to_contain_text("已离线：4 项更改保存在本机")

    page.reload()  # offline: the copy on the phone, with what was typed
    item = page.locator(f"#item-{first.pk}")
    expect(item.get_by_label("不合格", exact=True)).to_be_checked()
    expect(item.get_by_label("说明")).to_have_value("无留观区，已告知校长")
    expect(item.locator(".evidence-list .pending")).to_contain_text("留观区.jpg")
    expect(page.locator("#offline-status")).to_contain_text("4 项更改")
    assert not Response.objects.filter(verification=verification).exists()

    network(page.context, on=True)
    expect(item.locator(".item-status")).to_have_text("已保存（离线时填写）")
    expect(item.locator(".evidence-list .pending")).to_have_count(0)
    expect(item.locator(".evidence-list img")).to_have_count(1)
    expect(page.locator("#offline-status")).to_be_hidden()
    saved = Response.objects.get(verification=verification, item=first)
    assert (saved.answer, saved.note, saved.answered_by) == (
        "fail",
        "无留观区，已告知校长",
        health,
    )
    assert (saved.revision, saved.history.count()) == (2, 2)
    assert Response.objects.get(verification=verification, item=second).answer == "pass"
    assert Evidence.objects.get().original_name == "留观区.jpg"


def test_a_change_made_meanwhile_by_another_member_is_shown_not_overwritten(
    page_as, verification, county_members
):
    health = county_members["health"]
    page, first = _checklist_offline(page_as, verification, health)
    item = page.locator(f"#item-{first.pk}")
    item.get_by_label("不合格", exact=True).check()
    expect(item.locator(".item-status")).to_have_text("已保存在本机，待发送")
    # Meanwhile the leader answers the same item for the health bureau.
    services.response_save(actor=county_members["education"], verification=verification,
                           item_id=first.pk, answer="pass", note="已整改")  # fmt: skip

    network(page.context, on=True)
    held = item.locator(".offline-held")
    expect(held).to_contain_text("你的答案：不合格；现已保存的：合格（已整改）")
    assert Response.objects.get(verification=verification, item=first).answer == "pass"
    expect(page.locator("#offline-status")).to_contain_text("1 项更改未能发送")

    held.get_by_role("button", name="保留我的").click()
    expect(item.locator(".item-status")).to_have_text("已保存（离线时填写）")
    saved = Response.objects.get(verification=verification, item=first)
    assert (saved.answer, saved.revision) == ("fail", 2)


def test_logging_out_clears_the_copies_and_the_queue(page_as, verification, county_members):
    page, first = _checklist_offline(page_as, verification, county_members["health"])
    page.locator(f"#item-{first.pk}").get_by_label("合格", exact=True).check()
    expect(page.locator("#offline-status")).to_contain_text("1 项更改")
    # A change still waits: logging out asks first, and "no" keeps everything.
    # (The dialog opens after the click has returned, or while it waits: handled
    # either way, never left open.)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="退出").click(no_wait_after=True)
    deadline = time.monotonic() + 10
    while not asked and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert asked == ["本机还有 1 项更改未发送，退出登录会删除它们。仍要退出吗？"]
    expect(page.locator("#offline-status")).to_contain_text("1 项更改")
    network(page.context, on=True)
    page.wait_for_selector("#offline-status[hidden]", state="attached")
    assert Response.objects.filter(verification=verification).count() == 1

    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/**")
    stored = page.evaluate(
        """async (path) => {
            const names = await caches.keys();
            const dbs = await indexedDB.databases();
            return {names, dbs: dbs.map(d => d.name), copy: !!(await caches.match(path))};
        }""",
        f"/verification/{verification.pk}/",
    )
    assert stored == {"names": [], "dbs": [], "copy": False}


def test_an_inspector_records_a_visit_with_a_finding_offline_then_issues_the_notice(
    page_as, planned_visit, inspector_a, areas, aspects, tmp_path
):
    page = page_as(inspector_a, mobile=True)
    url = f"/inspections/visits/{planned_visit.pk}/"
    page.goto(url)
    _take_offline(page)

    network(page.context, on=False)
    page.reload()  # the planned visit from the phone
    for row in page.locator(".check-row").all():
        row.locator('input[value="ok"]').check()
    page.locator(f'input[name="area-{areas["gate"].pk}"][value="problem"]').check()
    page.get_by_role("button", name="登记督查").click()
    expect(page.locator("#visit")).to_contain_text("督查登记已保存在本机")
    page.get_by_label("问题", exact=True).fill("测温点无人值守")
    page.get_by_label("区域／方面").select_option(label="校门口")
    page.get_by_label("整改要求").fill("安排专人值守并建立台账")
    photo = tmp_path / "测温点.jpg"
    photo.write_bytes(jpeg_bytes())
    page.get_by_label("照片", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="添加问题").click()
    expect(page.locator("#visit-queued li")).to_have_count(2)
    expect(page.locator("#visit-queued img")).to_have_count(1)

    page.reload()  # still offline: the record as typed, and the finding waiting
    expect(page.locator(f'input[name="area-{areas["gate"].pk}"][value="problem"]')).to_be_checked()
    expect(page.locator("#visit-queued")).to_contain_text("测温点无人值守")
    planned_visit.refresh_from_db()
    assert planned_visit.status == "planned" and not Finding.objects.exists()

    network(page.context, on=True)
    expect(page.locator("#visit")).to_contain_text("已发送")
    planned_visit.refresh_from_db()
    assert planned_visit.status == "recorded"
    finding = Finding.objects.get()
    assert (finding.description, finding.key_area, finding.photos.count()) == (
        "测温点无人值守", areas["gate"], 1)  # fmt: skip
    # Recorded: the planned visit's copy is gone from the phone.
    held = page.evaluate("async (path) => !!(await caches.match(path))", url)
    assert held is False

    page.reload()
    page.get_by_role("button", name="出具整改通知书").click()
    expect(page.locator("h1")).to_contain_text("临教督整")


def test_a_change_whose_answer_was_lost_is_sent_again_and_stored_once(
    page_as, verification, county_members
):
    page, first = _checklist_offline(page_as, verification, county_members["health"])
    page.locator(f"#item-{first.pk}").get_by_label("不合格", exact=True).check()
    expect(page.locator("#offline-status")).to_contain_text("1 项更改")

    sent = []

    def lose_the_answer(route):
        if "/answers/" in route.request.url and not sent:
            sent.append(route.fetch().status)  # the server writes it...
            route.abort("connectionreset")  # ...and the phone never hears back
        else:
            route.continue_()

    page.context.unroute("**/*", _cut)
    page.context.route("**/*", lose_the_answer)
    with page.expect_event("requestfailed", predicate=lambda r: "/answers/" in r.url):
        page.context.set_offline(False)
    assert sent == [200]
    expect(page.locator("#offline-status")).to_contain_text("1 项更改")  # still queued

    page.reload()  # online again: the queue is sent on load, under the same key
    expect(page.locator(f"#item-{first.pk} .item-status")).to_have_text("已保存（离线时填写）")
    saved = Response.objects.get(verification=verification, item=first)
    assert (saved.answer, saved.revision, saved.history.count()) == ("fail", 1, 1)


def test_a_change_refused_meanwhile_is_shown_with_its_reason_and_kept_until_discarded(
    page_as, verification, county_members
):
    page, first = _checklist_offline(page_as, verification, county_members["health"])
    page.locator(f"#item-{first.pk}").get_by_label("合格", exact=True).check()
    # Meanwhile the verification left the team (submitted to the leader).
    type(verification).objects.filter(pk=verification.pk).update(status="submitted")

    network(page.context, on=True)
    held = page.locator(f"#item-{first.pk} .offline-held")
    expect(held).to_contain_text("未能保存：")
    page.reload()  # kept, with its reason, until the user lets it go
    expect(held).to_contain_text("未能保存：")
    expect(page.locator("#offline-status")).to_contain_text("1 项更改未能发送")
    held.get_by_role("button", name="放弃此更改").click()
    expect(page.locator("#offline-status")).to_be_hidden()
    page.reload()
    expect(held).to_have_count(0)
    assert not Response.objects.filter(verification=verification).exists()


def test_a_visit_recorded_with_a_signal_but_no_connection_is_kept(
    page_as, planned_visit, inspector_a, areas
):
    """The phone says it is online, but nothing gets through: the record is queued,
    not posted into the void."""
    page = page_as(inspector_a)
    page.goto(f"/inspections/visits/{planned_visit.pk}/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    sent_into_the_void = []

    def cut(route):
        if route.request.method == "POST" and route.request.url.endswith("/record/"):
            sent_into_the_void.append(route.request.url)
        _cut(route)

    page.context.route("**/*", cut)  # navigator.onLine stays true
    for row in page.locator(".check-row").all():
        row.locator('input[value="ok"]').check()
    page.get_by_role("button", name="登记督查").click()
    expect(page.locator("#visit")).to_contain_text("督查登记已保存在本机")
    # The queue tries once at once, and fails: only then does the connection come
    # back (on a slow machine the try could otherwise go out after, and get through).
    for _ in range(100):
        if sent_into_the_void:
            break
        page.wait_for_timeout(50)
    assert sent_into_the_void, "the queued record was never tried"
    page.context.unroute("**/*", cut)
    page.reload()  # the connection is back: the queue is sent on load
    expect(page.locator("#visit")).to_contain_text("已发送")
    planned_visit.refresh_from_db()
    assert planned_visit.status == "recorded"
