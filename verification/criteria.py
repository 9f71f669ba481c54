"""The verification criterion of readiness: the school's latest approved
verification passed, or was conditional and its re-verification date has not
passed. A school never verified has no data, and is "not yet verified"."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.criteria import Verdict, link_to
from readiness.models import Criterion, ReadinessPolicy

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
        """One query: the approved verifications, each school's latest first (a
        school never verified is left out: no data)."""
        approved = Verification.objects.filter(status=Verification.Status.APPROVED)
        if school_ids is not None:
            approved = approved.filter(school_id__in=school_ids)
        rows = approved.order_by("school_id", "-approved_at", "-pk").values_list(
            "school_id", "pk", "result", "reverify_due"
        )
        today = timezone.localdate()
        link_of = link_to("verification_detail")
        verdicts = {}
        for school, pk, result, due in rows:
            if school in verdicts:
                continue  # an older verification of the same school
            link = link_of(pk)
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
