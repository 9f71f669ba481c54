"""Files as office suites write them: identity numbers stored as numbers are
refused once for the file, with what happened and how to fix it; the templates
keep codes and identity numbers as text."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from people.importer import COLUMNS, TEMPLATE_EXAMPLE, PersonImporter, RowChecker
from people.models import Person

from .test_import import HEADER, csv_file, number, row

# How LibreOffice Calc, Excel and WPS save an 18-digit number kept in a General
# column: a double, shown with 15 significant digits; the last three are gone.
AS_SAVED = float("3.71302200805170E+17")


def office_xlsx(rows: list[list]) -> io.BytesIO:
    """An xlsx as an office suite writes it: identity numbers in numeric cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def cells(id_number, seq=1) -> list:
    text = row(id_number=str(id_number) if isinstance(id_number, str) else "X", seq=seq)
    values = text.split(",")
    values[3] = id_number
    return values


def test_numbers_stored_as_numbers_are_refused_once_for_the_file(official_a, school_a):
    rows = [cells(number(1), 1)] + [cells(AS_SAVED + n * 1000, n) for n in range(2, 6)]
    outcome = PersonImporter(user=official_a).run(office_xlsx(rows))
    assert not outcome.ok and outcome.written == 0 and not Person.objects.exists()
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "身份证号")]
    message = outcome.errors[0].message
    assert message.startswith(
        "4 个身份证号被电子表格存成了数字（第 3 行显示为 3.71302200805172E+17）"
    )
    assert "设为文本格式" in message


def test_a_csv_saved_with_numbers_in_scientific_form_gets_the_same_message(official_a, school_a):
    handle = csv_file(row(id_number="3.71302200805170E+17"), row(seq=2))
    outcome = PersonImporter(user=official_a).run(handle)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "身份证号")]
    assert "1 个身份证号被电子表格存成了数字（第 2 行显示为 3.71302200805170E+17）" in (
        outcome.errors[0].message
    )
    assert not Person.objects.exists()


def test_the_template_keeps_codes_and_numbers_as_text_and_carries_an_example(login, official_a):
    response = login(official_a).get(reverse("people_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, example = book.worksheets
    assert (data.title, example.title) == ("人员档案", "填写示例")
    headers = [c.value for c in data[1]]
    assert headers == [zh for zh, _en in COLUMNS.values()]
    for key in ("school_code", "id_number"):
        column = headers.index(COLUMNS[key][0]) + 1
        assert data.cell(row=2, column=column).number_format == "@"
        assert data.cell(row=500, column=column).number_format == "@"
    assert data.max_row == 1 or all(
        c.value is None for c in data[2]
    )  # nothing to import by mistake
    shown = [c.value for c in example[2]]
    assert shown[headers.index("身份证号")] == "371302201209010010"
    assert book.active.title == "人员档案"


def test_the_example_row_is_a_valid_row():
    _record, errors = RowChecker().check(dict(TEMPLATE_EXAMPLE))
    assert errors == []


def test_the_template_link_is_in_view_not_in_a_collapsed_help(login, official_a, city_staff):
    body = login(official_a).get(reverse("people_import")).content.decode()
    assert 'class="template-link"><a class="button" href="/people/import/template/"' in body
    schools = login(city_staff).get(reverse("school_import")).content.decode()
    link = schools.index(reverse("school_import_template"))
    assert link < schools.index("<details")


def test_the_school_template_keeps_codes_as_text(login, city_staff):
    book = openpyxl.load_workbook(
        io.BytesIO(login(city_staff).get(reverse("school_import_template")).content)
    )
    data = book.worksheets[0]
    assert data.title == "学校" and book.worksheets[1].title == "示例"
    assert data.cell(row=2, column=1).number_format == "@"  # 学校代码
    assert data.cell(row=2, column=3).number_format == "@"  # 县区代码
    assert book.worksheets[1].cell(row=2, column=1).value == "3713020099"
