"""Pages of verification: scope, rights, the checklist, supervision, PDF and export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from verification import services
from verification.models import Response, Verification

from .fixtures import answer_all, complete, jpeg_bytes, make_template


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
        actor=county_members["hr"],
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


def test_another_teams_member_gets_404(login, verification, county_team_b):
    other = county_team_b.members.first().user
    client = login(other)
    assert client.get(detail(verification)).status_code == 404
    item = verification.template.items.get(code="01")
    assert (
        client.post(
            reverse("verification_answer", args=[verification.pk]),
            {"item": item.pk, "answer": "pass", "revision": 0},
        ).status_code
        == 404
    )
    assert not Response.objects.exists()


def test_another_countys_official_gets_404(login, verification, official_b):
    assert login(official_b).get(detail(verification)).status_code == 404


def test_the_county_official_follows_but_cannot_answer(login, verification, official_a):
    client = login(official_a)
    assert client.get(detail(verification)).status_code == 200
    item = verification.template.items.get(code="01")
    response = client.post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": item.pk, "answer": "pass", "revision": 0},
    )
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_a_school_sees_its_approved_result_but_not_a_draft(
    login, verification, county_members, school_contact_a
):
    client = login(school_contact_a)
    assert client.get(detail(verification)).status_code == 404
    complete(verification, county_members)
    services.verification_approve(actor=county_members["education"], verification=verification)
    assert client.get(detail(verification)).status_code == 200
    assert client.get(reverse("verification_list")).context["page"].paginator.count == 1


def test_evidence_is_served_only_within_scope(login, verification, county_members, official_b):
    item = verification.template.items.get(code="01")
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk, answer="pass"
    )
    evidence = services.evidence_add(
        actor=county_members["health"],
        verification=verification,
        item_id=item.pk,
        name="a.jpg",
        data=jpeg_bytes(),
    )
    url = reverse("verification_evidence", args=[evidence.pk])
    ok = login(county_members["sport"]).get(url)
    assert ok.status_code == 200 and ok["Content-Type"] == "image/jpeg"
    assert login(official_b).get(url).status_code == 404


def test_evidence_upload_by_page_refuses_a_script(login, verification, county_members):
    from django.core.files.uploadedfile import SimpleUploadedFile

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


def test_the_whole_workflow_through_the_pages(login, verification, county_members, school_a):
    answer_all(verification, county_members)
    from .fixtures import attach_required_evidence

    attach_required_evidence(verification, county_members)
    for code, member in county_members.items():
        response = login(member).post(reverse("verification_confirm", args=[verification.pk]))
        assert response.status_code == 302, code
    login(county_members["sport"]).post(reverse("verification_submit", args=[verification.pk]))
    leader = login(county_members["education"])
    assert "组长审核" in leader.get(detail(verification)).content.decode()
    leader.post(reverse("verification_approve", args=[verification.pk]))
    verification.refresh_from_db()
    school_a.refresh_from_db()
    assert (verification.status, verification.result, school_a.readiness) == (
        "approved",
        "passed",
        "passed",
    )


def test_a_member_who_is_not_the_leader_gets_403_on_approve(login, verification, county_members):
    complete(verification, county_members)
    assert (
        login(county_members["hr"])
        .post(reverse("verification_approve", args=[verification.pk]))
        .status_code
        == 403
    )


def test_returning_needs_a_reason(login, verification, county_members):
    complete(verification, county_members)
    client = login(county_members["education"])
    response = client.post(
        reverse("verification_return", args=[verification.pk]), {"reason": ""}, follow=True
    )
    assert "请填写退回原因" in response.content.decode()
    verification.refresh_from_db()
    assert verification.status == "submitted"


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
    from tests.factories import SchoolFactory

    make_template(departments, items=items, name=f"细则{items}")
    school = SchoolFactory(county=county_a)
    [v] = services.verification_assign(
        actor=official_a, team=county_team, schools=[school], planned_on=tomorrow
    )
    answer_all(v, county_members)
    client = login(county_members["health"])
    # session, user, verification, membership, 4 for the checklist, reverifications,
    # 2 for the history (status and answers)
    with django_assert_num_queries(10):
        assert client.get(detail(v)).status_code == 200


# --- assignment page -----------------------------------------------------------------------


def test_the_official_assigns_from_the_school_list(
    login, official_a, county_team, county_members, school_a, template, tomorrow
):
    client = login(official_a)
    page = client.get(reverse("verification_assign"))
    assert school_a.name in page.content.decode()
    response = client.post(
        reverse("verification_assign"),
        {"school": [school_a.pk], "team": county_team.pk, "planned_on": tomorrow.isoformat()},
    )
    assert response.status_code == 302
    assert Verification.objects.get().school == school_a


def test_assigning_a_school_outside_the_remit_is_refused_with_a_message(
    login, official_a, county_team, school_a, city_school_a, template, tomorrow
):
    response = login(official_a).post(
        reverse("verification_assign"),
        {
            "school": [school_a.pk, city_school_a.pk],
            "team": county_team.pk,
            "planned_on": tomorrow.isoformat(),
        },
        follow=True,
    )
    assert "无权核验：临沂第四中学" in response.content.decode()
    assert not Verification.objects.exists()


def test_assigning_another_countys_school_is_404(
    login, official_a, county_team, school_b, template, tomorrow
):
    response = login(official_a).post(
        reverse("verification_assign"),
        {"school": [school_b.pk], "team": county_team.pk, "planned_on": tomorrow.isoformat()},
    )
    assert response.status_code == 404
    assert not Verification.objects.exists()


def test_another_countys_team_is_not_offered(
    login, official_a, county_team, county_team_b, school_a, template, tomorrow
):
    client = login(official_a)
    assert "沂水县核验组" not in client.get(reverse("verification_assign")).content.decode()
    client.post(
        reverse("verification_assign"),
        {"school": [school_a.pk], "team": county_team_b.pk, "planned_on": tomorrow.isoformat()},
    )
    assert not Verification.objects.exists()


@pytest.mark.parametrize("role", ["task_force", "verifier", "inspector", "supplies"])
def test_roles_without_the_right_get_403_on_assignment(login, make_user, role):
    assert login(make_user(role)).get(reverse("verification_assign")).status_code == 403


# --- supervision, PDF, export ------------------------------------------------------------------


def test_supervision_counts_schools_by_state_per_county(
    login, city_staff, verification, county_members, school_b, county_b, template
):
    answer_all(verification, county_members)
    table = login(city_staff).get(reverse("verification_supervision")).context["table"]
    rows = {row["county"].code: row for row in table}
    assert (rows["371302"]["in_progress"], rows["371302"]["total"]) == (1, 1)
    assert (rows["371323"]["not_started"], rows["371323"]["total"]) == (1, 1)


def test_supervision_of_a_county_official_shows_their_county(
    login, official_a, verification, school_b
):
    table = login(official_a).get(reverse("verification_supervision")).context["table"]
    assert [row["county"].code for row in table] == ["371302"]


def test_supervision_drills_down_to_the_schools(login, official_a, verification):
    response = login(official_a).get(
        reverse("verification_supervision"), {"county": "371302", "state": "not_started"}
    )
    assert [row["school"].name for row in response.context["rows"]] == ["兰山区城关镇中心小学"]


def test_supervision_drill_down_of_another_county_is_empty(
    login, official_a, verification, school_b
):
    response = login(official_a).get(reverse("verification_supervision"), {"county": "371323"})
    assert response.context["rows"] == []


@pytest.mark.parametrize("count", [3, 30])
def test_supervision_query_count_does_not_grow(
    login, city_staff, county_a, county_b, django_assert_num_queries, count
):
    from tests.factories import SchoolFactory

    SchoolFactory.create_batch(count, county=county_a)
    SchoolFactory.create_batch(count, county=county_b)
    client = login(city_staff)
    with django_assert_num_queries(5):  # session, user, counts, overdue, counties
        client.get(reverse("verification_supervision"))


def approved(verification, members, fail=()):
    complete(verification, members, fail=fail)
    return services.verification_approve(actor=members["education"], verification=verification)


def test_the_pdf_of_an_approved_verification_speaks_chinese(
    login, verification, county_members, official_a
):
    approved(verification, county_members, fail=("05",))
    response = login(official_a).get(reverse("verification_pdf", args=[verification.pk]))
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for fragment in (
        "学校开学条件核验记录",
        "兰山区城关镇中心小学",
        "核验要求第5条",
        "有条件具备",
        "兰山区核验组教育组员",
    ):
        assert fragment in text, fragment


def test_the_pdf_of_a_draft_does_not_exist(login, verification, official_a):
    assert (
        login(official_a).get(reverse("verification_pdf", args=[verification.pk])).status_code
        == 404
    )


def test_the_pdf_of_another_county_is_refused(login, verification, county_members, official_b):
    approved(verification, county_members)
    assert (
        login(official_b).get(reverse("verification_pdf", args=[verification.pk])).status_code
        == 404
    )


def test_the_export_lists_results_within_scope(
    login, verification, county_members, official_a, official_b
):
    approved(verification, county_members)
    sheet = openpyxl.load_workbook(
        io.BytesIO(login(official_a).get(reverse("verification_export")).content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("学校代码", "学校名称", "县区")
    assert rows[1][1] == "兰山区城关镇中心小学" and rows[1][6] == "具备开学条件"
    other = openpyxl.load_workbook(
        io.BytesIO(login(official_b).get(reverse("verification_export")).content)
    ).active
    assert other.max_row == 1


@pytest.mark.parametrize("count", [1, 8])
def test_the_list_query_count_does_not_grow(
    login,
    official_a,
    county_team,
    county_members,
    county_a,
    template,
    tomorrow,
    django_assert_num_queries,
    count,
):
    from tests.factories import SchoolFactory

    schools = SchoolFactory.create_batch(count, county=county_a)
    services.verification_assign(
        actor=official_a, team=county_team, schools=schools, planned_on=tomorrow
    )
    client = login(official_a)
    with django_assert_num_queries(4):  # session, user, count, page
        client.get(reverse("verification_list"))
