"""Ledger pages: scope, masking, coverage, the abroad list, and the import page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people import screening, selectors, services
from people.models import Person, PersonImport, ScreeningCount

from .test_import import csv_file, number, row


@pytest.fixture
def people(school_a, school_b):
    def make(school, seq, **extra):
        return Person.objects.create(
            school=school, kind=extra.pop("kind", "student"), name=extra.pop("name", f"学生{seq}"),
            id_number=number(seq), gender="M", birth_date=dt.date(2008, 5, 17), **extra,
        )  # fmt: skip

    made = [
        make(school_a, 1, name="张伟"),
        make(school_a, 2, name="李娜", whereabouts="abroad", kind="staff"),
        make(school_b, 3, name="王芳"),
    ]
    screening.refresh()
    return made


def test_the_ledger_is_scoped_and_masked(login, official_a, people):
    body = login(official_a).get(reverse("people")).content.decode()
    assert "张伟" in body and "王芳" not in body
    assert number(1) not in body and "3713**********0016" in body


def test_the_city_bureau_sees_numbers_whole(login, city_staff, people):
    assert number(3) in login(city_staff).get(reverse("people")).content.decode()


def test_a_person_s_name_is_called_xingming(login, official_a, people):
    body = login(official_a).get(reverse("people")).content.decode()
    assert '<th scope="col">姓名</th>' in body and '<th scope="col">名称</th>' not in body


def test_search_by_the_last_digits(login, official_a, people):
    response = login(official_a).get(reverse("people"), {"q": number(2)[-4:]})
    assert [p.name for p in response.context["page"]] == ["李娜"]


def test_a_school_sees_only_its_own_files(login, school_contact_a, people):
    names = [p.name for p in login(school_contact_a).get(reverse("people")).context["page"]]
    assert sorted(names) == ["张伟", "李娜"]


def test_coverage_per_school_for_a_county(login, official_a, people, school_a):
    rows = list(login(official_a).get(reverse("people_coverage")).context["rows"])
    [row_a] = [r for r in rows if r["name"] == school_a.name]
    assert (row_a["student_files"], row_a["staff_files"], row_a["abroad"]) == (1, 1, 1)
    assert row_a["student_rate"] == round(100 / 600, 1)


def test_coverage_per_county_for_the_city(login, city_staff, people):
    rows = list(login(city_staff).get(reverse("people_coverage")).context["rows"])
    assert {r["name"]: r["student_files"] for r in rows} == {"兰山区": 1, "沂水县": 1}


@pytest.mark.parametrize("count", [1, 3])
def test_ledger_and_coverage_query_counts_do_not_grow(
    login, official_a, school_a, django_assert_num_queries, count
):
    for i in range(count):
        Person.objects.create(
            school=school_a,
            kind="student",
            name=f"学生{i}",
            id_number=number(100 + i),
            gender="M",
            birth_date=dt.date(2008, 5, 17),
        )
    services.screening_refresh(school_ids=[school_a.pk])  # as an import leaves them
    client = login(official_a)
    with django_assert_num_queries(4):  # session, user, count (kept), page
        response = client.get(reverse("people"))
    assert response.status_code == 200
    body = response.content.decode()
    assert all(f"学生{i}" in body for i in range(count))
    with django_assert_num_queries(4):  # session, user, files, schools
        response = client.get(reverse("people_coverage"))
    assert response.status_code == 200
    assert school_a.name in response.content.decode()


def test_the_ledger_counts_from_the_kept_counts_unless_a_filter_needs_the_rows(
    login, official_a, api_client, school_a, school_b
):
    """The pager's count of a county's files is read from the per-school counts
    (counting 200 thousand rows took 50 ms a page); a filter those counts cannot
    answer is counted in the rows. Worked by hand: county A has two students and
    one staff member, and one of the students is abroad; county B's file is not
    counted."""
    from tests.people.factories import PersonFactory

    PersonFactory(school=school_a)
    PersonFactory(school=school_a, whereabouts="abroad")
    PersonFactory(school=school_a, kind="staff")
    PersonFactory(school=school_b)
    client = login(official_a)

    def count(query: str = "") -> int:
        return client.get(reverse("people") + query).context["page"].paginator.count

    assert count() == 3
    assert count("?kind=staff") == 1
    assert count(f"?school={school_a.code}&kind=student") == 2
    assert count("?whereabouts=abroad") == 1  # counted in the rows
    api_client.force_authenticate(official_a)
    assert api_client.get("/api/v1/people/").json()["count"] == 3
    assert api_client.get("/api/v1/people/?kind=student").json()["count"] == 2
    assert api_client.get("/api/v1/people/?whereabouts=abroad").json()["count"] == 1
    # The kept counts are what the pager reads: emptied, the unfiltered pages show none.
    ScreeningCount.objects.all().delete()
    assert count() == 0
    assert count("?whereabouts=abroad") == 1


def test_abroad_list(login, official_a, people):
    assert [p.name for p in login(official_a).get(reverse("people_abroad")).context["page"]] == [
        "李娜"
    ]


def test_the_import_page_imports_in_the_background(
    login, official_a, school_a, django_capture_on_commit_callbacks
):
    client = login(official_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people_import"),
            {"file": SimpleUploadedFile("p.csv", csv_file(row(seq=40)).getvalue())},
        )
    job = PersonImport.objects.get()
    assert response["Location"] == reverse("people_import_status", args=[job.pk])
    status = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert (status["status"], status["written"]) == ("done", 1)
    assert Person.objects.count() == 1
    person = Person.objects.get()
    # What row(seq=40) wrote: 2137020001, 学生, 张伟, 高一, 1班, 走读, 本县区, 本地, 是,
    # 2020-03-20, 正常, 2020-03-18; the number's 17th digit (0) is even: female.
    assert (
        person.school.code, person.kind, person.name, person.id_number, person.gender,
        person.birth_date, person.grade, person.class_name, person.study_mode, person.origin,
        person.whereabouts, person.returned, person.returned_on, person.health,
        person.screened_on,
    ) == (
        "2137020001", "student", "张伟", number(40), "F", dt.date(2008, 5, 17), "高一", "1班",
        "day", "county", "local", True, dt.date(2020, 3, 20), "normal", dt.date(2020, 3, 18),
    )  # fmt: skip


def test_a_refused_import_offers_the_error_report(
    login, official_a, school_a, django_capture_on_commit_callbacks
):
    client = login(official_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people_import"),
            {"file": SimpleUploadedFile("p.csv", csv_file(row(seq=41), row(seq=41)).getvalue())},
        )
    page = client.get(response["Location"]).content.decode()
    assert "重复" in page and number(41) not in page
    report = client.get(reverse("people_import_report", args=[PersonImport.objects.get().pk]))
    assert report.status_code == 200 and not Person.objects.exists()


def test_another_users_import_is_404(login, official_a, official_b, school_a):
    job = PersonImport.objects.create(owner=official_a, original_name="p.csv")
    assert login(official_b).get(reverse("people_import_status", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("role", ["task_force", "verifier", "inspector", "supplies"])
def test_roles_without_the_right_get_403_on_import(login, make_user, role):
    assert login(make_user(role)).get(reverse("people_import")).status_code == 403


def test_the_dispatch_report_counts_screening(people):
    from django.utils import timezone

    from readiness import dashboard, dispatch

    Person.objects.filter(id_number=number(1)).update(screened_on=timezone.localdate())
    screening.refresh()
    data = dispatch.build(timezone.localdate())
    section = data["sections"]["people"]
    assert section["totals"] == {
        "staff_files": 1,
        "student_files": 2,
        "screened": 1,
        "abroad": 1,
        "symptoms": 0,
        "observation": 0,
        "confirmed": 0,
    }
    lanshan = next(r for r in section["by_county"] if r["code"] == "371302")
    assert lanshan["abroad"] == 1
    # Persons screened %: Lanshan 1 of its 2 files, the other county 0 of 1.
    cells = {row.code: row.cells["screened_pct"] for row in dashboard.county_table(data)}
    assert (cells["371302"].value, cells["371302"].colour) == (50.0, "red")
    assert cells["371323"].value == 0.0


def test_the_dispatch_pdf_reports_screening(login, task_force, people):
    import io

    from django.utils import timezone
    from pypdf import PdfReader

    from readiness import services

    report = services.dispatch_report_build(on_date=timezone.localdate())
    pdf = login(task_force).get(f"/dispatch/{report.on_date}/pdf/").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "境外未返校 1 人" in text


def test_the_api_is_scoped_and_masks_numbers(api_client, official_a, city_staff, people):
    api_client.force_authenticate(official_a)
    data = api_client.get("/api/v1/people/").json()
    by_name = {r["name"]: r["id_number"] for r in data["results"]}
    assert by_name == {"张伟": "3713**********0016", "李娜": "3713**********0024"}
    api_client.force_authenticate(city_staff)
    assert number(3) in {
        r["id_number"] for r in api_client.get("/api/v1/people/").json()["results"]
    }


def test_the_export_is_scoped_and_masked(login, official_a, people):
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(
        io.BytesIO(login(official_a).get(reverse("people"), {"format": "xlsx"}).content)
    ).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "3713**********0016" in values and number(1) not in values and "王芳" not in values


def test_an_import_without_a_file_is_a_message(login, official_a):
    response = login(official_a).post(reverse("people_import"), {}, follow=True)
    assert "请选择文件" in response.content.decode()
    assert not PersonImport.objects.exists()


def test_a_countys_coverage_is_paged_under_its_total(login, official_a, county_a, school_a):
    from tests.readiness.factories import SchoolFactory

    for n in range(60):  # 61 schools with school A, each of 10 staff and 100 students
        SchoolFactory(county=county_a, code=f"21370299{n:02d}", staff=10, students=100)
    school_a.staff, school_a.students = 10, 100
    school_a.save()
    client = login(official_a)
    first = client.get(reverse("people_coverage"))
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.num_pages == 2
    # The total is the county's, on every page: 61 × 10 staff, 61 × 100 students, no file yet.
    total = first.context["total"]
    assert (total["staff"], total["students"], total["staff_rate"]) == (610, 6100, 0.0)
    second = client.get(reverse("people_coverage"), {"page": 2})
    assert len(second.context["page"]) == 11 and second.context["total"]["students"] == 6100
    assert "第 2 页，共 2 页" in second.content.decode()


def test_the_citys_abroad_list_reads_its_own_index(postgres, task_force, people):
    """Those abroad and not yet back are a few dozen of 2.7 million files: the city's
    list reads them from an index of their own, not the whole of another."""
    from django.db import connection

    queryset = selectors.abroad_not_returned(user=task_force)
    assert [p.name for p in queryset] == ["李娜"]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test's few rows: no table scan
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_abroad_open" in plan, plan
