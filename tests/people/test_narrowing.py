"""A user without the full-number right learns nothing that narrows a masked
identity number: no birth date or sex beside it, search by exactly the last 4
characters, and a limit on searches."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from people import idcard
from tests.people.factories import PersonFactory

# GB 11643-1999's own example: born 1949-12-31 in 110105 (Beijing Chaoyang), sequence 002.
EXAMPLE = "11010519491231002X"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def example(school_a):
    return PersonFactory(
        school=school_a,
        name="张伟",
        id_number=EXAMPLE,
        gender="F",
        birth_date=dt.date(1949, 12, 31),
    )


@pytest.fixture
def api(api_client):
    def as_user(user):
        api_client.force_authenticate(user)
        return api_client

    return as_user


@pytest.mark.parametrize(
    ("birth", "today", "band"),
    [
        (dt.date(2008, 5, 17), dt.date(2026, 5, 16), "15–19"),  # 17, the day before 18
        (dt.date(2008, 5, 17), dt.date(2028, 5, 16), "15–19"),  # 19
        (dt.date(2008, 5, 17), dt.date(2028, 5, 17), "20–24"),  # 20 on the day
        (dt.date(2020, 1, 1), dt.date(2026, 1, 1), "5–9"),
    ],
)
def test_age_bands_are_five_years_wide(birth, today, band):
    assert idcard.age_band(birth, today=today) == band


def test_the_api_gives_no_birth_date_or_sex_beside_a_masked_number(api, official_a, example):
    [row] = api(official_a).get("/api/v1/people/").json()["results"]
    assert row["id_number"] == "1101**********002X"
    assert "birth_date" not in row and "gender" not in row
    age = (
        timezone.localdate().year
        - 1949
        - (timezone.localdate() < dt.date(timezone.localdate().year, 12, 31))
    )
    assert row["age_band"] == f"{age // 5 * 5}–{age // 5 * 5 + 4}"


def test_the_city_bureau_sees_the_whole_file(api, city_staff, example):
    [row] = api(city_staff).get("/api/v1/people/").json()["results"]
    assert (row["id_number"], row["birth_date"], row["gender"]) == (EXAMPLE, "1949-12-31", "F")


@pytest.mark.parametrize("q", ["002X", "002x"])
def test_search_by_the_last_four_characters_finds_the_file(api, official_a, example, q):
    assert api(official_a).get("/api/v1/people/", {"q": q}).json()["count"] == 1


@pytest.mark.parametrize("q", ["02X", "1002X", "31002X", "11010519491231002X", "19491231"])
def test_any_other_number_search_is_refused(api, official_a, example, q):
    response = api(official_a).get("/api/v1/people/", {"q": q})
    assert response.status_code == 400
    assert "后 4 位" in str(response.json())


def test_the_city_bureau_may_search_by_the_whole_number(api, city_staff, example):
    assert api(city_staff).get("/api/v1/people/", {"q": EXAMPLE}).json()["count"] == 1


def test_the_page_refuses_a_longer_tail_and_keeps_it(login, official_a, example):
    response = login(official_a).get(reverse("people"), {"q": "1002X"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "后 4 位" in body and 'value="1002X"' in body and "张伟" not in body


def test_the_masked_export_has_no_birth_date_or_sex(login, official_a, example):
    response = login(official_a).get(reverse("people"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert "性别" not in header and "出生日期" not in header and "年龄段" in header
    assert row[3] == "1101**********002X"
    assert "1949-12-31" not in [str(v) for v in row]


def test_the_whole_export_keeps_birth_date_and_sex(login, city_staff, example):
    response = login(city_staff).get(reverse("people"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["性别", "出生日期"]
    assert sheet[2][3].value == EXAMPLE


def test_searches_are_limited_per_user(api, official_a, example, settings):
    settings.PERSON_SEARCH_RATE = "3/min"
    client = api(official_a)
    for tail in ("002X", "0001", "0002"):
        assert client.get("/api/v1/people/", {"q": tail}).status_code == 200
    assert client.get("/api/v1/people/", {"q": "0003"}).status_code == 429
    assert client.get("/api/v1/people/").status_code == 200  # browsing is not a search


def test_the_page_shares_the_limit(login, official_a, example, settings):
    settings.PERSON_SEARCH_RATE = "2/min"
    client = login(official_a)
    assert client.get(reverse("people"), {"q": "002X"}).status_code == 200
    assert client.get("/api/v1/people/", {"q": "0001"}).status_code == 200
    response = client.get(reverse("people"), {"q": "0002"})
    assert response.status_code == 429
    assert "搜索过于频繁" in response.content.decode()


@pytest.mark.parametrize("role", ["verifier", "inspector", "supplies", "task_force"])
def test_roles_without_the_export_right_get_403(login, make_user, example, role):
    response = login(make_user(role)).get(reverse("people"), {"format": "xlsx"})
    assert response.status_code == 403


def test_a_school_exports_its_own_files_only(login, school_contact_a, example, school_b):
    PersonFactory(school=school_b, name="王芳")
    response = login(school_contact_a).get(reverse("people"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[2].value for row in sheet.iter_rows(min_row=2)] == ["张伟"]


def test_another_county_exports_none_of_these_files(login, official_b, example):
    response = login(official_b).get(reverse("people"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1  # the header only
