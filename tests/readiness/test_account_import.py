"""Accounts from a spreadsheet: checked, shown, confirmed, opened the whole file or
nothing; each wrong row named; the first passwords by mail or on a printed sheet."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from readiness.models import AccountImport, User
from tests.readiness.factories import SchoolFactory

HEADER = ["学校代码", "姓名", "电话", "邮箱", "角色", "用户名"]


def xlsx(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(send, user, data, delivery="sheet"):
    file = SimpleUploadedFile("accounts.xlsx", data)
    return send(user, reverse("account_import"), {"file": file, "delivery": delivery})


@pytest.fixture
def ten_schools(county_a):
    return [SchoolFactory(county=county_a, code=f"21370210{n:02d}") for n in range(10)]


def good_rows(schools):
    return [
        (s.code, f"联络员{n}", f"139053912{n:02d}", f"c{n}@example.cn", "", "")
        for n, s in enumerate(schools)
    ]


def sheet_passwords(page) -> dict[str, str]:
    body = page.content.decode()
    names = re.findall(r'<dt>用户名</dt><dd class="mono">([^<]+)</dd>', body)
    passwords = re.findall(r'class="mono password">([^<]+)<', body)
    return dict(zip(names, passwords, strict=True))


def test_ten_schools_accounts_are_checked_then_opened_and_their_passwords_printed(
    send, login, official_a, ten_schools
):
    page = upload(send, official_a, xlsx(good_rows(ten_schools)))
    assert "已核对 10 行，尚未开设任何账号" in page.content.decode()
    assert not User.objects.filter(role="school").exists()
    job = AccountImport.objects.get()
    done = send(official_a, reverse("account_import_confirm", args=[job.pk]))
    assert "已开设 10 个账号" in done.content.decode()
    accounts = User.objects.filter(role="school")
    assert sorted(accounts.values_list("username", flat=True)) == sorted(
        s.code for s in ten_schools
    )
    assert set(job.accounts.all()) == set(accounts)
    assert not any(a.has_usable_password() for a in accounts)  # until the sheet is printed

    sheet = login(official_a).post(reverse("account_import_sheet", args=[job.pk]))
    first = sheet_passwords(sheet)
    assert len(first) == 10 and "no-store" in sheet["Cache-Control"]
    for account in accounts:
        account.refresh_from_db()
        assert account.check_password(first[account.username]) and account.must_change_password
    # One school logs in; printing again renews only the nine others, the first sheet void.
    taken = ten_schools[0].code
    login(User.objects.get(username=taken))
    User.objects.filter(username=taken).update(last_login="2026-12-01T09:00:00+08:00")
    second = sheet_passwords(
        login(official_a).post(reverse("account_import_sheet", args=[job.pk]))
    )
    assert taken not in second and len(second) == 9
    other = User.objects.get(username=ten_schools[1].code)
    assert other.check_password(second[other.username]) and not other.check_password(
        first[other.username]
    )
    assert User.objects.get(username=taken).check_password(first[taken])


def test_with_links_each_holder_is_mailed_once_the_file_is_confirmed(
    send, official_a, ten_schools, django_capture_on_commit_callbacks
):
    upload(send, official_a, xlsx(good_rows(ten_schools[:2])), delivery="link")
    assert not mail.outbox  # checking mails nobody
    job = AccountImport.objects.get()
    send(official_a, reverse("account_import_confirm", args=[job.pk]))
    assert sorted(m.to[0] for m in mail.outbox) == ["c0@example.cn", "c1@example.cn"]
    assert all("/account/set-password/" in m.body for m in mail.outbox)


def test_every_wrong_row_is_named_and_nothing_is_opened(
    send, official_a, ten_schools, school_b, city_school_a, school_contact_a
):
    s = ten_schools
    rows = [
        (s[0].code, "甲", "", "a@example.cn", "", ""),
        (s[1].code, "乙", "", "b@example.cn", "", s[0].code),  # the user name of row 2
        ("9999999999", "丙", "", "", "", ""),  # no such school
        (school_b.code, "丁", "", "", "", ""),  # another county's school
        (city_school_a.code, "戊", "", "", "", ""),  # a city-direct school
        (s[2].code, "己", "", "not-an-email", "", ""),
        (s[3].code, "庚", "", "", "", school_contact_a.username),  # taken already
        (s[4].code, "辛", "", "", "县区教育局", "boss"),  # a role above the official's
        (s[5].code, "", "", "", "", ""),  # no name
        (s[6].code, "壬", "12", "", "", ""),  # not a phone number
        (s[7].code, "癸", "", "", "校长", ""),  # no such role
    ]
    page = upload(send, official_a, xlsx(rows))
    body = page.content.decode()
    errors = re.findall(
        r'<tr><td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>', body
    )
    assert errors == [
        ("3", "用户名", f"用户名 {s[0].code} 已出现在第 2 行。"),
        ("4", "学校代码", "没有代码为 9999999999 的学校。"),
        ("5", "学校代码", f"{school_b.name} 不是您所辖的学校。"),
        ("6", "学校代码", f"{city_school_a.name} 不是您所辖的学校。"),
        ("7", "电子邮箱", "请填写电子邮箱，如 name@example.cn。"),
        ("8", "用户名", f"用户名 {school_contact_a.username} 已被使用。"),
        ("9", "角色", "您不能开设角色为“县区教育局”的账号。"),
        ("10", "姓名", "请填写使用人姓名。"),
        ("11", "电话", "请填写电话号码，如 13905391234。"),
        ("12", "角色", "无法识别的角色：校长。"),
    ]
    assert AccountImport.objects.get().status == "refused"
    assert User.objects.count() == 2  # the official and the contact who was there before


def test_links_need_every_rows_email(send, official_a, ten_schools):
    rows = good_rows(ten_schools[:2])
    rows[1] = (*rows[1][:3], "", "", "")
    body = upload(send, official_a, xlsx(rows), delivery="link").content.decode()
    assert "设置密码的链接通过邮件发送：请填写电子邮箱" in body
    assert not User.objects.filter(role="school").exists()


def test_an_import_is_its_uploaders_alone(
    send, login, official_a, official_b, city_staff, ten_schools
):
    upload(send, official_a, xlsx(good_rows(ten_schools[:1])))
    job = AccountImport.objects.get()
    send(official_a, reverse("account_import_confirm", args=[job.pk]))
    for other in (official_b, city_staff):
        client = login(other)
        assert client.get(reverse("account_import_status", args=[job.pk])).status_code == 404
        assert client.post(reverse("account_import_sheet", args=[job.pk])).status_code == 404
        assert client.post(reverse("account_import_confirm", args=[job.pk])).status_code == 404
    assert not User.objects.get(username=ten_schools[0].code).has_usable_password()


def test_the_template_has_the_columns_in_the_users_language(login, official_a):
    response = login(official_a).get(reverse("account_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == [
        "学校代码",
        "姓名",
        "电话",
        "电子邮箱",
        "角色",
        "用户名",
        "县区",
    ]
