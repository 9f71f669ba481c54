"""The one rule for planned visits, tried for every role: only the squad and the
city education bureau see a plan, in the page, the list and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture
def viewer(request, make_user, county_a, school_a, squad_a, squad_b, superuser):
    who = request.param
    return {
        "task_force": lambda: make_user("task_force"),
        "city_staff": lambda: make_user("city_staff"),
        "county_a": lambda: make_user("county_official", county=county_a),
        "verifier": lambda: make_user("verifier"),
        "supplies": lambda: make_user("supplies"),
        "school_a": lambda: make_user("school", school=school_a),
        "squad_leader": lambda: squad_a.leader,
        "squad_member": lambda: squad_a.members.exclude(pk=squad_a.leader_id).get(),
        "other_squad": lambda: squad_b.leader,
        "superuser": lambda: superuser,
    }[who]()


SEES = {"city_staff", "squad_leader", "squad_member", "superuser"}
ROLES = [
    "task_force", "city_staff", "county_a", "verifier", "supplies", "school_a",
    "squad_leader", "squad_member", "other_squad", "superuser",
]  # fmt: skip


@pytest.mark.parametrize("viewer", ROLES, indirect=True, ids=ROLES)
def test_who_sees_a_planned_visit(request, login, api_client, planned_visit, viewer):
    sees = request.node.callspec.id in SEES
    page = login(viewer).get(reverse("visit_detail", args=[planned_visit.pk]))
    assert page.status_code == (200 if sees else 404)
    # Only the squad may take the planned visit offline onto a phone.
    members = request.node.callspec.id in {"squad_leader", "squad_member"}
    assert ("data-take-offline" in page.content.decode()) == members
    listed = login(viewer).get(reverse("visit_list")).context["page"].paginator.count
    assert listed == (1 if sees else 0)
    api_client.force_authenticate(viewer)
    assert api_client.get("/api/v1/visits/").json()["count"] == (1 if sees else 0)
    detail = api_client.get(f"/api/v1/visits/{planned_visit.pk}/")
    assert detail.status_code == (200 if sees else 404)


@pytest.mark.parametrize("viewer", ["task_force"], indirect=True)
def test_the_task_force_sees_the_visit_once_recorded(login, recorded_visit, viewer):
    page = login(viewer).get(reverse("visit_detail", args=[recorded_visit.pk]))
    assert page.status_code == 200


def test_a_recorded_visit_is_not_taken_offline(login, recorded_visit, inspector_a):
    page = login(inspector_a).get(reverse("visit_detail", args=[recorded_visit.pk])).content
    assert b"data-take-offline" not in page and b'data-recorded="1"' in page
