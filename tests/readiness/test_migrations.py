"""Moving person files to people/ and plans to plans/ keeps every row in place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("readiness", "0005_screeningcount"), ("people", None), ("plans", None)]


def migrate(targets=None):
    """To ``targets``, or to the latest migration of every app (what the test
    leaves behind for the tests after it)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_old_layout_keeps_its_rows():
    old = migrate(BEFORE)
    County = old.get_model("readiness", "County")
    School = old.get_model("readiness", "School")
    User = old.get_model("readiness", "User")
    county = County.objects.create(code="371302", name="兰山区", kind="district")
    school = School.objects.create(code="1137000001", name="兰山一中", county=county, level="high")
    user = User.objects.create(username="city", role="city_staff")
    old.get_model("readiness", "Person").objects.create(
        school=school, kind="student", name="张三", id_number="37130220080517001X",
        gender="M", birth_date=dt.date(2008, 5, 17),
    )  # fmt: skip
    old.get_model("readiness", "PersonImport").objects.create(
        owner=user, original_name="名单.csv", status="done", rows_read=7
    )
    plan = old.get_model("readiness", "ReopeningPlan").objects.create(
        school=school, status="approved", factors=["risk"]
    )
    old.get_model("readiness", "PlanStage").objects.create(
        plan=plan, grades="高三", return_on=dt.date(2020, 4, 1)
    )
    drill = old.get_model("readiness", "Drill").objects.create(
        kind="drill", title="演练观摩", on_date=dt.date(2020, 3, 20), host=school, recorded_by=user
    )
    drill.attendees.add(school)
    old.get_model("readiness", "DispatchReport").objects.create(
        on_date=dt.date(2020, 3, 26),
        data={"sections": {"readiness": {"totals": {}, "people": {"totals": {"abroad": 3}},
              "plans": {"totals": {"approved": 1}}, "drills": {"drills": 2}}}},
    )  # fmt: skip

    new = migrate()

    person = new.get_model("people", "Person").objects.get()
    assert (person.name, person.id_number, person.school_id) == (
        "张三",
        "37130220080517001X",
        school.pk,
    )
    assert new.get_model("people", "PersonImport").objects.get().done == 7
    moved_plan = new.get_model("plans", "ReopeningPlan").objects.get()
    assert (moved_plan.pk, moved_plan.status) == (plan.pk, "approved")
    assert new.get_model("plans", "PlanStage").objects.get().grades == "高三"
    moved_drill = new.get_model("plans", "Drill").objects.get()
    assert list(moved_drill.attendees.values_list("pk", flat=True)) == [school.pk]
    tables = connection.introspection.table_names()
    assert {"people_person", "plans_drill", "plans_drill_attendees"} <= set(tables)
    assert "readiness_person" not in tables
    sections = new.get_model("readiness", "DispatchReport").objects.get().data["sections"]
    assert sections["people"] == {"totals": {"abroad": 3}}
    assert sections["plans"] == {"plans": {"totals": {"approved": 1}}, "drills": {"drills": 2}}
    assert "people" not in sections["readiness"]
