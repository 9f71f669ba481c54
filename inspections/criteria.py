"""The inspections criterion of readiness: no open finding of the highest
severity. A critical finding revokes readiness the moment it is recorded; it
comes back when the finding is closed (its rectification accepted)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from readiness.criteria import Fact, FactSpec, Verdict, link_to
from readiness.models import Criterion, ReadinessPolicy, School

from .models import Finding


class FindingsCriterion:
    key = "inspections"
    label = gettext_lazy("No open critical finding")
    order = 20
    targets = ()
    default_level = ReadinessPolicy.Level.REQUIRED

    def evaluate(
        self, school_ids: Sequence[int] | None, targets: dict[str, Decimal]
    ) -> dict[int, Verdict]:
        """Two queries: the schools, and their open critical findings."""
        open_critical = Finding.objects.filter(severity=Finding.Severity.CRITICAL).exclude(
            status=Finding.Status.CLOSED
        )
        schools = School.objects.all()
        if school_ids is not None:
            open_critical = open_critical.filter(school_id__in=school_ids)
            schools = schools.filter(pk__in=school_ids)
        counts = {
            row["school_id"]: row
            for row in open_critical.values("school_id").annotate(n=Count("pk"), first=Min("pk"))
        }
        met = Verdict(Criterion.MET, _("No critical finding is open."))
        link_of = link_to("finding_detail")
        verdicts = {}
        for school in schools.values_list("pk", flat=True):
            row = counts.get(school)
            if row is None:
                verdicts[school] = met
                continue
            verdicts[school] = Verdict(
                Criterion.NOT_MET,
                ngettext(
                    "%(n)d critical finding is open.",
                    "%(n)d critical findings are open.",
                    row["n"],
                )
                % {"n": row["n"]},
                link_of(row["first"]),
            )
        return verdicts

    def fact_specs(self) -> list[FactSpec]:
        return [FactSpec("inspections.open_findings", _("Open findings"), higher_is_better=False)]

    def facts(self, school_id: int) -> dict[str, Fact]:
        """One query: the school's findings not yet closed, of any severity."""
        (spec,) = self.fact_specs()
        count = Finding.objects.filter(school_id=school_id).exclude(status=Finding.Status.CLOSED)
        return {spec.key: Fact(spec, Decimal(count.count()), timezone.now())}


CRITERION = FindingsCriterion()
