"""The verification criterion of readiness: the school's latest approved
verification passed, or was conditional and its re-verification date has not
passed. A school never verified has no data, and is "not yet verified"."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.criteria import Verdict
from readiness.models import Criterion, ReadinessPolicy, School

from .models import Verification


class VerificationCriterion:
    key = "verification"
    label = gettext_lazy("Verification")
    order = 10
    targets = ()
    default_level = ReadinessPolicy.Level.REQUIRED

    def evaluate(
        self, school_ids: Sequence[int] | None, targets: dict[str, Decimal]
    ) -> dict[int, Verdict]:
        """One query: each school with its latest approved verification."""
        latest = Verification.objects.filter(
            school=OuterRef("pk"), status=Verification.Status.APPROVED
        ).order_by("-approved_at", "-pk")
        schools = (
            School.objects.all()
            if school_ids is None
            else School.objects.filter(pk__in=school_ids)
        )
        rows = schools.annotate(
            v_id=Subquery(latest.values("pk")[:1]),
            v_result=Subquery(latest.values("result")[:1]),
            v_due=Subquery(latest.values("reverify_due")[:1]),
        ).values_list("pk", "v_id", "v_result", "v_due")
        today = timezone.localdate()
        verdicts = {}
        for school, pk, result, due in rows:
            if pk is None:
                continue  # no data: not yet verified
            link = reverse("verification_detail", args=[pk])
            if result == Verification.Result.PASSED:
                verdicts[school] = Verdict(Criterion.MET, _("Verification passed."), link)
            elif result == Verification.Result.CONDITIONAL and due and due >= today:
                verdicts[school] = Verdict(
                    Criterion.MET,
                    _("Conditionally ready: re-verification due by %(date)s.") % {"date": due},
                    link,
                    conditional=True,
                )
            elif result == Verification.Result.CONDITIONAL:
                verdicts[school] = Verdict(
                    Criterion.NOT_MET,
                    _("Re-verification was due by %(date)s and has not passed.") % {"date": due},
                    link,
                )
            else:
                verdicts[school] = Verdict(Criterion.NOT_MET, _("Verification failed."), link)
        return verdicts

    def fact_specs(self) -> list:
        return []

    def facts(self, school_id: int) -> dict:
        return {}


CRITERION = VerificationCriterion()
