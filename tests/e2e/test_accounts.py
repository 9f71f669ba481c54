"""The first week, in a browser: a county official opens the accounts of ten schools
from a spreadsheet; a school's contact sets a password from the mailed link and
arrives on their to-do home page."""

from __future__ import annotations

import io
import re

import openpyxl
from django.core import mail
from playwright.sync_api import expect

from readiness.models import User
from tests.readiness.factories import SchoolFactory


def test_a_county_imports_ten_schools_and_a_contact_takes_up_the_account(
    page_as, browser, live_server, official_a, county_a, tmp_path
):
    schools = [
        SchoolFactory(county=county_a, code=f"21370220{n:02d}", name=f"兰山区第{n + 1}小学")
        for n in range(10)
    ]
    book = openpyxl.Workbook()
    book.active.append(["学校代码", "姓名", "电话", "邮箱"])
    for n, school in enumerate(schools):
        book.active.append([school.code, f"联络员{n}", f"139053912{n:02d}", f"c{n}@example.cn"])
    path = tmp_path / "兰山区学校账号.xlsx"
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())

    page = page_as(official_a)
    page.goto("/accounts/")
    page.get_by_role("link", name="导入账号").click()
    page.get_by_label("表格文件（xlsx 或 csv）").set_input_files(str(path))
    expect(page.get_by_label("通过邮件发送设置密码的链接")).to_be_checked()
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator("#preview tbody tr")).to_have_count(10)
    expect(page.locator("#preview")).to_contain_text("兰山区第1小学")
    assert not User.objects.filter(role="school").exists()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-done")).to_contain_text("已开设 10 个账号")
    assert User.objects.filter(role="school", school__county=county_a).count() == 10
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"c{n}@example.cn" for n in range(10))

    # The contact of the first school opens the mailed link on their phone.
    message = next(m for m in mail.outbox if m.to == ["c0@example.cn"])
    link = re.search(r"https?://\S+/account/set-password/\S+/", message.body).group(0)
    path_of_link = "/account/" + link.split("/account/", 1)[1]
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    holder = context.new_page()
    holder.goto(path_of_link)
    expect(holder.get_by_role("heading", name="设置密码")).to_be_visible()
    holder.get_by_label("新密码", exact=True).fill("12345")
    holder.get_by_label("新密码确认").fill("12345")
    holder.get_by_role("button", name="设置密码并登录").click()
    expect(holder.locator(".error").first).to_be_visible()  # refused, on the same page
    holder.get_by_label("新密码", exact=True).fill("yimeng-hills-2026")
    holder.get_by_label("新密码确认").fill("yimeng-hills-2026")
    holder.get_by_role("button", name="设置密码并登录").click()
    expect(holder.get_by_role("heading", name="您好，联络员0")).to_be_visible()
    expect(holder.locator("main")).to_contain_text("待办")
    assert holder.url.rstrip("/") == live_server.url
    context.close()
    contact = User.objects.get(username=schools[0].code)
    assert contact.check_password("yimeng-hills-2026") and contact.last_login is not None
