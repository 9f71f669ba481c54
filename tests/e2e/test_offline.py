"""Work without signal, in Chromium with the network cut (the page's and the
service worker's): a checklist taken offline is filled, reloaded and sent."""

from __future__ import annotations

from playwright.sync_api import expect

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
    expect(page.locator("#offline-status")).to_contain_text("已离线：3 项更改保存在本机")

    page.reload()  # offline: the copy on the phone, with what was typed
    item = page.locator(f"#item-{first.pk}")
    expect(item.get_by_label("不合格", exact=True)).to_be_checked()
    expect(item.get_by_label("说明")).to_have_value("无留观区")
    expect(item.locator(".evidence-list .pending")).to_contain_text("留观区.jpg")
    expect(page.locator("#offline-status")).to_contain_text("3 项更改")
    assert not Response.objects.filter(verification=verification).exists()

    network(page.context, on=True)
    expect(item.locator(".item-status")).to_have_text("已保存（离线时填写）")
    expect(item.locator(".evidence-list .pending")).to_have_count(0)
    expect(item.locator(".evidence-list img")).to_have_count(1)
    expect(page.locator("#offline-status")).to_be_hidden()
    saved = Response.objects.get(verification=verification, item=first)
    assert (saved.answer, saved.note, saved.answered_by) == ("fail", "无留观区", health)
    assert Response.objects.get(verification=verification, item=second).answer == "pass"
    assert Evidence.objects.get().original_name == "留观区.jpg"


def test_a_change_made_meanwhile_by_another_member_is_shown_not_overwritten(
    page_as, verification, county_members
):
    health = county_members["health"]
    page = page_as(health)
    page.goto(f"/verification/{verification.pk}/")
    _take_offline(page)
    first = selectors.checklist(verification=verification).rows[0].item

    network(page.context, on=False)
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
    page = page_as(county_members["health"])
    page.goto(f"/verification/{verification.pk}/")
    _take_offline(page)
    first = selectors.checklist(verification=verification).rows[0].item
    network(page.context, on=False)
    page.locator(f"#item-{first.pk}").get_by_label("合格", exact=True).check()
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
