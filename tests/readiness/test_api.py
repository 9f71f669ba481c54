import pytest
from django.urls import reverse
from knox.models import AuthToken

from tests.readiness.factories import SchoolFactory


def api(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_anonymous_requests_are_refused(api_client, school_a):
    assert api_client.get("/api/v1/schools/").status_code in (401, 403)


def test_token_authentication_works(api_client, official_a, school_a):
    _instance, token = AuthToken.objects.create(user=official_a)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/schools/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_token_is_obtained_with_username_and_password(api_client, official_a):
    response = api_client.post(
        reverse("api_token"), {"username": official_a.username, "password": "pw-for-tests-2020"}
    )
    assert response.status_code == 200 and response.json()["token"]


def test_school_list_is_scoped_to_the_county(api_client, official_a, school_a, school_b):
    data = api(api_client, official_a).get("/api/v1/schools/").json()
    assert [row["code"] for row in data["results"]] == [school_a.code]
    assert data["results"][0]["county"] == "371302"


def test_school_list_filters(api_client, city_staff, county_a, school_a, school_b):
    SchoolFactory(county=county_a, level="kindergarten", name="兰山区育才幼儿园")
    client = api(api_client, city_staff)
    data = client.get("/api/v1/schools/", {"county": "371323"}).json()
    assert [row["code"] for row in data["results"]] == [school_b.code]
    data = client.get("/api/v1/schools/", {"level": "kindergarten"}).json()
    assert [row["name"] for row in data["results"]] == ["兰山区育才幼儿园"]
    data = client.get("/api/v1/schools/", {"q": "高桥"}).json()
    assert data["count"] == 1


def test_school_list_is_paginated(api_client, city_staff, county_a):
    SchoolFactory.create_batch(12, county=county_a)
    data = api(api_client, city_staff).get("/api/v1/schools/", {"page_size": 5}).json()
    assert data["count"] == 12 and len(data["results"]) == 5 and data["next"]


@pytest.mark.parametrize("count", [5, 50])
def test_school_list_query_count_does_not_grow_with_rows(
    api_client, city_staff, county_a, django_assert_num_queries, count
):
    schools = SchoolFactory.create_batch(count, county=county_a)
    client = api(api_client, city_staff)
    with django_assert_num_queries(2):  # count, page of schools with counties
        response = client.get("/api/v1/schools/", {"page_size": 100})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == count
    assert {row["code"] for row in data["results"]} == {school.code for school in schools}
    assert {row["county"] for row in data["results"]} == {"371302"}


def test_detail_of_another_countys_school_is_404(api_client, official_a, school_b):
    assert api(api_client, official_a).get(f"/api/v1/schools/{school_b.pk}/").status_code == 404


def test_county_list_is_scoped(api_client, official_a, county_a, county_b):
    data = api(api_client, official_a).get("/api/v1/counties/").json()
    assert [row["code"] for row in data["results"]] == ["371302"]


def test_school_contact_sees_only_their_school_and_its_county(
    api_client, school_contact_a, school_a, school_b, county_b
):
    client = api(api_client, school_contact_a)
    assert [r["code"] for r in client.get("/api/v1/schools/").json()["results"]] == [school_a.code]
    assert [r["code"] for r in client.get("/api/v1/counties/").json()["results"]] == ["371302"]
    assert client.get(f"/api/v1/counties/{county_b.pk}/").status_code == 404


def test_official_patches_a_school_of_their_county(api_client, official_a, school_a):
    response = api(api_client, official_a).patch(
        f"/api/v1/schools/{school_a.pk}/", {"students": 999, "risk_level": "high"}, format="json"
    )
    assert response.status_code == 200, response.json()
    school_a.refresh_from_db()
    assert (school_a.students, school_a.risk_level) == (999, "high")
    assert school_a.history.latest().history_user == official_a


def test_patch_of_another_countys_school_is_404(api_client, official_a, school_b):
    response = api(api_client, official_a).patch(
        f"/api/v1/schools/{school_b.pk}/", {"students": 1}, format="json"
    )
    assert response.status_code == 404
    school_b.refresh_from_db()
    assert school_b.students == 600


@pytest.mark.parametrize("role", ["task_force", "verifier", "inspector", "supplies"])
def test_patch_without_the_right_is_403(api_client, make_user, school_a, role):
    response = api(api_client, make_user(role)).patch(
        f"/api/v1/schools/{school_a.pk}/", {"students": 1}, format="json"
    )
    assert response.status_code == 403


def test_patch_with_bad_data_changes_nothing(api_client, official_a, school_a):
    response = api(api_client, official_a).patch(
        f"/api/v1/schools/{school_a.pk}/", {"students": -3, "level": "college"}, format="json"
    )
    assert response.status_code == 400
    school_a.refresh_from_db()
    assert school_a.students == 600


def test_patch_cannot_make_a_school_city_direct_for_a_county_official(
    api_client, official_a, school_a
):
    response = api(api_client, official_a).patch(
        f"/api/v1/schools/{school_a.pk}/", {"jurisdiction": "city"}, format="json"
    )
    assert response.status_code == 400
    school_a.refresh_from_db()
    assert school_a.jurisdiction == "county"


def test_code_cannot_be_changed_through_the_api(api_client, city_staff, school_a):
    api(api_client, city_staff).patch(
        f"/api/v1/schools/{school_a.pk}/", {"code": "2137029999"}, format="json"
    )
    school_a.refresh_from_db()
    assert school_a.code == "2137020001"


def test_schema_and_docs_are_for_logged_in_users(client, db):
    # 401 with the token scheme named, so a client knows how to authenticate.
    assert client.get("/api/schema/").status_code == 401
    assert client.get("/api/docs/").status_code == 401


def test_schema_and_docs_are_served_without_internet(login, official_a):
    client = login(official_a)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/schools/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs


def test_an_unknown_api_path_answers_json(api_client, city_staff):
    api_client.force_authenticate(city_staff)
    response = api_client.get("/api/v1/notices/0.5/pdf/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
