"""A NUL character in a query or form value answers 400, never a server error."""

from __future__ import annotations

import pytest

NUL_URLS = [
    "/people/?q=%00",
    "/people/?school=1%002",
    "/api/v1/people/?q=a%00",
    "/api/v1/schools/?q=%00",
    "/verification/supervision/?county=%00",
    "/schools/?county=37%001",
    "/inspections/findings/?school=%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_byte_in_a_filter_answers_400(login, city_staff, url):
    response = login(city_staff).get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_byte_in_a_form_answers_400_and_writes_nothing(login, official_a, school_a):
    response = login(official_a).post(
        f"/schools/{school_a.pk}/edit/", {"name": "兰山\x00一中", "level": "primary"}
    )
    assert response.status_code == 400
    school_a.refresh_from_db()
    assert "\x00" not in school_a.name


def test_a_nul_character_in_an_api_form_answers_json(client, city_staff):
    client.force_login(city_staff)
    response = client.post("/api/v1/drills/", {"title": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "请求中的某个值含有 NUL 字符，无法处理。"}
