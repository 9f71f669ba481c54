"""The person import, rule by rule, with each refusal's row, column and exact message:
whole file or nothing, within the uploader's scope (city, county or school)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import importer
from people.importer import PersonImporter
from people.models import Person, ScreeningCount
from tests.readiness.factories import SchoolFactory, UserFactory

from .test_import import BIRTH, HEADER, csv_file, number, row


def run(user, handle, **options):
    return PersonImporter(user=user, **options).run(handle)


def problems(outcome):
    return [(e.row, e.column, e.message) for e in outcome.errors]


def test_the_city_imports_for_any_county(city_staff, school_a, school_b):
    outcome = run(city_staff, csv_file(row(seq=1), row(seq=2, school=school_b.code)))
    assert (outcome.ok, outcome.written) == (True, 2)
    assert set(Person.objects.values_list("school__code", flat=True)) == {
        school_a.code,
        school_b.code,
    }


def test_a_school_imports_only_its_own_files(school_contact_a, school_a, county_a):
    other = SchoolFactory(county=county_a, code="2137020099")
    outcome = run(school_contact_a, csv_file(row(seq=1), row(seq=2, school=other.code)))
    assert problems(outcome) == [
        (3, "学校代码", "学校代码 2137020099 不存在或不在您的管辖范围内。")
    ]
    assert (outcome.ok, outcome.written, Person.objects.count()) == (False, 0, 0)
    outcome = run(school_contact_a, csv_file(row(seq=1)))
    assert (outcome.ok, outcome.written) == (True, 1)


def test_a_user_without_a_role_imports_nothing(db, school_a):
    nobody = UserFactory(role="")
    outcome = run(nobody, csv_file(row(seq=1)))
    assert problems(outcome) == [
        (2, "学校代码", "学校代码 2137020001 不存在或不在您的管辖范围内。")
    ]
    assert not Person.objects.exists()


def test_an_upsert_may_not_take_over_another_countys_file(
    official_a, official_b, school_a, school_b
):
    run(official_b, csv_file(row(seq=1, school=school_b.code)))
    outcome = run(official_a, csv_file(row(seq=2), row(seq=1)), upsert=True)
    assert problems(outcome) == [(3, "身份证号", "该人员档案属于您管辖范围以外的学校。")]
    assert Person.objects.get().school == school_b


def test_a_file_already_on_file_needs_the_update_mode(official_a, school_a):
    run(official_a, csv_file(row(seq=1)))
    outcome = run(official_a, csv_file(row(seq=2), row(seq=1)))
    assert problems(outcome) == [
        (3, "身份证号", "该身份证号已在档；如需修改请选择“更新已有档案”。")
    ]
    assert (outcome.written, Person.objects.count()) == (0, 1)


def test_the_file_level_refusals_and_their_messages(official_a, school_a):
    assert problems(run(official_a, io.BytesIO(b""))) == [(0, "", "文件是空的。")]
    assert problems(run(official_a, io.BytesIO((HEADER + "\r\n").encode()))) == [
        (0, "", "文件只有标题行，没有数据行。")
    ]
    header = "学校代码,类别,年级"
    assert problems(run(official_a, csv_file("2137020001,学生,高一", header=header))) == [
        (1, "", "缺少列：姓名、身份证号。")
    ]
    empty_sheet = io.BytesIO()
    openpyxl.Workbook().save(empty_sheet)
    empty_sheet.seek(0)
    assert problems(run(official_a, empty_sheet)) == [(0, "", "文件是空的。")]
    assert not Person.objects.exists()


def test_blank_rows_anywhere_are_skipped_and_short_rows_read_as_blank(official_a, school_a):
    blank = ",,,  ,\t,,,,,,,,"
    outcome = run(official_a, csv_file(row(seq=1), blank, "", row(seq=2)))
    assert (outcome.ok, outcome.total, outcome.written) == (True, 2, 2)
    short = f"2137020001,学生,李四,{number(3)}"  # the first four columns only
    outcome = run(official_a, csv_file(short))
    assert (outcome.ok, outcome.written) == (True, 1)
    assert Person.objects.get(name="李四").grade == ""


def test_the_row_limit_is_a_limit_not_a_size(official_a, school_a, settings):
    settings.PEOPLE_IMPORT_MAX_ROWS = 2
    assert run(official_a, csv_file(row(seq=1), row(seq=2))).written == 2
    Person.objects.all().delete()
    outcome = run(official_a, csv_file(row(seq=1), row(seq=2), row(seq=3)))
    assert problems(outcome) == [(0, "", "文件超过 2 行：每次最多导入 2 行。")]
    assert not Person.objects.exists()


def test_progress_is_told_every_batch_and_at_the_end(official_a, school_a, monkeypatch):
    monkeypatch.setattr(importer, "BATCH", 2)
    told = []
    PersonImporter(user=official_a, progress=told.append).run(
        csv_file(*(row(seq=n) for n in range(1, 6)))
    )
    assert told == [2, 4, 5]
    assert Person.objects.count() == 5


def test_the_error_report_lists_the_first_problems_and_counts_the_rest(
    official_a, school_a, settings
):
    settings.IMPORT_MAX_REPORTED_ERRORS = 1
    bad = [row(seq=n, school="9999999999") for n in range(1, 4)]
    outcome = run(official_a, csv_file(*bad))
    assert outcome.report.startswith(b"\xef\xbb\xbf")
    lines = outcome.report.decode("utf-8-sig").splitlines()
    assert lines == [
        "行,列,问题",
        "2,学校代码,学校代码 9999999999 不存在或不在您的管辖范围内。",
        ",,……另有 2 个问题未列出。",
    ]
    assert (outcome.ok, outcome.written) == (False, 0)


def test_a_refused_file_reports_nothing_written(official_a, school_a):
    outcome = run(official_a, csv_file(row(seq=1), row(seq=1)))
    assert (outcome.ok, outcome.total, outcome.written) == (False, 2, 0)
    assert problems(outcome) == [
        (3, "身份证号", "身份证号 3713**********0016 重复，首次出现在第 2 行。")
    ]


@pytest.mark.parametrize(("limit", "tail"), [(3, None), (2, ",,……另有 1 个问题未列出。")])
def test_the_reports_tail_appears_only_past_the_limit(official_a, school_a, settings, limit, tail):
    settings.IMPORT_MAX_REPORTED_ERRORS = limit
    bad = [row(seq=n, school="9999999999") for n in range(1, 4)]  # three problems
    lines = run(official_a, csv_file(*bad)).report.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + min(limit, 3) + (tail is not None)
    assert (lines[-1] == tail) if tail else lines[-1].startswith("4,学校代码,")


def test_a_row_problem_names_its_row_and_column(official_a, school_a):
    wrong = number(1)[:17] + ("0" if number(1)[17] != "0" else "1")
    outcome = run(official_a, csv_file(row(seq=2), row(id_number=wrong)))
    assert problems(outcome) == [(3, "身份证号", "身份证号的校验码不正确。")]


def test_a_file_found_unreadable_after_rows_were_loaded_writes_nothing(
    official_a, school_a, monkeypatch
):
    # The checked rows reach the staging table while the file is still being read:
    # a few reads go out before the reader meets bytes that are not UTF-8, past
    # the first 64 KB by which the encoding was judged.
    monkeypatch.setattr(importer._CopyStream, "ROWS_PER_READ", 2)
    rows = [
        row(seq=n % 999 + 1, id_number=number(n % 999 + 1, BIRTH + dt.timedelta(days=n // 999)))
        for n in range(700)
    ]
    body = csv_file(*rows).getvalue()
    assert len(body) > 65536
    outcome = run(official_a, io.BytesIO(body + row(seq=1, name="沂蒙").encode("gbk") + b"\r\n"))
    assert problems(outcome) == [
        (0, "", "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 xlsx。")
    ]
    assert (outcome.ok, outcome.written, Person.objects.count()) == (False, 0, 0)


def test_a_bad_cell_is_reported_on_every_row_it_is_on(official_a, school_a):
    # The checker remembers the cells that passed; one that failed fails again.
    rows = [
        row(seq=1).replace(",正常,", ",良好,"),
        row(seq=2),
        row(seq=3).replace(",正常,", ",良好,"),
        row(seq=4).replace(",2020-03-18", ",2020-13-18"),
        row(seq=5).replace(",2020-03-18", ",2020-13-18"),
    ]
    outcome = run(official_a, csv_file(*rows))
    assert problems(outcome) == [
        (2, "健康状况", "无法识别的值“良好”。"),
        (4, "健康状况", "无法识别的值“良好”。"),
        (5, "排查日期", "“2020-13-18”不是日期。"),
        (6, "排查日期", "“2020-13-18”不是日期。"),
    ]
    assert not Person.objects.exists()


def test_cells_that_passed_give_each_row_its_own_values(official_a, school_a):
    rows = [
        row(seq=1),
        row(seq=2).replace(",正常,2020-03-18", ",有症状,2020-03-19"),
        row(seq=3),
        row(seq=4).replace(",正常,2020-03-18", ",有症状,"),
    ]
    assert run(official_a, csv_file(*rows)).written == 4
    assert list(Person.objects.order_by("id_number").values_list("health", "screened_on")) == [
        ("normal", dt.date(2020, 3, 18)),
        ("symptoms", dt.date(2020, 3, 19)),
        ("normal", dt.date(2020, 3, 18)),
        ("symptoms", None),
    ]


def test_a_clean_file_of_new_people_goes_straight_into_the_ledger(postgres, official_a, school_a):
    # One COPY into the ledger while the rows are checked: no staging table.
    with CaptureQueriesContext(connection) as queries:
        outcome = run(official_a, csv_file(row(seq=1), row(seq=2), row(seq=3)))
    assert (outcome.ok, outcome.total, outcome.written) == (True, 3, 3)
    assert not [q for q in queries if importer.STAGING in q["sql"]]
    assert Person.objects.filter(school=school_a).count() == 3
    assert ScreeningCount.objects.get(school=school_a).student_files == 3


def test_problems_found_after_rows_went_into_the_ledger_are_all_reported(
    official_a, school_a, school_b
):
    # The first rows are good; each later one has a problem of another kind. The
    # direct load undoes what it wrote, and the staged one reports every problem.
    assert run(official_a, csv_file(row(seq=5))).written == 1
    outcome = run(
        official_a,
        csv_file(
            row(seq=1),
            row(seq=2),
            row(seq=3),
            row(seq=1),
            row(seq=5),
            row(seq=6, school=school_b.code),
            row(seq=7).replace(",正常,", ",良好,"),
        ),
    )
    # In the file's order on the page and in the report, whichever check found them.
    assert problems(outcome) == [
        (5, "身份证号", "身份证号 3713**********0016 重复，首次出现在第 2 行。"),
        (6, "身份证号", "该身份证号已在档；如需修改请选择“更新已有档案”。"),
        (7, "学校代码", "学校代码 2137230001 不存在或不在您的管辖范围内。"),
        (8, "健康状况", "无法识别的值“良好”。"),
    ]
    assert [line.split(",")[0] for line in outcome.report.decode("utf-8-sig").splitlines()] == [
        "行", "5", "6", "7", "8",
    ]  # fmt: skip
    assert (outcome.ok, outcome.total, outcome.written) == (False, 7, 0)
    assert list(Person.objects.values_list("id_number", flat=True)) == [number(5)]


def test_a_number_on_file_at_the_end_of_a_clean_file_writes_nothing(official_a, school_a):
    assert run(official_a, csv_file(row(seq=1))).written == 1
    outcome = run(official_a, csv_file(*(row(seq=n) for n in range(2, 40)), row(seq=1)))
    assert problems(outcome) == [
        (40, "身份证号", "该身份证号已在档；如需修改请选择“更新已有档案”。")
    ]
    assert (outcome.ok, outcome.total, outcome.written, Person.objects.count()) == (
        False,
        39,
        0,
        1,
    )


def test_a_row_without_its_last_cell_reads_the_cells_it_has(official_a, school_a):
    # A spreadsheet leaves out a row's empty cells at its end: here the last column.
    without_last = row(seq=1).rsplit(",", 1)[0]
    assert len(without_last.split(",")) == len(HEADER.split(",")) - 1
    outcome = run(official_a, csv_file(without_last, row(seq=2)))
    assert (outcome.ok, outcome.written) == (True, 2)
    assert dict(Person.objects.values_list("id_number", "screened_on")) == {
        number(1): None,
        number(2): dt.date(2020, 3, 18),
    }
