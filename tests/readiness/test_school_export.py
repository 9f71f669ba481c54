import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.readiness.factories import SchoolFactory


def read_xlsx(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_has_chinese_headers_and_only_the_officials_county(
    login, official_a, school_a, school_b
):
    response = login(official_a).get(reverse("school_export"), {"format": "xlsx"})
    assert response.status_code == 200
    rows = read_xlsx(response)
    assert rows[0][:4] == ["学校代码", "学校名称", "县区代码", "学段"]
    assert [row[0] for row in rows[1:]] == [school_a.code]
    assert rows[1][3] == "小学"


def test_export_follows_the_list_filters(login, city_staff, school_a, school_b):
    response = login(city_staff).get(reverse("school_export"), {"format": "csv", "q": "沂水"})
    rows = read_csv(response)
    assert [row[0] for row in rows[1:]] == [school_b.code]


def test_csv_export_starts_with_a_bom_for_excel(login, city_staff, school_a):
    response = login(city_staff).get(reverse("school_export"), {"format": "csv"})
    assert response.content.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)"])
def test_formula_cells_are_neutralised(login, city_staff, county_a, dangerous):
    SchoolFactory(county=county_a, name=dangerous, code="2137020009")
    client = login(city_staff)
    for fmt, read in (("xlsx", read_xlsx), ("csv", read_csv)):
        rows = read(client.get(reverse("school_export"), {"format": fmt}))
        assert rows[1][1] == "'" + dangerous


def test_an_export_can_be_imported_back_unchanged(login, official_a, school_a):
    from readiness import services

    client = login(official_a)
    data = client.get(reverse("school_export"), {"format": "xlsx"}).content
    outcome = services.school_import_preview(
        actor=official_a, name="export.xlsx", data=data, update_existing=True
    )
    assert outcome.ok, outcome.errors
    assert outcome.updated == 1


@pytest.mark.parametrize("count", [5, 50])
def test_export_query_count_does_not_grow_with_rows(
    login, city_staff, county_a, django_assert_num_queries, count
):
    schools = SchoolFactory.create_batch(count, county=county_a)
    client = login(city_staff)
    # session, user, the schools with their counties
    with django_assert_num_queries(3):
        response = client.get(reverse("school_export"), {"format": "csv"})
    assert response.status_code == 200
    rows = read_csv(response)
    assert [row[:3] for row in rows[1:]] == [
        [school.code, school.name, "371302"] for school in schools
    ]


@pytest.mark.parametrize("role", ["verifier", "inspector", "supplies"])
def test_roles_without_the_right_get_403_on_export(login, make_user, school_a, role):
    response = login(make_user(role)).get(reverse("school_export"))
    assert response.status_code == 403


def test_school_contact_gets_403_on_export(login, school_contact_a):
    assert login(school_contact_a).get(reverse("school_export")).status_code == 403


def test_a_neutralised_cell_reads_back_as_it_was(login, official_a, school_a):
    from readiness import services

    school_a.phone = "+86 13912345678"
    school_a.save()
    client = login(official_a)
    data = client.get(reverse("school_export"), {"format": "xlsx"}).content
    outcome = services.school_import_write(
        actor=official_a, name="export.xlsx", data=data, update_existing=True
    )
    assert outcome.ok
    school_a.refresh_from_db()
    assert school_a.phone == "+86 13912345678"


def test_control_characters_do_not_break_the_xlsx_export(login, city_staff, county_a):
    SchoolFactory(county=county_a, name="兰山区\x0b垂直制表小学", code="2137020009")
    response = login(city_staff).get(reverse("school_export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert read_xlsx(response)[1][1] == "兰山区垂直制表小学"
