"""School import: preview, confirm, and every bad input refused with nothing written."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from readiness import services
from readiness.models import School, SchoolImport
from tests.readiness.factories import SchoolFactory

HEADER = ["学校代码", "学校名称", "县区代码", "学段", "寄宿", "学生数", "教职工数", "风险等级"]


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_rows(county_code="371302", n=3, start=1):
    return [
        (
            f"21370299{i:02d}",
            f"兰山区第{i}实验小学",
            county_code,
            "小学",
            "否",
            800 + i,
            50,
            "低风险",
        )
        for i in range(start, start + n)
    ]


_INPUTS: dict[int, tuple] = {}
_BEFORE: dict[int, list] = {}


def schools_now() -> list[tuple]:
    return sorted(School.objects.values_list("code", "name", "county__code", "level"))


def preview(user, name, data, **kwargs):
    before = schools_now()
    outcome = services.school_import_preview(actor=user, name=name, data=data, **kwargs)
    _INPUTS[id(outcome)] = (user, name, data, kwargs)  # what a confirmation writes
    _BEFORE[id(outcome)] = before  # the schools before the file was read
    return outcome


def write(outcome, actor=None):
    """Confirms a preview: the same file written, as the job's second run does."""
    user, name, data, kwargs = _INPUTS[id(outcome)]
    return services.school_import_write(actor=actor or user, name=name, data=data, **kwargs)


def messages(outcome):
    return [(e.row, e.column, e.message) for e in outcome.errors]


# The stored values of the words the files of these tests use.
LEVELS = {"小学": "primary", "幼儿园": "kindergarten"}
YES_NO = {"是": True, "否": False}
RISKS = {"低风险": "low", "中风险": "medium"}


def stored(code) -> tuple:
    school = School.objects.get(code=code)
    return (
        school.code, school.name, school.county.code, school.level, school.boarding,
        school.students, school.staff, school.risk_level,
    )  # fmt: skip


def as_in_file(row) -> tuple:
    """A full row of HEADER, as the school it should become."""
    code, name, county, level, boarding, students, staff, risk = row
    return (
        str(code), name, str(county), LEVELS[level], YES_NO[boarding], int(students),
        int(staff), RISKS[risk],
    )  # fmt: skip


def assert_written(rows) -> None:
    """Exactly the schools of these full rows, with the values of the file."""
    assert School.objects.count() == len(rows)
    for row in rows:
        assert stored(row[0]) == as_in_file(row)


# --- the happy paths ---------------------------------------------------------------


def test_preview_writes_nothing_and_confirm_imports_all(official_a, county_a):
    outcome = preview(official_a, "schools.csv", csv_bytes(good_rows()))
    assert outcome.ok, outcome.errors
    assert (outcome.total, outcome.new) == (3, 3)
    assert not School.objects.exists()
    result = write(outcome, official_a)
    assert result.ok
    assert School.objects.filter(county=county_a).count() == 3
    assert not SchoolImport.objects.exists()
    assert_written(good_rows())


def test_xlsx_with_numeric_codes_is_read(official_a, county_a):
    rows = [(2137029901, "兰山区实验幼儿园", 371302, "幼儿园", "是", 120.0, 12, "中风险")]
    outcome = preview(official_a, "schools.xlsx", xlsx_bytes(rows))
    assert outcome.ok, messages(outcome)
    write(outcome, official_a)
    school = School.objects.get(code="2137029901")
    assert (school.level, school.boarding, school.students, school.risk_level) == (
        "kindergarten",
        True,
        120,
        "medium",
    )
    assert_written(
        [("2137029901", "兰山区实验幼儿园", "371302", "幼儿园", "是", 120, 12, "中风险")]
    )


def test_utf8_with_bom_is_read(official_a, county_a):
    outcome = preview(official_a, "s.csv", b"\xef\xbb\xbf" + csv_bytes(good_rows(n=1)))
    assert outcome.ok, messages(outcome)
    assert write(outcome).ok
    assert_written(good_rows(n=1))  # the BOM hides neither the first column nor its values


def test_gbk_csv_is_read(official_a, county_a):
    outcome = preview(official_a, "s.csv", csv_bytes(good_rows(n=2), encoding="gbk"))
    assert outcome.ok, messages(outcome)
    write(outcome, official_a)
    assert School.objects.get(code="2137029901").name == "兰山区第1实验小学"
    assert_written(good_rows(n=2))


def test_english_headers_in_any_order_and_english_values(official_a, county_a):
    header = ["Level", "School name", "School code", "County code"]
    rows = [("Primary school", "兰山区英文表头小学", "2137029901", "371302")]
    outcome = preview(official_a, "s.csv", csv_bytes(rows, header=header))
    assert outcome.ok, messages(outcome)
    assert write(outcome).ok
    assert schools_now() == [("2137029901", "兰山区英文表头小学", "371302", "primary")]


def test_county_may_be_given_by_name(official_a, county_a):
    rows = [("2137029901", "兰山区县名小学", "兰山区", "小学")]
    outcome = preview(official_a, "s.csv", csv_bytes(rows, header=HEADER[:4]))
    assert outcome.ok, messages(outcome)
    assert write(outcome).ok
    assert schools_now() == [("2137029901", "兰山区县名小学", "371302", "primary")]


def test_update_mode_updates_schools_in_scope(official_a, school_a):
    rows = [(school_a.code, "兰山区城关镇中心小学（新址）", "371302", "小学")]
    outcome = preview(
        official_a, "s.csv", csv_bytes(rows, header=HEADER[:4]), update_existing=True
    )
    assert outcome.ok, messages(outcome)
    assert outcome.updated == 1
    write(outcome, official_a)
    school_a.refresh_from_db()
    assert school_a.name == "兰山区城关镇中心小学（新址）"
    assert school_a.students == 600  # columns not in the file keep their values
    assert schools_now() == [(school_a.code, "兰山区城关镇中心小学（新址）", "371302", "primary")]


def test_city_staff_imports_for_any_county(city_staff, county_a, county_b):
    rows = good_rows("371302", n=1) + good_rows("371323", n=1, start=2)
    outcome = preview(city_staff, "s.csv", csv_bytes(rows))
    assert outcome.ok, messages(outcome)
    assert write(outcome).ok
    assert_written(rows)


# --- bad input: a clear message, nothing written --------------------------------------


def assert_refused(outcome, *fragments):
    assert not outcome.ok
    text = " ".join(e.message for e in outcome.errors)
    for fragment in fragments:
        assert fragment in text, text
    assert not SchoolImport.objects.exists()
    before = _BEFORE[id(outcome)]
    assert schools_now() == before
    # Confirmed all the same, the file writes nothing, not even its good rows.
    assert not write(outcome).ok
    assert schools_now() == before


def test_unknown_county_code_is_refused(official_a, county_a):
    rows = [*good_rows(n=1), ("2137029999", "某小学", "379999", "小学", "否", 1, 1, "低风险")]
    outcome = preview(official_a, "s.csv", csv_bytes(rows))
    assert_refused(outcome, "未知的县区代码“379999”")
    assert messages(outcome)[0][:2] == (3, "县区代码")


def test_duplicate_code_within_the_file_is_refused(official_a, county_a):
    rows = [*good_rows(n=2), good_rows(n=1)[0]]
    outcome = preview(official_a, "s.csv", csv_bytes(rows))
    assert_refused(outcome, "学校代码 2137029901 重复，首次出现在第 2 行")
    assert messages(outcome)[0][0] == 4


def test_duplicate_code_against_the_database_is_refused(official_a, school_a):
    rows = [(school_a.code, "另一所小学", "371302", "小学", "否", 1, 1, "低风险")]
    outcome = preview(official_a, "s.csv", csv_bytes(rows))
    assert_refused(outcome, f"学校代码 {school_a.code} 已存在")


def test_code_of_a_school_in_another_county_is_refused_in_update_mode(official_a, school_b):
    rows = [(school_b.code, "改名", "371302", "小学")]
    outcome = preview(
        official_a, "s.csv", csv_bytes(rows, header=HEADER[:4]), update_existing=True
    )
    assert_refused(outcome, "管辖范围以外")
    school_b.refresh_from_db()
    assert school_b.name == "沂水县高桥镇中心小学"


def test_row_for_another_county_is_refused_for_a_county_official(official_a, county_a, county_b):
    rows = good_rows("371323", n=1)
    outcome = preview(official_a, "s.csv", csv_bytes(rows))
    assert_refused(outcome, "不在您可维护的范围内")


def test_a_school_cannot_be_moved_to_another_county(city_staff, school_a, county_b):
    """Even the city bureau, who may edit both counties: a school's records carry
    its county."""
    rows = [(school_a.code, school_a.name, "371323", "小学")]
    outcome = preview(
        city_staff, "s.csv", csv_bytes(rows, header=HEADER[:4]), update_existing=True
    )
    assert_refused(outcome, f"学校 {school_a.code} 属于兰山区，学校所属区县不能更改")
    assert messages(outcome)[0][:2] == (2, "县区代码")
    school_a.refresh_from_db()
    assert school_a.county.code == "371302"


def test_unknown_level_is_refused(official_a, county_a):
    rows = [("2137029901", "某学校", "371302", "大专", "否", 1, 1, "低风险")]
    outcome = preview(official_a, "s.csv", csv_bytes(rows))
    assert_refused(outcome, "无法识别的值“大专”")
    assert messages(outcome)[0][1] == "学段"


def test_empty_file_is_refused(official_a):
    assert_refused(preview(official_a, "s.csv", b""), "文件是空的")


def test_header_only_file_is_refused(official_a):
    assert_refused(preview(official_a, "s.csv", csv_bytes([])), "没有数据行")


def test_missing_column_is_refused(official_a, county_a):
    header = ["学校代码", "学校名称", "学段"]
    outcome = preview(official_a, "s.csv", csv_bytes([("2137029901", "某小学", "小学")], header))
    assert_refused(outcome, "缺少列：县区代码")


def test_renamed_column_is_refused_and_named(official_a, county_a):
    header = ["学校代码", "校名", "县区代码", "学段"]
    rows = [("2137029901", "某小学", "371302", "小学")]
    outcome = preview(official_a, "s.csv", csv_bytes(rows, header))
    assert_refused(outcome, "缺少列：学校名称")
    assert outcome.unknown_columns == ["校名"]


def test_a_file_that_is_not_a_spreadsheet_is_refused(official_a):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
    assert_refused(preview(official_a, "photo.csv", png), "不是表格")


def test_a_zip_that_is_not_xlsx_is_refused(official_a):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    assert_refused(preview(official_a, "s.xlsx", buffer.getvalue()), "不是表格")


def test_a_truncated_xlsx_is_refused(official_a, county_a):
    data = xlsx_bytes(good_rows(n=1))
    assert_refused(preview(official_a, "s.xlsx", data[: len(data) // 2]))


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_an_upload_over_the_limit_is_refused(official_a, county_a):
    data = csv_bytes(good_rows(n=40))
    assert len(data) > 1024
    assert_refused(preview(official_a, "s.csv", data), "文件超过")


def test_gbk_file_with_a_bad_last_row_writes_nothing(official_a, county_a):
    rows = [
        *good_rows(n=30),
        ("2137029999", "沂蒙山区某小学", "371302", "小学", "否", "三百", 1, "低风险"),
    ]
    outcome = preview(official_a, "s.csv", csv_bytes(rows, encoding="gbk"))
    assert_refused(outcome, "“三百”不是数字")
    assert messages(outcome) == [(32, "学生数", "“三百”不是数字。")]
    assert not School.objects.exists()


def test_confirm_checks_again_and_writes_nothing_when_the_database_changed(official_a, county_a):
    outcome = preview(official_a, "s.csv", csv_bytes(good_rows(n=3)))
    assert outcome.ok
    SchoolFactory(code="2137029903", county=county_a)  # someone took a code meanwhile
    result = write(outcome, official_a)
    assert not result.ok
    assert School.objects.count() == 1
    assert not School.objects.filter(code__in=["2137029901", "2137029902"]).exists()


def test_every_error_of_a_file_is_listed_with_row_and_column(official_a, county_a):
    rows = [
        ("12345", "甲小学", "371302", "小学", "否", 1, 1, "低风险"),
        ("2137029902", "", "371302", "小学", "也许", 1, 1, "低风险"),
    ]
    outcome = preview(official_a, "s.csv", csv_bytes(rows))
    assert {(e.row, e.column) for e in outcome.errors} == {
        (2, "学校代码"),
        (3, "学校名称"),
        (3, "寄宿"),
    }
    assert_refused(outcome)


# --- the pages ------------------------------------------------------------------------


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_import_page_checks_in_the_background_then_imports(send, official_a, county_a):
    page = send(
        official_a, reverse("school_import"), {"file": upload("s.csv", csv_bytes(good_rows(n=2)))}
    )
    body = page.content.decode()
    assert "导入前核对" in body and "兰山区第1实验小学" in body
    assert not School.objects.exists()
    job = SchoolImport.objects.get()
    assert (job.stage, job.status, job.total) == ("preview", "done", 2)
    page = send(official_a, reverse("school_import_confirm", args=[job.pk]))
    assert "已导入：新增 2 所学校" in page.content.decode()
    assert School.objects.count() == 2
    assert_written(good_rows(n=2))
    job.refresh_from_db()
    assert (job.stage, job.status, bool(job.file)) == ("confirm", "done", False)


def test_a_job_is_confirmed_once(send, official_a, county_a):
    send(
        official_a, reverse("school_import"), {"file": upload("s.csv", csv_bytes(good_rows(n=2)))}
    )
    job = SchoolImport.objects.get()
    send(official_a, reverse("school_import_confirm", args=[job.pk]))
    page = send(official_a, reverse("school_import_confirm", args=[job.pk]))
    assert "此文件已导入或有错误" in page.content.decode()
    assert School.objects.count() == 2
    assert_written(good_rows(n=2))


def test_import_page_lists_errors_in_chinese(send, official_a, county_a):
    rows = [("2137029901", "某学校", "371302", "大专", "否", 1, 1, "低风险")]
    page = send(official_a, reverse("school_import"), {"file": upload("s.csv", csv_bytes(rows))})
    body = page.content.decode()
    assert "文件未导入" in body and "无法识别的值“大专”" in body
    assert not School.objects.exists()
    assert not SchoolImport.objects.get().file  # a refused file is not kept


def test_import_page_in_english_gives_english_errors(login, send, official_a, county_a):
    login(official_a).post(reverse("set_language"), {"language": "en"})
    rows = [("2137029901", "某学校", "371302", "college", "否", 1, 1, "低风险")]
    page = send(official_a, reverse("school_import"), {"file": upload("s.csv", csv_bytes(rows))})
    assert "Unknown value “college”" in page.content.decode()


@override_settings(UPLOAD_MAX_BYTES=100)
def test_import_page_refuses_an_oversized_upload(login, official_a, county_a):
    response = login(official_a).post(
        reverse("school_import"), {"file": upload("s.csv", csv_bytes(good_rows(n=5)))}
    )
    assert "文件超过" in response.content.decode()
    assert not SchoolImport.objects.exists()


def test_another_users_import_cannot_be_seen_or_confirmed(
    send, login, official_a, official_b, county_a
):
    send(
        official_a, reverse("school_import"), {"file": upload("s.csv", csv_bytes(good_rows(n=1)))}
    )
    job = SchoolImport.objects.get()
    assert login(official_b).get(reverse("school_import_status", args=[job.pk])).status_code == 404
    response = login(official_b).post(reverse("school_import_confirm", args=[job.pk]))
    assert response.status_code == 404
    assert not School.objects.exists()


@pytest.mark.parametrize("role", ["task_force", "verifier", "inspector", "supplies"])
def test_roles_without_the_right_get_403_on_import(login, make_user, role):
    response = login(make_user(role)).get(reverse("school_import"))
    assert response.status_code == 403


def test_school_contact_gets_403_on_import(login, school_contact_a):
    assert login(school_contact_a).get(reverse("school_import")).status_code == 403


def test_stale_uploads_are_purged(send, official_a, county_a):
    import datetime as dt
    import os

    from django.utils import timezone

    send(
        official_a, reverse("school_import"), {"file": upload("s.csv", csv_bytes(good_rows(n=1)))}
    )
    path = SchoolImport.objects.get().file.path
    SchoolImport.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert services.school_import_purge() == 1
    assert not os.path.exists(path)
    assert not SchoolImport.objects.get().file


def test_the_template_has_every_column_and_imports_once_filled(login, official_a, county_a):
    response = login(official_a).get(reverse("school_import_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["学校代码", "学校名称", "县区代码", "学段"] and len(header) == 13
    sheet.append(["2137029901", "兰山区模板小学", "371302", "小学", "县区", "否", 500, 40])
    out = io.BytesIO()
    sheet.parent.save(out)
    outcome = preview(official_a, "t.xlsx", out.getvalue())
    assert outcome.ok, messages(outcome)
    assert write(outcome).ok
    school = School.objects.get()
    assert (
        school.code, school.name, school.county.code, school.level, school.jurisdiction,
        school.boarding, school.students, school.staff,
    ) == ("2137029901", "兰山区模板小学", "371302", "primary", "county", False, 500, 40)  # fmt: skip


def test_template_is_refused_without_the_right(login, school_contact_a):
    assert login(school_contact_a).get(reverse("school_import_template")).status_code == 403


def test_empty_optional_cells_keep_the_schools_values(official_a, school_a):
    school_a.risk_level = "high"
    school_a.boarding = True
    school_a.save()
    rows = [(school_a.code, school_a.name, "371302", "小学", "", "", "", "")]
    outcome = preview(official_a, "s.csv", csv_bytes(rows), update_existing=True)
    assert outcome.ok, messages(outcome)
    write(outcome, official_a)
    school_a.refresh_from_db()
    assert (school_a.risk_level, school_a.boarding, school_a.students) == ("high", True, 600)


def test_blank_lines_do_not_shift_the_row_numbers(official_a, county_a):
    data = (
        "学校代码,学校名称,县区代码,学段\r\n"
        "2137029901,兰山区甲小学,371302,小学\r\n"
        "\r\n"
        ",,,\r\n"
        "2137029902,兰山区乙小学,371302,大专\r\n"
    ).encode()
    outcome = preview(official_a, "s.csv", data)
    assert [(e.row, e.column) for e in outcome.errors] == [(5, "学段")]
    assert_refused(outcome)


def test_blank_rows_in_xlsx_are_skipped_and_counted(official_a, county_a):
    rows = [
        good_rows(n=1)[0],
        (None,) * 8,
        ("2137029902", "乙", "371302", "大专", "否", 1, 1, "低风险"),
    ]
    outcome = preview(official_a, "s.xlsx", xlsx_bytes(rows))
    assert [(e.row, e.column) for e in outcome.errors] == [(4, "学段")]
    assert_refused(outcome)


def test_a_row_longer_than_the_header_is_refused(official_a, county_a):
    data = "学校代码,学校名称,县区代码,学段\r\n2137029901,甲小学,371302,小学,多余\r\n".encode()
    assert_refused(preview(official_a, "s.csv", data), "第 2 行的单元格多于标题行的列数")


def test_control_characters_are_dropped_from_imported_text(official_a, county_a):
    rows = [("2137029901", "兰山区\x0b甲小学", "371302", "小学")]
    outcome = preview(official_a, "s.csv", csv_bytes(rows, header=HEADER[:4]))
    assert outcome.ok, messages(outcome)
    assert write(outcome, official_a).ok
    assert School.objects.get().name == "兰山区甲小学"
    assert schools_now() == [("2137029901", "兰山区甲小学", "371302", "primary")]


def test_the_purge_leaves_a_job_being_written_alone(send, official_a, county_a):
    import datetime as dt

    from django.utils import timezone

    send(
        official_a, reverse("school_import"), {"file": upload("s.csv", csv_bytes(good_rows(n=1)))}
    )
    SchoolImport.objects.update(
        stage="confirm", status="running", created_at=timezone.now() - dt.timedelta(hours=25)
    )
    assert services.school_import_purge() == 0
    assert SchoolImport.objects.get().file


def test_a_purged_preview_cannot_be_confirmed(send, official_a, county_a):
    send(
        official_a, reverse("school_import"), {"file": upload("s.csv", csv_bytes(good_rows(n=1)))}
    )
    job = SchoolImport.objects.get()
    SchoolImport.objects.update(created_at=job.created_at.replace(year=job.created_at.year - 1))
    services.school_import_purge()
    page = send(official_a, reverse("school_import_confirm", args=[job.pk]))
    assert "此文件已导入或有错误" in page.content.decode()
    assert not School.objects.exists()
