"""The REST API: the same scope, services and rules as the pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.readiness.factories import SchoolFactory
from verification import selectors, services
from verification.api import ChecklistRowOutputSerializer
from verification.models import Response

from .factories import ResponseFactory
from .fixtures import answer, complete, jpeg_bytes


def api(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_templates_are_readable_with_their_items(api_client, official_a, template):
    data = api(api_client, official_a).get("/api/v1/verification-templates/").json()
    [rules] = data["results"]
    assert rules["version"] == 1 and len(rules["sections"]) == 2
    assert rules["sections"][0]["items"][0]["veto"] is True


def test_the_list_is_scoped(api_client, verification, official_a, official_b):
    assert api(api_client, official_a).get("/api/v1/verifications/").json()["count"] == 1
    assert api(api_client, official_b).get("/api/v1/verifications/").json()["count"] == 0
    assert (
        api(api_client, official_b).get(f"/api/v1/verifications/{verification.pk}/").status_code
        == 404
    )


def test_detail_carries_the_answers(api_client, verification, county_members):
    data = (
        api(api_client, county_members["hr"])
        .get(f"/api/v1/verifications/{verification.pk}/")
        .json()
    )
    assert data["progress"] == {"answered": 0, "total": 8}
    assert {row["code"] for row in data["answers"]} >= {"01", "04"}


def test_answers_are_written_with_the_same_rules(
    api_client, verification, county_members, official_a
):
    item = verification.template.items.get(code="01").pk
    url = f"/api/v1/verifications/{verification.pk}/answers/"
    ok = api(api_client, county_members["health"]).post(
        url, {"item": item, "answer": "pass", "revision": 0}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["revision"] == 1
    stale = api_client.post(url, {"item": item, "answer": "fail", "revision": 0}, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["answer"] == "pass"
    assert (
        api(api_client, official_a)
        .post(url, {"item": item, "answer": "fail", "revision": 1}, format="json")
        .status_code
        == 403
    )
    boarding = verification.template.items.get(code="02").pk
    refused = api(api_client, county_members["hr"]).post(
        url, {"item": boarding, "answer": "pass", "revision": 0}, format="json"
    )
    assert refused.status_code == 400


def test_submit_approve_and_return_as_actions(api_client, verification, county_members):
    complete(verification, county_members)
    leader = api(api_client, county_members["education"])
    back = leader.post(
        f"/api/v1/verifications/{verification.pk}/return/", {"reason": "照片不清"}, format="json"
    )
    assert back.status_code == 200 and back.json()["status"] == "returned"
    member = api(api_client, county_members["health"])
    assert member.post(f"/api/v1/verifications/{verification.pk}/confirm/").status_code == 200
    early = member.post(f"/api/v1/verifications/{verification.pk}/submit/")
    assert early.status_code == 400  # the other departments must confirm again
    for code, user in county_members.items():
        if code != "health":
            services.department_confirm(actor=user, verification=verification)
    assert (
        member.post(f"/api/v1/verifications/{verification.pk}/submit/").json()["status"]
        == "submitted"
    )
    assert member.post(f"/api/v1/verifications/{verification.pk}/approve/").status_code == 403
    done = api(api_client, county_members["education"]).post(
        f"/api/v1/verifications/{verification.pk}/approve/"
    )
    assert done.status_code == 200 and done.json()["result"] == "passed"


def test_a_school_user_sees_only_approved_results_through_the_api(
    api_client, verification, county_members, school_contact_a
):
    client = api(api_client, school_contact_a)
    assert client.get("/api/v1/verifications/").json()["count"] == 0
    complete(verification, county_members)
    services.verification_approve(actor=county_members["education"], verification=verification)
    assert client.get("/api/v1/verifications/").json()["count"] == 1


@pytest.mark.parametrize("count", [1, 8])
def test_list_query_count_does_not_grow(
    api_client,
    official_a,
    county_team,
    county_members,
    county_a,
    template,
    tomorrow,
    django_assert_num_queries,
    count,
):
    schools = SchoolFactory.create_batch(count, county=county_a)
    services.verification_assign(
        actor=official_a, team=county_team, schools=schools, planned_on=tomorrow
    )
    client = api(api_client, official_a)
    with django_assert_num_queries(2):
        response = client.get("/api/v1/verifications/")
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_the_api_schema_has_no_warnings(db):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_a_refusal_of_a_service_is_a_400_with_its_message(
    api_client, verification, county_members
):
    boarding = verification.template.items.get(code="02").pk
    response = api(api_client, county_members["hr"]).post(
        f"/api/v1/verifications/{verification.pk}/answers/",
        {"item": boarding, "answer": "pass", "revision": 0},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["该条目不适用于此学校。"]}


def test_a_malformed_body_is_a_400_per_field(api_client, verification, county_members):
    response = api(api_client, county_members["health"]).post(
        f"/api/v1/verifications/{verification.pk}/answers/",
        {"item": "abc", "answer": "maybe", "revision": -1},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"item", "answer", "revision"}
    assert not Response.objects.exists()


def test_a_stale_answer_is_a_409_with_the_answer_as_it_is_now(
    api_client, verification, county_members
):
    item = verification.template.items.get(code="01")
    ResponseFactory(
        verification=verification,
        item=item,
        answer="fail",
        note="无留观区",
        revision=3,
        answered_by=county_members["hr"],
    )
    response = api(api_client, county_members["health"]).post(
        f"/api/v1/verifications/{verification.pk}/answers/",
        {"item": item.pk, "answer": "pass", "revision": 2},
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "stale",
        "current": {"answer": "fail", "note": "无留观区", "revision": 3},
    }


def test_returning_without_a_reason_is_a_400_beside_the_reason(
    api_client, verification, county_members
):
    complete(verification, county_members)
    response = api(api_client, county_members["education"]).post(
        f"/api/v1/verifications/{verification.pk}/return/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    verification.refresh_from_db()
    assert verification.status == "submitted"


@pytest.mark.parametrize("action", ["answers", "confirm", "submit", "approve", "return"])
def test_the_actions_on_another_countys_verification_are_404(
    api_client, verification, county_team_b, action
):
    other = county_team_b.members.first().user
    response = api(api_client, other).post(
        f"/api/v1/verifications/{verification.pk}/{action}/", {}, format="json"
    )
    assert response.status_code == 404
    verification.refresh_from_db()
    assert verification.status == "assigned"


def test_each_row_of_the_detail_says_its_answer_note_revision_and_evidence(
    api_client, verification, county_members
):
    items = {i.code: i for i in verification.template.items.select_related("department")}
    answer(county_members["health"], verification, items["01"], "fail", note="门卫未登记")
    answer(county_members["sport"], verification, items["04"], "pass")
    answer(county_members["sport"], verification, items["04"], "pass", note="已整改", revision=1)
    services.evidence_add(
        actor=county_members["sport"],
        verification=verification,
        item_id=items["04"].pk,
        name="photo.jpg",
        data=jpeg_bytes(),
    )
    answer(county_members["education"], verification, items["07"], "pass")  # the leader
    data = api(api_client, county_members["hr"]).get(f"/api/v1/verifications/{verification.pk}/")
    rows = {row["code"]: row for row in data.json()["answers"]}

    def row(code, department, answer, note, revision, by_leader, evidence):
        return {
            "item": items[code].pk, "code": code, "department": department, "answer": answer,
            "note": note, "revision": revision, "by_leader": by_leader, "evidence": evidence,
        }  # fmt: skip

    assert rows["01"] == row("01", "health", "fail", "门卫未登记", 1, False, 0)
    assert rows["04"] == row("04", "sport", "pass", "已整改", 2, False, 1)
    assert rows["07"] == row("07", "market", "pass", "", 1, True, 0)
    assert rows["06"] == row("06", "health", None, "", 0, False, 0)
    assert "02" not in rows and "03" not in rows  # boarding schools, universities only
    # The rows are built without the serializer that documents them: both say the same.
    sheet = selectors.checklist(verification=verification)
    assert data.json()["answers"] == ChecklistRowOutputSerializer(sheet.rows, many=True).data


def test_a_phones_answer_costs_a_known_number_of_queries(
    api_client, verification, county_members, django_assert_num_queries
):
    from knox.models import AuthToken

    member = county_members["health"]
    _instance, token = AuthToken.objects.create(user=member)
    item = next(i for i in selectors.template_items(verification.template)
                if i.department.code == "health")  # fmt: skip
    url = f"/api/v1/verifications/{verification.pk}/answers/"
    body = {"item": item.pk, "answer": "pass", "note": "", "revision": 0}
    # The token with its user; the verification in scope, its row alone; the member's
    # place in the team. Then the save: the verification under its lock with its
    # school, team and rules, the member's place again, the answer under its lock, the
    # answer and its history, the department's confirmation withdrawn (read: none),
    # the status and its history, the audit entry. 12, and in a test's transaction the
    # two savepoints of the audit's and the save's atomic blocks, opened and released.
    with django_assert_num_queries(16) as queries:
        response = api_client.post(url, body, format="json", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content
    assert response.json()["revision"] == 1
    in_scope, locked = [q["sql"] for q in queries.captured_queries
                        if q["sql"].startswith('SELECT "verification_verification"')]  # fmt: skip
    assert " JOIN " not in in_scope  # its row alone: the lock's read brings the rest
    assert '"readiness_school"' in locked and '"verification_checklisttemplate"' in locked


def test_an_answer_to_a_verification_out_of_scope_is_refused_and_writes_nothing(
    api_client, verification, county_team_b
):
    other = county_team_b.members.first().user
    item = selectors.template_items(verification.template)[0]
    response = api(api_client, other).post(
        f"/api/v1/verifications/{verification.pk}/answers/",
        {"item": item.pk, "answer": "pass", "note": "", "revision": 0}, format="json",
    )  # fmt: skip
    assert response.status_code == 404
    assert not Response.objects.exists()


@pytest.mark.parametrize("filled", [False, True])
def test_the_detail_is_written_as_its_serializer_says(verification, county_members, filled):
    """The read is built without the serializer that documents it: both say the same,
    for a verification just assigned and for one with every field filled."""
    import datetime as dt

    from django.utils import timezone

    from verification.api import VerificationDetailOutputSerializer, verification_detail

    first = selectors.template_items(verification.template)[0]
    answer(county_members[first.department.code], verification, first, "fail", note="无")
    if filled:
        verification.status, verification.result = "approved", "conditional"
        verification.reverify_due = dt.date(2026, 12, 14)
        verification.previous_id = verification.pk
        verification.return_reason = '缺 "洗手液" <两箱>'
        verification.submitted_at = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)
        verification.approved_at = timezone.now()
    sheet = selectors.checklist(verification=verification)
    ours = verification_detail(verification, sheet)
    assert ours == VerificationDetailOutputSerializer(verification, context={"sheet": sheet}).data
    if filled:  # 01:30 UTC is 09:30 in the city
        assert ours["submitted_at"] == "2026-12-07T09:30:00+08:00"
        assert ours["reverify_due"] == "2026-12-14"


@pytest.mark.parametrize("by_leader", [False, True])
def test_a_saved_answer_is_written_as_its_serializer_says(verification, county_members, by_leader):
    """Each save's answer is built without the serializer that documents it: both say
    the same, for a member's answer and for the leader's on another department's item."""
    from verification.api import AnswerOutputSerializer, answer_output

    first = selectors.template_items(verification.template)[0]
    leader = verification.team.leader
    member = leader if by_leader else county_members[first.department.code]
    saved = answer(member, verification, first, "fail", note='缺 "洗手液" <两箱>')
    assert saved.by_leader is by_leader  # the leader (education) answers for health
    assert answer_output(saved) == AnswerOutputSerializer(saved).data
    assert answer_output(saved) == {
        "item": first.pk, "answer": "fail", "note": '缺 "洗手液" <两箱>', "revision": 1,
        "by_leader": saved.by_leader,
    }  # fmt: skip
