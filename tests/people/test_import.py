"""Person files: identity numbers, and the streaming import, the whole file or nothing."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from people import idcard
from people.importer import PersonImporter, parse_date
from people.models import Person

HEADER = "学校代码,类别,姓名,身份证号,年级,班级,就读方式,生源地,当前所在地,是否返校,返校日期,健康状况,排查日期"
BIRTH = dt.date(2008, 5, 17)


def number(seq: int, birth: dt.date = BIRTH) -> str:
    return idcard.make("371302", birth, seq)


def row(school="2137020001", kind="学生", name="张伟", id_number=None, seq=1, extra=""):
    id_number = id_number or number(seq)
    return f"{school},{kind},{name},{id_number},高一,1班,走读,本县区,本地,是,2020-03-20,正常,2020-03-18{extra}"


def csv_file(*rows, header=HEADER, encoding="utf-8") -> io.BytesIO:
    return io.BytesIO(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))


def xlsx_file(*rows, header: list | None = None) -> io.BytesIO:
    book = openpyxl.Workbook()
    for values in (header or HEADER.split(","), *rows):
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def run(user, handle, upsert=False):
    return PersonImporter(user=user, upsert=upsert).run(handle)


def messages(outcome):
    return [(e.row, e.column, e.message) for e in outcome.errors]


def stored(person: Person) -> dict:
    return {
        "school": person.school.code, "kind": person.kind, "name": person.name,
        "id_number": person.id_number, "gender": person.gender, "birth_date": person.birth_date,
        "grade": person.grade, "class_name": person.class_name, "study_mode": person.study_mode,
        "origin": person.origin, "whereabouts": person.whereabouts, "returned": person.returned,
        "returned_on": person.returned_on, "health": person.health,
        "screened_on": person.screened_on, "note": person.note,
    }  # fmt: skip


def as_written_by_row(id_number, *, gender, school="2137020001", kind="student", name="张伟"):
    """The stored values of what ``row()`` writes: 高一, 1班, 走读, 本县区, 本地, 是,
    2020-03-20, 正常, 2020-03-18; gender is the parity of the 17th digit of the number."""
    return {
        "school": school, "kind": kind, "name": name, "id_number": id_number, "gender": gender,
        "birth_date": BIRTH, "grade": "高一", "class_name": "1班", "study_mode": "day",
        "origin": "county", "whereabouts": "local", "returned": True,
        "returned_on": dt.date(2020, 3, 20), "health": "normal",
        "screened_on": dt.date(2020, 3, 18), "note": "",
    }  # fmt: skip


@pytest.mark.parametrize(
    "value",
    ["2020-03-26", "2020/3/26", "20200326", "2020年3月26日", 43916, "43916", dt.date(2020, 3, 26)],
)
def test_dates_are_read_in_every_usual_form(value):
    assert parse_date(value) == dt.date(2020, 3, 26)


# --- good files --------------------------------------------------------------------------------


def test_a_utf8_file_imports(official_a, school_a):
    outcome = run(official_a, csv_file(row(seq=1), row(seq=2, name="李娜", kind="教职工")))
    assert outcome.ok, messages(outcome)
    assert outcome.written == 2
    person = Person.objects.get(name="张伟")
    assert (person.kind, person.gender, person.birth_date, person.returned_on) == (
        "student",
        "M",
        BIRTH,
        dt.date(2020, 3, 20),
    )
    assert Person.objects.count() == 2
    assert stored(person) == as_written_by_row(number(1), gender="M")
    assert stored(Person.objects.get(name="李娜")) == as_written_by_row(
        number(2), gender="F", kind="staff", name="李娜"
    )


def test_a_gbk_file_imports(official_a, school_a):
    outcome = run(official_a, csv_file(row(name="沂蒙"), encoding="gbk"))
    assert outcome.ok, messages(outcome)
    assert Person.objects.get().name == "沂蒙"
    assert stored(Person.objects.get()) == as_written_by_row(number(1), gender="M", name="沂蒙")


def test_utf8_with_bom_imports(official_a, school_a):
    handle = io.BytesIO(b"\xef\xbb\xbf" + csv_file(row()).getvalue())
    outcome = run(official_a, handle)
    assert outcome.ok, messages(outcome)
    # The BOM must not hide the first column, 学校代码.
    assert stored(Person.objects.get()) == as_written_by_row(number(1), gender="M")


def test_full_width_digits_and_lowercase_x_are_stored_normalised(official_a, school_a):
    raw = idcard.make("371302", BIRTH, 3)
    seq = 3
    while not raw.endswith("X"):
        seq += 1
        raw = idcard.make("371302", BIRTH, seq)
    wide = raw[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    outcome = run(official_a, csv_file(row(id_number=wide)))
    assert outcome.ok, messages(outcome)
    assert Person.objects.get().id_number == raw
    assert stored(Person.objects.get()) == as_written_by_row(raw, gender="M" if seq % 2 else "F")


def test_excel_date_serials_in_xlsx(official_a, school_a):
    out = xlsx_file(
        ["2137020001", "学生", "王芳", number(4), "高一", "1班", "寄宿", "境外", "境外", "否",
         None, "正常", 43916]
    )  # fmt: skip
    outcome = run(official_a, out)
    assert outcome.ok, messages(outcome)
    person = Person.objects.get()
    assert (person.screened_on, person.whereabouts, person.study_mode) == (
        dt.date(2020, 3, 26),
        "abroad",
        "boarding",
    )
    assert stored(person) == {
        "school": "2137020001", "kind": "student", "name": "王芳", "id_number": number(4),
        "gender": "F", "birth_date": BIRTH, "grade": "高一", "class_name": "1班",
        "study_mode": "boarding", "origin": "abroad", "whereabouts": "abroad",
        "returned": False, "returned_on": None, "health": "normal",
        "screened_on": dt.date(2020, 3, 26), "note": "",
    }  # fmt: skip


def test_text_with_quotes_commas_tabs_line_breaks_and_backslashes_is_stored_as_typed(
    official_a, school_a
):
    """What the staging COPY must carry through untouched: a name with a quote and a
    comma, a note with every character CSV and COPY treat specially, an empty grade
    (empty text, not NULL) and an empty return date (NULL)."""
    note = 'a "quoted", tabbed\tnote\non two lines \\N \\. C:\\路径'
    out = xlsx_file(
        ["2137020001", "学生", '欧阳"小,明', number(5), "", "1班", "走读", "本县区", "本地",
         "否", None, "正常", "2020-03-18", note],
        header=[*HEADER.split(","), "备注"],
    )  # fmt: skip
    outcome = run(official_a, out)
    assert outcome.ok, messages(outcome)
    person = Person.objects.get()
    assert (person.name, person.note, person.grade, person.returned_on) == (
        '欧阳"小,明',
        note,
        "",
        None,
    )


def test_unknown_extra_columns_are_ignored(official_a, school_a):
    outcome = run(official_a, csv_file(row(extra=",多余"), header=HEADER + ",家长电话"))
    assert outcome.ok, messages(outcome)
    assert stored(Person.objects.get()) == as_written_by_row(number(1), gender="M")


def test_upsert_updates_files_by_identity_number(official_a, school_a):
    run(official_a, csv_file(row()))
    outcome = run(official_a, csv_file(row(name="张伟（更正）")), upsert=True)
    assert outcome.ok, messages(outcome)
    assert Person.objects.get().name == "张伟（更正）"
    assert stored(Person.objects.get()) == as_written_by_row(
        number(1), gender="M", name="张伟（更正）"
    )


# --- bad files: a clear message, nothing written ---------------------------------------------------


def refused(outcome, fragment):
    assert not outcome.ok
    assert fragment in " ".join(e.message for e in outcome.errors), messages(outcome)
    assert not Person.objects.exists()


def test_a_wrong_check_character_is_refused(official_a, school_a):
    good = number(5)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    refused(run(official_a, csv_file(row(seq=6), row(id_number=bad))), "校验码")


def test_a_birth_date_in_the_future_is_refused(official_a, school_a):
    refused(
        run(official_a, csv_file(row(id_number=idcard.make("371302", dt.date(2099, 1, 1), 7)))),
        "未来",
    )


def test_a_duplicate_within_the_file_is_refused_with_both_rows(official_a, school_a):
    outcome = run(official_a, csv_file(row(seq=8), row(seq=9), row(seq=8)))
    refused(outcome, "首次出现在第 2 行")
    assert messages(outcome)[0][:2] == (4, "身份证号")


def test_a_duplicate_against_the_ledger_is_refused(official_a, school_a):
    run(official_a, csv_file(row(seq=10)))
    outcome = run(official_a, csv_file(row(seq=11), row(seq=10)))
    assert not outcome.ok and Person.objects.count() == 1
    assert "已在档" in messages(outcome)[0][2]
    assert stored(Person.objects.get()) == as_written_by_row(number(10), gender="F")


def test_a_school_outside_the_uploaders_scope_is_refused(official_a, school_a, school_b):
    refused(
        run(official_a, csv_file(row(seq=12), row(seq=13, school=school_b.code))), school_b.code
    )


def test_a_missing_column_is_refused(official_a, school_a):
    refused(
        run(official_a, csv_file("2137020001,学生,张伟", header="学校代码,类别,姓名")),
        "缺少列：身份证号",
    )


def test_an_empty_file_is_refused(official_a):
    refused(run(official_a, io.BytesIO(b"")), "文件是空的")


def test_a_file_that_is_not_a_spreadsheet_is_refused(official_a):
    refused(run(official_a, io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00")), "不是表格")


def test_a_large_gbk_file_with_one_bad_row_at_the_end_writes_nothing(official_a, school_a):
    rows = [
        row(
            seq=i % 1000,
            id_number=idcard.make("371302", BIRTH - dt.timedelta(days=i // 1000), i % 1000),
        )
        for i in range(30_000)
    ]
    rows.append(row(id_number="371302200805170000"))
    outcome = run(official_a, csv_file(*rows, encoding="gbk"))
    assert outcome.total == 30_001 and outcome.error_count == 1
    assert messages(outcome)[0][0] == 30_002
    assert not Person.objects.exists()


def test_the_error_report_masks_identity_numbers(official_a, school_a):
    outcome = run(official_a, csv_file(row(seq=14), row(seq=14)))
    report = outcome.report.decode("utf-8-sig")
    assert number(14) not in report and idcard.mask(number(14)) in report
    assert not outcome.ok and not Person.objects.exists()


# --- the command -------------------------------------------------------------------------------------


def test_the_command_imports_and_refuses_like_the_page(tmp_path, school_a):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file(row(seq=20)).getvalue())
    call_command("import_people", str(good), "--county", "371302")
    assert Person.objects.count() == 1
    assert stored(Person.objects.get()) == as_written_by_row(number(20), gender="F")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file(row(seq=21), row(seq=21)).getvalue())
    with pytest.raises(CommandError):
        call_command("import_people", str(bad), "--county", "371302")
    assert Person.objects.count() == 1
    assert Person.objects.get().id_number == number(20)


def test_the_command_limited_to_another_county_refuses_the_rows(tmp_path, school_a, county_b):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_file(row(seq=22)).getvalue())
    with pytest.raises(CommandError):
        call_command("import_people", str(path), "--county", county_b.code)
    assert not Person.objects.exists()


def test_no_full_number_reaches_the_logs(official_a, school_a, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        outcome = run(official_a, csv_file(row(seq=30), row(seq=30)))
    assert number(30) not in caplog.text
    assert not outcome.ok and not Person.objects.exists()


def test_the_purge_leaves_an_import_under_way_alone(official_a):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from people import services
    from people.models import PersonImport

    job = PersonImport(owner=official_a, original_name="p.csv", status="running")
    job.file.save("p.csv", ContentFile(b"x"), save=True)
    PersonImport.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert services.person_import_purge() == 0
    PersonImport.objects.update(status="refused")
    assert services.person_import_purge() == 1
