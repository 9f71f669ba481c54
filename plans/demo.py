"""Demo return plans in every state and the two drill observations."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from readiness.demo import person_name, phone
from readiness.models import School, User

from .models import Drill, PlanPart, PlanStage, ReopeningPlan

LOGINS: list[str] = []


@transaction.atomic
def seed(*, schools: int, seed: int = 2020, **options) -> dict:
    """Two drill observations at the demonstration school that every high-school
    principal attended, and return plans in every state. Once."""
    host = School.objects.filter(demonstration=True).first()
    admin = User.objects.filter(username="city").first()
    if host is None or admin is None or Drill.objects.exists():
        return {"drills": 0, "plans": 0}
    today = dt.date.today()
    high = list(School.objects.filter(level=School.Level.HIGH))
    for n, title in enumerate(
        ["开学疫情防控应急演练观摩（第一场）", "开学疫情防控应急演练观摩（第二场）"]
    ):
        drill = Drill.objects.create(
            kind="drill",
            title=title,
            on_date=today - dt.timedelta(days=10 - n * 3),
            host=host,
            recorded_by=admin,
        )
        drill.attendees.set(high[n::2])
    rng = random.Random(f"plans:{seed}")
    statuses = ["approved", "approved", "submitted", "returned", "draft"]
    for school in School.objects.order_by("code")[: max(1, School.objects.count() // 3)]:
        status = rng.choice(statuses)
        plan = ReopeningPlan.objects.create(
            school=school,
            factors=["risk", "stage", "grade", "study_mode", "origin"],
            considerations="按风险等级、学段、年级、就读方式和生源地分批错峰返校。",
            status=status,
            return_reason="应急预案未明确隔离场所。" if status == "returned" else "",
        )
        # The graduating grades of an approved plan came back two weeks ago (the
        # daily health checks have run since); the others return next week.
        PlanStage.objects.create(
            plan=plan,
            grades="毕业年级",
            return_on=today + dt.timedelta(days=-15 if status == "approved" else 7),
        )
        PlanStage.objects.create(
            plan=plan, grades="其他年级", return_on=today + dt.timedelta(days=14)
        )
        PlanPart.objects.create(
            plan=plan, part="校门管理", person=person_name(rng), phone=phone(rng)
        )
        PlanPart.objects.create(
            plan=plan, part="隔离观察", person=person_name(rng), phone=phone(rng)
        )
    return {"drills": Drill.objects.count(), "plans": ReopeningPlan.objects.count()}
