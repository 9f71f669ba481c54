"""Forms of return plans and drills: each cleans into the values its service takes."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.models import School

from .models import Drill, ReopeningPlan

BLANK_ROWS = 3


class PlanForm(forms.Form):
    """The school's plan. Its two tables (return stages, parts with the person
    responsible) post parallel lists of cells: ``grades``/``return_on`` and
    ``part``/``person``/``phone``; ``clean`` turns them into typed rows."""

    factors = forms.MultipleChoiceField(choices=ReopeningPlan.FACTORS, required=False)
    considerations = forms.CharField(max_length=5000, required=False)
    emergency_plan = forms.FileField(required=False)
    submit = forms.BooleanField(required=False)

    def __init__(self, *args, plan: ReopeningPlan | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan is not None and not self.is_bound:
            self.initial = {"factors": plan.factors, "considerations": plan.considerations}

    def _rows(self, names: tuple[str, ...]) -> list[dict]:
        columns = [self.data.getlist(name) for name in names]
        width = max((len(c) for c in columns), default=0)
        rows = [
            {
                name: (col[i] if i < len(col) else "").strip()
                for name, col in zip(names, columns, strict=True)
            }
            for i in range(width)
        ]
        return [row for row in rows if any(row.values())]

    def clean(self) -> dict:
        data = super().clean()
        stages, parts = [], []
        for n, row in enumerate(self._rows(("grades", "return_on")), 1):
            try:
                day = dt.date.fromisoformat(row["return_on"])
            except ValueError:
                day = None
            if not row["grades"] or day is None:
                self.add_error(
                    None,
                    _("Return stage %(n)d needs the grades and a valid date.") % {"n": n},
                )
                continue
            stages.append((row["grades"][:50], day))
        for n, row in enumerate(self._rows(("part", "person", "phone")), 1):
            if not row["part"] or not row["person"]:
                self.add_error(
                    None, _("Part %(n)d needs its name and the person responsible.") % {"n": n}
                )
                continue
            parts.append((row["part"][:50], row["person"][:50], row["phone"][:20]))
        data["stages"], data["parts"] = stages, parts
        return data

    @property
    def stage_rows(self) -> list[dict]:
        if self.is_bound:
            rows = self._rows(("grades", "return_on"))
        elif self.plan is not None:
            rows = [
                {"grades": s.grades, "return_on": s.return_on.isoformat()}
                for s in self.plan.stages.all()
            ]
        else:
            rows = []
        return rows + [{"grades": "", "return_on": ""}] * BLANK_ROWS

    @property
    def part_rows(self) -> list[dict]:
        if self.is_bound:
            rows = self._rows(("part", "person", "phone"))
        elif self.plan is not None:
            rows = [
                {"part": p.part, "person": p.person, "phone": p.phone}
                for p in self.plan.parts.all()
            ]
        else:
            rows = []
        return rows + [{"part": "", "person": "", "phone": ""}] * BLANK_ROWS


class PlanDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("return", gettext_lazy("Return"))]
    )
    reason = forms.CharField(max_length=2000, required=False)


class DrillForm(forms.Form):
    """A drill or training: host and attendees by school code, within ``schools``."""

    kind = forms.ChoiceField(choices=Drill.Kind.choices)
    title = forms.CharField(max_length=100)
    on_date = forms.DateField()
    host = forms.CharField(max_length=10)
    attendees = forms.CharField(required=False)

    def __init__(self, *args, schools: QuerySet[School], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.schools = schools

    def clean_on_date(self) -> dt.date:
        day = self.cleaned_data["on_date"]
        if day > timezone.localdate():
            raise ValidationError(_("Record a drill once it has taken place."))
        return day

    def clean_host(self) -> School:
        code = self.cleaned_data["host"].strip()
        host = self.schools.filter(code=code).first()
        if host is None:
            raise ValidationError(_("A school code is unknown or outside your scope."))
        return host

    def clean_attendees(self) -> list[School]:
        codes = {c for c in re.split(r"[\s,，、;；]+", self.cleaned_data["attendees"]) if c}
        found = list(self.schools.filter(code__in=codes))
        if len(found) != len(codes):
            missing = sorted(codes - {s.code for s in found})
            raise ValidationError(
                _("These school codes are unknown or outside your scope: %(codes)s")
                % {"codes": "、".join(missing)}
            )
        return found
