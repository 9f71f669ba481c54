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

from readiness.models import School, User
from readiness.uploads import upload_held, upload_hold

from . import selectors
from .models import Drill, ReopeningPlan
from .services import is_emergency_plan, return_date_problem

BLANK_ROWS = 3


class PlanForm(forms.Form):
    """The school's plan. Its two tables (return stages, parts with the person
    responsible) post parallel lists of cells: ``grades``/``return_on`` and
    ``part``/``person``/``phone``; ``clean`` turns them into typed rows and keeps a
    message for each row that is wrong, shown in that row. An accepted emergency
    plan is held (``emergency_plan_held``) so a refusal for another field does not
    ask for the file again."""

    factors = forms.MultipleChoiceField(choices=ReopeningPlan.FACTORS, required=False)
    considerations = forms.CharField(max_length=5000, required=False)
    emergency_plan = forms.FileField(
        required=False, widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )
    emergency_plan_held = forms.CharField(required=False, widget=forms.HiddenInput)
    submit = forms.BooleanField(required=False)

    def __init__(self, *args, plan: ReopeningPlan | None = None, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user
        self.held: tuple[str, str] | None = None  # (token, file name) of a kept upload
        self.stage_errors: dict[int, str] = {}
        self.part_errors: dict[int, str] = {}
        if plan is not None and not self.is_bound:
            self.initial = {"factors": plan.factors, "considerations": plan.considerations}

    def clean_emergency_plan(self) -> tuple[str, bytes] | None:
        upload = self.cleaned_data["emergency_plan"]
        if upload:
            data = upload.read()
            if not is_emergency_plan(data):
                raise ValidationError(_("The emergency plan must be a PDF of at most 10 MB."))
            name = upload.name
            token = upload_hold(user=self.user, name=name, data=data)
        else:
            token = self.data.get("emergency_plan_held", "")
            held = upload_held(user=self.user, token=token)
            if held is None:
                return None
            name, data = held
        self.held = (token, name)
        return name, data

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
        term = selectors.term_start()
        for i, row in enumerate(self._rows(("grades", "return_on"))):
            try:
                day = dt.date.fromisoformat(row["return_on"])
            except ValueError:
                day = None
            if not row["grades"] or day is None:
                self.stage_errors[i] = _("Give the grades and a valid date.")
            elif problem := return_date_problem(day, term_start=term):
                self.stage_errors[i] = problem
            else:
                stages.append((row["grades"][:50], day))
        for i, row in enumerate(self._rows(("part", "person", "phone"))):
            if not row["part"] or not row["person"]:
                self.part_errors[i] = _("Give the part and the person responsible.")
            else:
                parts.append((row["part"][:50], row["person"][:50], row["phone"][:20]))
        if self.stage_errors or self.part_errors:
            self.add_error(None, _("Some rows need correcting; each says what is wrong."))
        data["stages"], data["parts"] = stages, parts
        return data

    def _table(self, names: tuple[str, ...], saved: list[dict], errors: dict) -> list[dict]:
        rows = self._rows(names) if self.is_bound else saved
        rows = [{**row, "error": errors.get(i, "")} for i, row in enumerate(rows)]
        return rows + [dict.fromkeys((*names, "error"), "")] * BLANK_ROWS

    @property
    def stage_rows(self) -> list[dict]:
        saved = [
            {"grades": s.grades, "return_on": s.return_on.isoformat()}
            for s in (self.plan.stages.all() if self.plan is not None else ())
        ]
        return self._table(("grades", "return_on"), saved, self.stage_errors)

    @property
    def part_rows(self) -> list[dict]:
        saved = [
            {"part": p.part, "person": p.person, "phone": p.phone}
            for p in (self.plan.parts.all() if self.plan is not None else ())
        ]
        return self._table(("part", "person", "phone"), saved, self.part_errors)


class TermForm(forms.Form):
    starts_on = forms.DateField(
        label=gettext_lazy("Term starts on"),
        error_messages={
            "required": gettext_lazy("Give the day the term starts."),
            "invalid": gettext_lazy("Give the day the term starts."),
        },
        widget=forms.DateInput(attrs={"type": "date"}),
    )


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
