"""The people criterion of readiness: the screening coverage of staff and of
students (一人一档) at or above the city's targets. A school with no person
files has no data."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from readiness.criteria import Fact, FactSpec, Target, Verdict, percent
from readiness.models import Criterion, ReadinessPolicy

from .models import ScreeningCount


class ScreeningCriterion:
    key = "people"
    label = gettext_lazy("Every person screened")
    order = 30
    targets = (
        Target("staff_coverage", gettext_lazy("Staff screened"), Decimal(100), "%", Decimal(100)),
        Target(
            "student_coverage", gettext_lazy("Students screened"), Decimal(100), "%", Decimal(100)
        ),
    )
    default_level = ReadinessPolicy.Level.CONDITIONAL

    def evaluate(
        self, school_ids: Sequence[int] | None, targets: dict[str, Decimal]
    ) -> dict[int, Verdict]:
        """One query: the per-school counts the ledger keeps."""
        counts = ScreeningCount.objects.all()
        if school_ids is not None:
            counts = counts.filter(school_id__in=school_ids)
        verdicts = {}
        ledger = reverse("people")
        met_reason = _("Screening coverage is at the targets.")
        short_of = _("%(who)s %(share)s%% screened (target %(target)s%%)")
        staff_label, student_label = (
            pgettext("coverage", "staff"),
            pgettext("coverage", "students"),
        )
        for school, code, staff, staff_done, students, students_done in counts.values_list(
            "school_id",
            "school__code",
            "staff_files",
            "staff_screened",
            "student_files",
            "student_screened",
        ):
            if not staff and not students:
                continue  # no data
            link = f"{ledger}?school={code}&screened=false"  # a code is ten digits
            short = []
            for label, done, files, target in (
                (staff_label, staff_done, staff, targets["staff_coverage"]),
                (student_label, students_done, students, targets["student_coverage"]),
            ):
                if files and percent(done, files) < target:
                    short.append(
                        short_of % {"who": label, "share": percent(done, files), "target": target}
                    )
            if short:
                verdicts[school] = Verdict(Criterion.NOT_MET, "；".join(short) + "。", link)
            else:
                verdicts[school] = Verdict(Criterion.MET, met_reason, link)
        return verdicts

    def fact_specs(self) -> list[FactSpec]:
        return [
            FactSpec("people.coverage", _("Persons screened"), "%"),
            FactSpec("people.staff_coverage", _("Staff screened"), "%"),
            FactSpec("people.student_coverage", _("Students screened"), "%"),
        ]

    def facts(self, school_id: int) -> dict[str, Fact]:
        """One query: the school's counts, as the ledger last refreshed them."""
        every, staff, students = self.fact_specs()
        row = ScreeningCount.objects.filter(school_id=school_id).select_related("school").first()
        if row is None:
            now = timezone.now()
            return {s.key: Fact(s, None, now) for s in (every, staff, students)}
        link = f"{reverse('people')}?{urlencode({'school': row.school.code, 'screened': 'false'})}"
        files = row.staff_files + row.student_files
        share = [
            (every, row.staff_screened + row.student_screened, files),
            (staff, row.staff_screened, row.staff_files),
            (students, row.student_screened, row.student_files),
        ]
        return {
            spec.key: Fact(spec, percent(done, whole) if whole else None, row.refreshed_at, link)
            for spec, done, whole in share
        }


CRITERION = ScreeningCriterion()
