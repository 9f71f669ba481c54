"""The audit trail: every write records who, when, what and from where; reads
of whole identity numbers and exports of person files too; entries never change."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.urls import reverse

from readiness.models import AuditEntry
from tests.people.factories import PersonFactory
from tests.plans.factories import ReopeningPlanFactory


def test_a_write_records_who_what_and_from_where(login, official_a, school_a):
    plan = ReopeningPlanFactory(school=school_a, status="submitted")
    login(official_a).post(
        reverse("plan_decide", args=[plan.pk]),
        {"decision": "return", "reason": "缺隔离场所"},
        REMOTE_ADDR="10.1.2.3",
    )
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_name, entry.address) == (
        official_a,
        official_a.username,
        "10.1.2.3",
    )
    assert (entry.action, entry.target) == ("plan.decide", f"plans.ReopeningPlan:{plan.pk}")
    assert entry.county == school_a.county
    assert entry.detail["reason"] == "缺隔离场所"


def test_a_refused_write_records_nothing(login, official_a, school_a):
    plan = ReopeningPlanFactory(school=school_a, status="submitted")
    login(official_a).post(reverse("plan_decide", args=[plan.pk]), {"decision": "return"})
    assert not AuditEntry.objects.exists()


def test_an_api_write_is_recorded_too(api_client, official_a, school_a):
    plan = ReopeningPlanFactory(school=school_a, status="submitted")
    api_client.force_authenticate(official_a)
    api_client.post(f"/api/v1/plans/{plan.pk}/decide/", {"decision": "approve"})
    assert AuditEntry.objects.get().action == "plan.decide"


def test_reading_whole_numbers_is_recorded(login, city_staff, school_a):
    person = PersonFactory(school=school_a)
    login(city_staff).get(reverse("people"))
    entry = AuditEntry.objects.get(action="person.read_whole")
    assert entry.actor == city_staff and entry.detail["files"] == [person.pk]


def test_reading_masked_numbers_is_not(login, official_a, school_a):
    PersonFactory(school=school_a)
    login(official_a).get(reverse("people"))
    assert not AuditEntry.objects.exists()


def test_whole_numbers_through_the_api_are_recorded(api_client, city_staff, school_a):
    person = PersonFactory(school=school_a)
    api_client.force_authenticate(city_staff)
    api_client.get("/api/v1/people/")
    assert AuditEntry.objects.get(action="person.read_whole").detail["files"] == [person.pk]


def test_an_export_of_person_files_is_recorded(login, official_a, school_a):
    PersonFactory(school=school_a)
    login(official_a).get(reverse("people"), {"format": "xlsx", "kind": "student"})
    entry = AuditEntry.objects.get(action="person.export")
    assert entry.detail["filters"] == {"format": "xlsx", "kind": "student"}


@pytest.mark.parametrize("role", ["task_force", "city_staff"])
def test_the_city_reads_the_trail_with_filters(login, make_user, official_a, school_a, role):
    plan = ReopeningPlanFactory(school=school_a, status="submitted")
    login(official_a).post(reverse("plan_decide", args=[plan.pk]), {"decision": "approve"})
    PersonFactory(school=school_a)
    login(make_user("city_staff")).get(reverse("people"))
    client = login(make_user(role))
    everything = client.get(reverse("audit_list")).context["page"].paginator.count
    assert everything == 2
    only_plans = client.get(reverse("audit_list"), {"action": "plan."})
    assert [e.action for e in only_plans.context["page"]] == ["plan.decide"]
    by_actor = client.get(reverse("audit_list"), {"actor": official_a.username})
    assert [e.actor_name for e in by_actor.context["page"]] == [official_a.username]


@pytest.mark.parametrize(
    "role", ["county_official", "verifier", "inspector", "supplies", "school"]
)
def test_others_may_not_read_the_trail(login, make_user, county_a, school_a, role):
    extra = {"county": county_a} if role == "county_official" else {}
    if role == "school":
        extra = {"school": school_a}
    assert login(make_user(role, **extra)).get(reverse("audit_list")).status_code == 403


def test_the_admin_shows_entries_but_never_changes_them(login, superuser, official_a):
    from readiness.audit import audit_record

    entry = audit_record(actor=official_a, action="test.action", target="x")
    client = login(superuser)
    assert client.get(reverse("admin:readiness_auditentry_changelist")).status_code == 200
    response = client.post(
        reverse("admin:readiness_auditentry_change", args=[entry.pk]), {"action": "forged"}
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:readiness_auditentry_delete", args=[entry.pk])).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.action == "test.action"


def test_the_database_refuses_to_change_an_entry(postgres, official_a):
    from readiness.audit import audit_record

    entry = audit_record(actor=official_a, action="test.action", target="x")
    for statement in (
        "UPDATE readiness_auditentry SET action = 'forged'",
        "DELETE FROM readiness_auditentry",
    ):
        with (
            pytest.raises((InternalError, IntegrityError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    entry.refresh_from_db()
    assert entry.action == "test.action"


def test_a_whole_number_searched_for_is_kept_masked(login, city_staff, school_a):
    person = PersonFactory(school=school_a)
    login(city_staff).get(reverse("people"), {"q": person.id_number})
    entry = AuditEntry.objects.get(action="person.read_whole")
    assert person.id_number not in str(entry.detail)
    assert (
        entry.detail["filters"]["q"] == f"{person.id_number[:4]}{'*' * 10}{person.id_number[-4:]}"
    )
