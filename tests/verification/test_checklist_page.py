"""The checklist page: the items that apply, answers saved one by one, evidence."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tests.readiness.factories import SchoolFactory
from verification import services
from verification.models import Response
from verification.selectors import forget_kept_items

from .fixtures import answer_all, make_template


def detail(v):
    return reverse("verification_detail", args=[v.pk])


def test_a_member_sees_only_the_items_that_apply(login, verification, county_members):
    body = login(county_members["health"]).get(detail(verification)).content.decode()
    assert "核验要求第1条" in body and "核验要求第2条" not in body and "核验要求第3条" not in body
    assert "确认本部门部分" in body


def test_answers_are_saved_one_by_one_as_json(login, verification, county_members):
    client = login(county_members["health"])
    item = verification.template.items.get(code="01")
    response = client.post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": item.pk, "answer": "pass", "note": "测温点已设置", "revision": 0},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["revision"], data["answered"], data["total"]) == (1, 1, 8)
    assert Response.objects.get().note == "测温点已设置"


def test_a_stale_edit_answers_409_with_the_newer_answer(login, verification, county_members):
    item = verification.template.items.get(code="01")
    services.response_save(
        actor=county_members["education"],
        verification=verification,
        item_id=item.pk,
        answer="fail",
        note="无留观区",
    )
    response = login(county_members["health"]).post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": item.pk, "answer": "pass", "revision": 0},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert response.json()["current"] == {"answer": "fail", "note": "无留观区", "revision": 1}
    assert "您的修改未保存" in response.json()["error"]
    assert Response.objects.get().answer == "fail"


def test_without_javascript_the_form_posts_and_comes_back(login, verification, county_members):
    item = verification.template.items.get(code="01")
    response = login(county_members["health"]).post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": item.pk, "answer": "pass", "revision": 0},
    )
    assert response.status_code == 302 and f"#item-{item.pk}" in response["Location"]


def test_evidence_upload_by_page_refuses_a_script(login, verification, county_members):
    item = verification.template.items.get(code="01")
    client = login(county_members["health"])
    client.post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": item.pk, "answer": "pass", "revision": 0},
    )
    response = client.post(
        reverse("verification_evidence_upload", args=[verification.pk]),
        {"item": item.pk, "file": SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>")},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "照片" in response.json()["error"]


@pytest.mark.parametrize("items", [10, 60])
def test_the_checklist_page_query_count_does_not_grow_with_the_template(
    login,
    official_a,
    county_team,
    county_members,
    county_a,
    departments,
    tomorrow,
    django_assert_num_queries,
    items,
):
    make_template(departments, items=items, name=f"细则{items}")
    school = SchoolFactory(county=county_a)
    [v] = services.verification_assign(
        actor=official_a, team=county_team, schools=[school], planned_on=tomorrow
    )
    answer_all(v, county_members)
    client = login(county_members["health"])
    forget_kept_items()  # the worker's first page of this version of the rules
    # session, user, verification, membership, 4 for the checklist, reverifications
    # (the history is fetched when it is opened)
    with django_assert_num_queries(8):
        response = client.get(detail(v))
    assert response.status_code == 200
    assert school.name in response.content.decode()
    with django_assert_num_queries(7):  # the version's items are kept by the worker
        assert client.get(detail(v)).status_code == 200


def test_the_latest_changes_come_when_asked_and_the_whole_history_has_its_page(
    login, official_a, official_b, county_team, county_members, county_a, departments, tomorrow
):
    make_template(departments, items=12, name="细则12")
    school = SchoolFactory(county=county_a)
    [v] = services.verification_assign(
        actor=official_a, team=county_team, schools=[school], planned_on=tomorrow
    )
    answer_all(v, county_members)  # 12 answers and the status changes: more than 10
    client = login(county_members["health"])
    page = client.get(detail(v)).content.decode()
    assert page.count("<time>") == 0  # fetched when the history is opened
    history = reverse("verification_history", args=[v.pk])
    assert f'data-latest="{history}?latest=1"' in page and f'href="{history}"' in page
    latest = client.get(history, {"latest": "1"}).content.decode()
    assert latest.startswith('<ul class="history">') and "<html" not in latest
    assert latest.count("<time>") == 10  # the ten latest changes
    whole = client.get(history).content.decode()
    changes = Response.history.filter(verification_id=v.pk).count() + v.history.count()
    assert whole.count("<time>") == changes > 10
    other = login(official_b)  # another county's official
    assert other.get(history).status_code == other.get(history, {"latest": "1"}).status_code == 404


def test_only_a_member_takes_the_checklist_offline_with_the_schools_card(
    login, verification, county_members, official_a
):
    page = login(county_members["health"]).get(f"/verification/{verification.pk}/")
    urls = f"/verification/{verification.pk}/ /schools/{verification.school_id}/"
    assert f'data-take-offline="{urls}"' in page.content.decode()
    page = login(official_a).get(f"/verification/{verification.pk}/")
    assert "data-take-offline" not in page.content.decode()


@pytest.mark.parametrize("forms", ["", "?forms=all"])
@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_the_items_numbers_are_written_as_they_are_for_the_pages_script(
    login, verification, county_members, forms
):
    """In English, where digits are grouped, an item's id and revision still reach
    the page's script (and the form's hidden fields) as plain digits: 1234, never 1,234."""
    item = verification.template.items.get(code="01")
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk,
        answer="pass",
    )  # fmt: skip
    Response.objects.filter(item=item).update(revision=1234)
    client = login(county_members["health"])
    body = client.get(detail(verification) + forms, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in body
    if forms:
        assert 'name="revision" value="1234"' in body
    else:
        assert f'data-form="{item.pk} 1234 pass 1"' in body
    assert "1,234" not in body


@pytest.mark.parametrize("forms", ["", "?forms=all"])
def test_the_items_are_escaped_translated_and_timed_as_the_city_reads_them(
    login, verification, county_members, forms
):
    """The items are drawn by Jinja2 (readiness/jinja_env.py): what a user wrote is
    escaped, the words are the user's language, a time is the city's (UTC+8)."""
    import datetime as dt

    item = verification.template.items.get(code="01")
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk,
        answer="fail", note='<img src=x onerror=alert(1)> "引号"',
    )  # fmt: skip
    answered = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)
    Response.objects.filter(item=item).update(answered_at=answered)
    client = login(county_members["health"])
    body = client.get(detail(verification) + forms).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "12-07 09:30" in body  # 01:30 UTC, read in the city
    assert '<span class="badge risk-high">一票否决</span>' in body
    english = client.get(detail(verification) + forms, HTTP_ACCEPT_LANGUAGE="en")
    assert '<span class="badge risk-high">Veto</span>' in english.content.decode()
