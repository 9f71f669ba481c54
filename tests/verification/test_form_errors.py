"""Malformed input on the pages: a message beside the field, nothing written, what was
typed kept."""

from __future__ import annotations

from django.urls import reverse

from verification import services
from verification.models import DepartmentSignoff, Evidence, Response, Verification

from .fixtures import approved, complete


def detail(v):
    return reverse("verification_detail", args=[v.pk])


def test_malformed_numbers_are_a_message_not_an_error(
    login, verification, county_members, official_a
):
    client = login(county_members["health"])
    response = client.post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": "abc", "answer": "pass", "revision": "x"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    response = login(official_a).post(
        reverse("verification_assign"),
        {"school": ["abc"], "team": "x", "planned_on": "2030-01-01"},
    )
    assert (
        response.status_code == 200
        and not Verification.objects.exclude(pk=verification.pk).exists()
    )


def test_a_malformed_planned_date_comes_back_with_everything_typed(
    login, official_a, county_team, school_a, template
):
    response = login(official_a).post(
        reverse("verification_assign"),
        {"school": [school_a.pk], "team": county_team.pk, "planned_on": "2030-02-31"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "输入一个有效的日期。" in body
    assert 'value="2030-02-31"' in body
    assert f'<option value="{county_team.pk}" selected>' in body
    assert f'value="{school_a.pk}" id="school-{school_a.pk}" checked' in body
    assert not Verification.objects.exists()


def test_a_refused_assignment_keeps_the_team_date_and_schools(
    login, official_a, county_team, school_a, city_school_a, template, tomorrow
):
    response = login(official_a).post(
        reverse("verification_assign"),
        {
            "school": [school_a.pk, city_school_a.pk],
            "team": county_team.pk,
            "planned_on": tomorrow.isoformat(),
        },
    )
    body = response.content.decode()
    assert "无权核验：临沂第四中学" in body
    assert f'value="{tomorrow.isoformat()}"' in body
    assert f'<option value="{county_team.pk}" selected>' in body
    for school in (school_a, city_school_a):
        assert f'id="school-{school.pk}" checked' in body


def test_an_answer_refused_without_javascript_comes_back_beside_its_item(
    login, verification, county_members
):
    veto = verification.template.items.get(code="01")
    response = login(county_members["health"]).post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": veto.pk, "answer": "na", "note": "无需设置", "revision": 0},
    )
    assert response.status_code == 200
    item = response.content.decode().split(f'id="item-{veto.pk}"')[1].split("</li>")[0]
    assert (
        "一票否决项只能填写合格或不合格" in item and "无需设置" in item
    )  # the message and the note typed
    assert 'value="na" checked' in item
    assert not Response.objects.exists()


def test_a_stale_answer_without_javascript_keeps_what_was_typed(
    login, verification, county_members
):
    item = verification.template.items.get(code="01")
    services.response_save(
        actor=county_members["education"],
        verification=verification,
        item_id=item.pk,
        answer="fail",
    )
    response = login(county_members["health"]).post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": item.pk, "answer": "pass", "note": "测温点已设置", "revision": 0},
    )
    row = response.content.decode().split(f'id="item-{item.pk}"')[1].split("</li>")[0]
    assert "您的修改未保存" in row and "测温点已设置" in row
    assert 'name="revision" value="1"' in row  # saving again overwrites knowingly
    assert Response.objects.get().answer == "fail"


def test_an_answer_for_an_unknown_item_says_the_page_is_out_of_date(
    login, verification, county_members
):
    response = login(county_members["health"]).post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": "abc", "answer": "pass", "revision": 0},
    )
    assert response.status_code == 200
    assert "页面已过期，请刷新。" in response.content.decode()
    assert not Response.objects.exists()


def test_an_upload_without_a_file_is_a_message_beside_the_item(
    login, verification, county_members
):
    item = verification.template.items.get(code="01")
    client = login(county_members["health"])
    response = client.post(
        reverse("verification_evidence_upload", args=[verification.pk]), {"item": item.pk}
    )
    row = response.content.decode().split(f'id="item-{item.pk}"')[1].split("</li>")[0]
    assert "请选择照片或 PDF。" in row
    json = client.post(
        reverse("verification_evidence_upload", args=[verification.pk]),
        {"item": item.pk},
        HTTP_ACCEPT="application/json",
    )
    assert json.status_code == 400 and json.json()["errors"]["file"][0]["code"] == "required"
    assert not Evidence.objects.exists()


def test_a_refused_confirmation_is_shown_beside_the_button(login, verification, county_members):
    response = login(county_members["health"]).post(
        reverse("verification_confirm", args=[verification.pk])
    )
    assert response.status_code == 200
    assert "请先填写卫健的全部条目：01" in response.content.decode()
    assert not DepartmentSignoff.objects.exists()


def test_a_malformed_due_date_is_refused_and_kept(login, verification, county_members):
    complete(verification, county_members, fail=("05",))
    response = login(county_members["education"]).post(
        reverse("verification_approve", args=[verification.pk]), {"reverify_due": "2030-02-31"}
    )
    body = response.content.decode()
    assert "输入一个有效的日期。" in body and 'value="2030-02-31"' in body
    verification.refresh_from_db()
    assert verification.status == "submitted"


def test_a_reason_refused_by_the_service_is_shown(login, verification, county_members):
    response = login(county_members["education"]).post(
        reverse("verification_return", args=[verification.pk]), {"reason": "照片不清"}
    )
    assert "只有已提交的核验才能审核或退回。" in response.content.decode()
    verification.refresh_from_db()
    assert verification.status == "assigned"


def test_a_malformed_reverification_date_is_refused_and_kept(
    login, verification, county_members, official_a
):
    approved(verification, county_members, fail=("05",))
    response = login(official_a).post(
        reverse("verification_reverify", args=[verification.pk]), {"planned_on": "tomorrow"}
    )
    body = response.content.decode()
    assert "输入一个有效的日期。" in body and 'value="tomorrow"' in body
    assert Verification.objects.count() == 1


def test_a_reverification_without_a_date_asks_for_one(
    login, verification, county_members, official_a
):
    approved(verification, county_members)
    response = login(official_a).post(
        reverse("verification_reverify", args=[verification.pk]), {"planned_on": ""}
    )
    assert "请选择计划日期。" in response.content.decode()
    assert Verification.objects.count() == 1
