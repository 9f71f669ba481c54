import pytest
from django.urls import reverse

from readiness.models import School
from tests.readiness.factories import SchoolFactory


def test_anonymous_user_is_sent_to_login(client, school_a):
    response = client.get(reverse("school_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_shows_only_the_officials_county(login, official_a, school_a, school_b):
    response = login(official_a).get(reverse("school_list"))
    assert response.status_code == 200
    assert school_a.name in response.content.decode()
    assert school_b.name not in response.content.decode()
    link = reverse("school_detail", args=[school_a.pk])
    assert f'<a href="{link}">{school_a.name}</a>' in response.content.decode()


def test_list_filters_by_level_and_searches_by_name(login, city_staff, county_a):
    SchoolFactory(county=county_a, name="兰山区第一实验小学", level=School.Level.PRIMARY)
    SchoolFactory(county=county_a, name="兰山区育才幼儿园", level=School.Level.KINDERGARTEN)
    client = login(city_staff)
    body = client.get(reverse("school_list"), {"level": "kindergarten"}).content.decode()
    assert "育才幼儿园" in body and "第一实验小学" not in body
    body = client.get(reverse("school_list"), {"q": "实验"}).content.decode()
    assert "第一实验小学" in body and "育才幼儿园" not in body


def test_list_searches_by_code_prefix(login, city_staff, school_a, school_b):
    body = login(city_staff).get(reverse("school_list"), {"q": "213723"}).content.decode()
    assert school_b.name in body and school_a.name not in body


def test_list_ignores_a_county_filter_outside_scope(
    login, official_a, school_a, school_b, county_b
):
    body = (
        login(official_a).get(reverse("school_list"), {"county": county_b.code}).content.decode()
    )
    assert school_b.name not in body


def test_list_is_paginated(login, city_staff, county_a):
    SchoolFactory.create_batch(55, county=county_a)
    client = login(city_staff)
    first = client.get(reverse("school_list"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("school_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


@pytest.mark.parametrize("count", [5, 50])
def test_list_query_count_does_not_grow_with_rows(
    login, city_staff, county_a, django_assert_num_queries, count
):
    schools = SchoolFactory.create_batch(count, county=county_a)
    client = login(city_staff)
    # session, user, count, page of schools with their counties, filter's counties
    with django_assert_num_queries(5):
        response = client.get(reverse("school_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert all(school.name in body for school in schools)


def test_detail_of_another_countys_school_is_404(login, official_a, school_b):
    response = login(official_a).get(reverse("school_detail", args=[school_b.pk]))
    assert response.status_code == 404


def test_school_contact_cannot_open_another_school(login, school_contact_a, county_a):
    other = SchoolFactory(county=county_a)
    response = login(school_contact_a).get(reverse("school_detail", args=[other.pk]))
    assert response.status_code == 404


def test_official_edits_a_school_and_the_change_is_recorded(login, official_a, school_a):
    client = login(official_a)
    url = reverse("school_edit", args=[school_a.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"students": 777, "principal": "李校长", "risk_level": "medium"})
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302
    school_a.refresh_from_db()
    assert (school_a.students, school_a.principal, school_a.risk_level) == (
        777,
        "李校长",
        "medium",
    )
    latest = school_a.history.latest()
    assert latest.history_user == official_a
    history = client.get(reverse("school_detail", args=[school_a.pk])).content.decode()
    history = history.split("<h2>修改记录</h2>")[1].split("</section>")[0]
    before = school_a.history.order_by("history_date").first().students
    assert f"学生数：{before} → <strong>777</strong>" in history
    assert "校长：" in history and "<strong>李校长</strong>" in history
    assert "修改" not in history


def test_edit_with_invalid_data_changes_nothing(login, official_a, school_a):
    response = login(official_a).post(
        reverse("school_edit", args=[school_a.pk]),
        {"name": "", "level": "primary", "students": -5, "staff": 1, "risk_level": "low"},
    )
    assert response.status_code == 200
    school_a.refresh_from_db()
    assert school_a.name == "兰山区城关镇中心小学" and school_a.students == 600


def test_official_cannot_edit_another_countys_school(login, official_a, school_b):
    response = login(official_a).post(reverse("school_edit", args=[school_b.pk]), {"name": "x"})
    assert response.status_code == 404
    school_b.refresh_from_db()
    assert school_b.name == "沂水县高桥镇中心小学"


def test_official_cannot_edit_a_city_direct_school_in_their_county(
    login, official_a, city_school_a
):
    response = login(official_a).get(reverse("school_edit", args=[city_school_a.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["task_force", "verifier", "inspector", "supplies"])
def test_roles_without_the_right_get_403_on_edit(login, make_user, school_a, role):
    response = login(make_user(role)).get(reverse("school_edit", args=[school_a.pk]))
    assert response.status_code == 403


def test_school_contact_gets_403_on_editing_their_own_school(login, school_contact_a, school_a):
    response = login(school_contact_a).get(reverse("school_edit", args=[school_a.pk]))
    assert response.status_code == 403


def test_official_cannot_make_a_school_city_direct(login, official_a, school_a):
    client = login(official_a)
    response = client.post(
        reverse("school_edit", args=[school_a.pk]),
        {
            "name": school_a.name,
            "level": "primary",
            "jurisdiction": "city",
            "students": 1,
            "staff": 1,
            "risk_level": "low",
        },
    )
    assert response.status_code == 302  # the disabled field keeps its value
    school_a.refresh_from_db()
    assert school_a.jurisdiction == "county"


@pytest.mark.parametrize(
    "user_fixture", ["city_staff", "task_force", "official_a", "school_contact_a"]
)
def test_home_page_answers_for_every_role(request, login, school_a, user_fixture):
    user = request.getfixturevalue(user_fixture)
    response = login(user).get(reverse("home"))
    assert response.status_code == 200


def test_home_of_county_official_counts_only_their_county(login, official_a, school_a, school_b):
    response = login(official_a).get(reverse("home"))
    assert [row["code"] for row in response.context["counties"]] == ["371302"]


def test_pages_speak_chinese_by_default(login, city_staff, school_a):
    body = login(city_staff).get(reverse("school_list")).content.decode()
    assert "学校代码" in body and "小学" in body


def test_language_switches_to_english(login, city_staff, school_a):
    client = login(city_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/schools/"})
    body = client.get(reverse("school_list")).content.decode()
    assert "School code" in body


def test_list_filters_by_boarding(login, city_staff, county_a):
    SchoolFactory(county=county_a, name="兰山区寄宿制初中", boarding=True)
    SchoolFactory(county=county_a, name="兰山区走读小学", boarding=False)
    client = login(city_staff)
    body = client.get(reverse("school_list"), {"boarding": "true"}).content.decode()
    assert "寄宿制初中" in body and "走读小学" not in body
    body = client.get(reverse("school_list"), {"boarding": ""}).content.decode()
    assert "寄宿制初中" in body and "走读小学" in body


def test_403_and_404_are_pages_of_the_portal_in_the_user_s_language(
    login, school_contact_a, school_b
):
    client = login(school_contact_a)
    refused = client.get(reverse("dashboard_targets"))
    assert refused.status_code == 403
    body = refused.content.decode()
    assert "您无权进行此操作" in body and 'id="main-nav"' in body and "403 Forbidden" not in body
    missing = client.get(reverse("school_detail", args=[school_b.pk]))
    assert missing.status_code == 404
    assert "页面不存在，或不在您的范围内" in missing.content.decode()
    assert client.get("/api/v1/schools/999999/").json()["detail"]


def test_the_rows_are_escaped_grouped_and_in_the_users_language(login, official_a, county_a):
    """The rows are drawn by Jinja2 (readiness/jinja_env.py) as Django's engine drew them:
    a name escaped, digits grouped as the language groups them, labels translated."""
    SchoolFactory(county=county_a, name="<b>兰山</b>小学", level=School.Level.PRIMARY,
                  students=12345, staff=67, demonstration=True)  # fmt: skip
    client = login(official_a)
    body = client.get(reverse("school_list")).content.decode()
    assert "<b>兰山</b>" not in body and "&lt;b&gt;兰山&lt;/b&gt;小学" in body
    assert '<td class="num">12345</td>' in body  # Chinese groups no digits
    assert '<td class="nowrap">小学</td>' in body
    english = client.get(reverse("school_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<td class="nowrap">Primary school</td>' in english
    assert '<td class="num">12,345</td>' in english
    assert "Demonstration" in english
    empty = client.get(reverse("school_list"), {"q": "没有这所学校"}).content.decode()
    assert "没有符合条件的学校。" in empty
