"""Staffing the inspection squads, the city bureau's alone: members are active
inspectors, the leader one of them, at least one county covered; a member removed
keeps their recorded work but no longer sees the squad's planned visits."""

from __future__ import annotations

from django.urls import reverse

from inspections.access import visit_q
from inspections.models import InspectionSquad, Visit
from readiness.models import AuditEntry
from tests.inspections.factories import InspectionSquadFactory, InspectorFactory, VisitFactory
from tests.readiness.factories import CountyFactory


def test_the_city_bureau_staffs_a_squad(login, city_staff, county_a, county_b):
    squad = InspectionSquadFactory(name="第一督查组", counties=[county_a])
    newcomer = InspectorFactory(full_name="钱督查")
    client = login(city_staff)
    assert "钱督查" in client.get(reverse("squad_staff", args=[squad.pk])).content.decode()
    client.post(reverse("squad_member_add", args=[squad.pk]), {"user": newcomer.pk})
    client.post(reverse("squad_leader_set", args=[squad.pk]), {"leader": newcomer.pk})
    client.post(
        reverse("squad_counties_set", args=[squad.pk]), {"counties": [county_a.pk, county_b.pk]}
    )
    squad.refresh_from_db()
    assert newcomer in squad.members.all() and squad.leader == newcomer
    assert set(squad.counties.all()) == {county_a, county_b}
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "inspections.member_add", "inspections.leader_set", "inspections.counties_set"]  # fmt: skip


def test_the_squads_rules_refuse_and_change_nothing(login, city_staff, county_a, official_a):
    squad = InspectionSquadFactory(counties=[county_a])
    leader = squad.leader
    outsider = InspectorFactory()
    client = login(city_staff)
    page = client.post(reverse("squad_leader_set", args=[squad.pk]), {"leader": outsider.pk})
    assert page.status_code == 400  # not a member
    page = client.post(reverse("squad_counties_set", args=[squad.pk]), {})
    assert page.status_code == 400 and "至少负责一个县区" in page.content.decode()
    page = client.post(reverse("squad_member_add", args=[squad.pk]), {"user": official_a.pk})
    assert page.status_code == 400  # not an inspector
    removed = client.post(reverse("squad_member_remove", args=[squad.pk, leader.pk]), follow=True)
    assert "请先指定其他组长" in removed.content.decode()
    squad.refresh_from_db()
    assert squad.leader == leader and list(squad.members.all()) == [leader]
    assert list(squad.counties.all()) == [county_a] and not AuditEntry.objects.exists()


def test_a_member_removed_keeps_recorded_visits_and_loses_the_planned(login, city_staff, school_a):
    squad = InspectionSquadFactory(counties=[school_a.county])
    member = InspectorFactory()
    squad.members.add(member)
    recorded = VisitFactory(squad=squad, school=school_a, recorded=True, planned_by=member)
    planned = VisitFactory(squad=squad, school=school_a)
    assert set(Visit.objects.filter(visit_q(member))) == {recorded, planned}
    login(city_staff).post(reverse("squad_member_remove", args=[squad.pk, member.pk]))
    assert member not in squad.members.all()
    assert Visit.objects.get(pk=recorded.pk).planned_by == member
    assert list(Visit.objects.filter(visit_q(member))) == [recorded]  # a recorded visit is public


def test_squads_are_the_city_bureaus_alone(login, official_a, task_force, county_a):
    squad = InspectionSquadFactory(counties=[county_a])
    for user in (official_a, task_force):
        client = login(user)
        assert client.get(reverse("squad_list")).status_code == 403
        assert client.get(reverse("squad_staff", args=[squad.pk])).status_code == 404
        county = CountyFactory()
        assert (
            client.post(
                reverse("squad_counties_set", args=[squad.pk]), {"counties": [county.pk]}
            ).status_code
            == 404
        )
    assert list(InspectionSquad.objects.get().counties.all()) == [county_a]
