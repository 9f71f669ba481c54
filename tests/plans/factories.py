"""factory_boy factories of return plans and drills."""

from __future__ import annotations

import datetime as dt

import factory

from plans.models import Drill, PlanPart, PlanStage, ReopeningPlan
from tests.readiness.factories import SchoolFactory, UserFactory


class ReopeningPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReopeningPlan

    school = factory.SubFactory(SchoolFactory)
    factors = ["risk", "grade"]
    considerations = "高三先返校"


class PlanStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanStage

    plan = factory.SubFactory(ReopeningPlanFactory)
    grades = "高三"
    return_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=7))


class PlanPartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanPart

    plan = factory.SubFactory(ReopeningPlanFactory)
    part = "校门管理"
    person = "王校长"
    phone = "13800000000"


class DrillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Drill
        skip_postgeneration_save = True

    kind = Drill.Kind.DRILL
    title = "开学疫情防控应急演练观摩"
    on_date = factory.LazyFunction(dt.date.today)
    host = factory.SubFactory(SchoolFactory)
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.attendees.set(extracted)
