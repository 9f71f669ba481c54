"""A day's health checks from a spreadsheet: checked, shown, confirmed, entered the
whole file or nothing; every wrong row named; only schools in the uploader's scope."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from people.models import HealthAlert, HealthCheck, HealthCheckImport, SessionReport
from tests.people.factories import SchoolClassFactory, reopened

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
HEADER = ["学校代码", "日期", "时段", "年级", "班级", "缺勤", "因病缺勤", "发热"]


def xlsx(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def classes(school_a):
    reopened(school_a)
    return [
        SchoolClassFactory(school=school_a, grade="高一", name="1班", enrolled=40),
        SchoolClassFactory(school=school_a, grade="高一", name="2班", enrolled=38),
    ]


def rows(school, *, ill=2):
    # The date as an office suite stores it (a date cell), the session in words.
    day = dt.datetime.combine(YESTERDAY, dt.time())
    return [
        (school.code, day, "晨检", "高一", "1班", 2, ill, 2),
        (school.code, day, "晨检", "高一", "2班", "", "", ""),
    ]


def check(send, user, data, name="checks.xlsx"):
    return send(user, reverse("health_import"), {"file": SimpleUploadedFile(name, data)})


def test_a_file_is_checked_then_entered_on_confirmation(send, official_a, school_a, classes):
    page = check(send, official_a, xlsx(rows(school_a)))
    body = page.content.decode()
    assert "2 行已核对" in body and "高一1班" in body
    assert not HealthCheck.objects.exists() and not HealthAlert.objects.exists()

    job = HealthCheckImport.objects.get()
    page = send(official_a, reverse("health_import_confirm", args=[job.pk]))
    assert "已登记 2 个班级的晨午检" in page.content.decode()
    report = SessionReport.objects.get()
    # 40 + 38 enrolled, 2 absent and ill with fever in 高一1班 (worked by hand).
    assert (report.classes, report.enrolled, report.absent, report.fever) == (2, 78, 2, 2)
    assert HealthAlert.objects.filter(rule="fever").count() == 1  # raised as if typed


def test_a_wrong_row_is_named_and_the_file_enters_nothing(send, official_a, school_a, classes):
    page = check(send, official_a, xlsx(rows(school_a, ill=3)))
    body = page.content.decode()
    # Row 2 of the file (the header is row 1): the class it names.
    assert '<td class="num">2</td><td>—</td><td>因病缺勤 3 人，超过缺勤 2 人。</td>' in body
    assert HealthCheckImport.objects.get().status == "refused"
    assert not HealthCheck.objects.exists() and not SessionReport.objects.exists()


def test_a_school_of_another_county_or_an_unknown_class_is_refused(
    send, official_a, school_a, school_b, classes
):
    SchoolClassFactory(school=school_b, grade="高一", name="1班")
    bad = [
        *rows(school_a),
        (school_b.code, YESTERDAY.isoformat(), "晨检", "高一", "1班", 0, 0, 0),
        (school_a.code, YESTERDAY.isoformat(), "午检", "高九", "1班", 0, 0, 0),
        (school_a.code, "2026-02-30", "晨检", "高一", "1班", 0, 0, 0),
    ]
    body = check(send, official_a, xlsx(bad)).content.decode()
    assert "您的范围内没有该代码的学校" in body
    assert "没有班级高九1班" in body and "日期请写成 2026-12-07" in body
    assert not HealthCheck.objects.exists()


def test_a_school_enters_its_own_day_without_the_code_column(
    send, school_contact_a, school_a, classes
):
    own = [row[1:] for row in rows(school_a)]
    check(send, school_contact_a, xlsx(own, header=HEADER[1:]))
    job = HealthCheckImport.objects.get()
    send(school_contact_a, reverse("health_import_confirm", args=[job.pk]))
    assert SessionReport.objects.get().school == school_a


def test_the_template_names_its_columns_in_chinese(login, official_a):
    response = login(official_a).get(reverse("health_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[:5] == ["学校代码", "日期", "时段", "年级", "班级"]


def test_classes_are_imported_added_or_brought_up_to_date(send, official_a, school_a, school_b):
    SchoolClassFactory(school=school_a, grade="高一", name="1班", enrolled=40)
    header = ["学校代码", "年级", "班级", "在籍人数", "班主任", "住宿"]
    rows = [
        (school_a.code, "高一", "1班", 45, "王老师", "否"),
        (school_a.code, "高一", "2班", 41, "", "是"),
    ]
    page = send(
        official_a, reverse("health_class_import"),
        {"file": SimpleUploadedFile("classes.xlsx", xlsx(rows, header=header))},
    )  # fmt: skip
    assert "2 行已核对" in page.content.decode()
    job = HealthCheckImport.objects.get()
    page = send(official_a, reverse("health_import_confirm", args=[job.pk]))
    assert "新增 1 个班级，更新 1 个" in page.content.decode()
    classes = {(c.name, c.enrolled, c.boarding) for c in school_a.classes.all()}
    assert classes == {("1班", 45, False), ("2班", 41, True)}

    bad = [(school_b.code, "高一", "1班", 40, "", ""), (school_a.code, "高一", "3班", 0, "", "")]
    body = send(
        official_a, reverse("health_class_import"),
        {"file": SimpleUploadedFile("classes.xlsx", xlsx(bad, header=header))},
    ).content.decode()  # fmt: skip
    assert "您的范围内没有该代码的学校" in body and "班级在籍人数应为 1 至 200 人" in body
    assert school_a.classes.count() == 2
