"""The plans criterion of readiness: the school's return plan is approved."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.criteria import Fact, FactSpec, Verdict, link_to
from readiness.models import Criterion, ReadinessPolicy, School

from .models import ReopeningPlan


class PlanCriterion:
    key = "plans"
    label = gettext_lazy("Return plan approved")
    order = 40
    targets = ()
    default_level = ReadinessPolicy.Level.CONDITIONAL

    def evaluate(
        self, school_ids: Sequence[int] | None, targets: dict[str, Decimal]
    ) -> dict[int, Verdict]:
        """One query: each school with its plan, if any."""
        schools = (
            School.objects.all()
            if school_ids is None
            else School.objects.filter(pk__in=school_ids)
        )
        verdicts = {}
        link_of = link_to("plan_detail")
        none = Verdict(Criterion.NOT_MET, _("No return plan yet."))
        approved = _("The return plan is approved.")
        rows = schools.values_list("pk", "plan__pk", "plan__status")
        for school, plan, status in rows:
            if plan is None:
                verdicts[school] = none
                continue
            link = link_of(plan)
            if status == ReopeningPlan.Status.APPROVED:
                verdicts[school] = Verdict(Criterion.MET, approved, link)
            else:
                verdicts[school] = Verdict(
                    Criterion.NOT_MET,
                    _("The return plan is not approved (%(status)s).")
                    % {"status": ReopeningPlan.Status(status).label},
                    link,
                )
        return verdicts

    def fact_specs(self) -> list[FactSpec]:
        return [FactSpec("plans.approved", _("Return plan approved (1 yes, 0 no)"))]

    def facts(self, school_id: int) -> dict[str, Fact]:
        """One query: whether the school's plan is approved."""
        (spec,) = self.fact_specs()
        plan = ReopeningPlan.objects.filter(school_id=school_id).values("pk", "status").first()
        approved = bool(plan and plan["status"] == ReopeningPlan.Status.APPROVED)
        link = reverse("plan_detail", args=[plan["pk"]]) if plan else ""
        return {spec.key: Fact(spec, Decimal(int(approved)), timezone.now(), link)}


CRITERION = PlanCriterion()
