from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import idcard
from .models import COUNTS, SYMPTOMS, HealthAlert, HealthCheck, IllnessCase
from .services import CaseInput, ClassCount


class PersonImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (xlsx or csv)"), error_messages={"required": _("Choose a file.")}
    )
    upsert = forms.BooleanField(
        label=_("Update existing files with the same identity number"), required=False
    )


class DayForm(forms.Form):
    """The day a health page shows; today when none is asked for."""

    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data=None, **kwargs):
        # Without a date asked for, the page shows today's, and says so in the field.
        data = data.copy() if data is not None else {}
        if not data.get("date"):
            data["date"] = timezone.localdate().isoformat()
        super().__init__(data, **kwargs)

    def day(self) -> dt.date:
        if self.is_valid() and self.cleaned_data["date"]:
            return self.cleaned_data["date"]
        return timezone.localdate()


COUNT_FIELDS = COUNTS


class SessionForm(forms.Form):
    """One session of a school: for each class, the absences and the symptoms (blank
    is 0), so that only the exceptions are typed. Fields are named
    ``c<class id>-<count>``; a refused count is shown beside its class."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.classes = list(classes)
        labels = {f: HealthCheck._meta.get_field(f).verbose_name for f in COUNT_FIELDS}
        for school_class in self.classes:
            for name in COUNT_FIELDS:
                self.fields[f"c{school_class.pk}-{name}"] = forms.IntegerField(
                    label=labels[name],
                    required=False,
                    min_value=0,
                    # Above the enrolled count is the service's to refuse, in words
                    # that say what the count is compared with.
                    widget=forms.NumberInput(attrs={"placeholder": "0", "inputmode": "numeric"}),
                )
        self.class_errors: dict[int, list[str]] = {}

    def rows(self):
        """Per class, for the template: the class, its absence fields, its symptom
        fields, whether a symptom is typed (its part opens), and its errors."""
        for school_class in self.classes:
            fields = [self[f"c{school_class.pk}-{name}"] for name in COUNT_FIELDS]
            errors = list(self.class_errors.get(school_class.pk, []))
            for bound in fields:
                errors.extend(f"{bound.label}：{e}" for e in bound.errors)
            symptoms = fields[2:]
            typed = any(b.value() not in (None, "", 0, "0") for b in symptoms)
            yield school_class, fields[:2], symptoms, typed, errors

    def counts(self) -> list[ClassCount]:
        data = self.cleaned_data
        return [
            ClassCount(c.pk, **{n: data.get(f"c{c.pk}-{n}") or 0 for n in COUNT_FIELDS})
            for c in self.classes
        ]

    def add_service_error(self, error: ValidationError) -> None:
        """Puts the service's refusal beside its class (``class-<id>``) or on top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.message_dict.items():
            if key.startswith("class-") and key[6:].isdigit():
                self.class_errors.setdefault(int(key[6:]), []).extend(errors)
            else:
                self.add_error(None, errors)


class AlertCloseForm(forms.Form):
    action = forms.CharField(
        label=_("What was done about it"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what was done about the alert.")},
    )


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open and acknowledged")), *HealthAlert.Status.choices],
    )


class CaseForm(forms.Form):
    """A case: the person (from the school's files, their number masked), what they
    have, since when, the doctor, and where they are isolated."""

    person = forms.TypedChoiceField(
        label=pgettext_lazy("person", "name"), coerce=int,
        error_messages={"required": _("Choose the person."),
                        "invalid_choice": _("Choose a person from the school's person files.")},
    )  # fmt: skip
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(s, HealthCheck._meta.get_field(s).verbose_name) for s in SYMPTOMS],
    )  # fmt: skip
    onset_on = forms.DateField(
        label=_("Onset"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    saw_doctor = forms.BooleanField(label=_("Saw a doctor"), required=False)
    diagnosis = forms.CharField(label=_("Diagnosis (when known)"), max_length=100, required=False)
    isolation = forms.ChoiceField(label=_("Isolation"), choices=IllnessCase.Isolation.choices)

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "---------")] + [
            (p.pk, person_label(p)) for p in persons
        ]

    def case_input(self) -> CaseInput:
        data = self.cleaned_data
        return CaseInput(
            person_id=data["person"], symptoms=tuple(data["symptoms"]),
            onset_on=data["onset_on"], saw_doctor=data["saw_doctor"],
            diagnosis=data["diagnosis"], isolation=data["isolation"],
        )  # fmt: skip


def person_label(person) -> str:
    """A person as a case names them: name, masked number, class."""
    where = f"{person.grade}{person.class_name}" if person.kind == "student" else _("staff")
    return f"{person.name} · {idcard.mask(person.id_number)} · {where}"


class CaseCloseForm(forms.Form):
    return_on = forms.DateField(
        label=_("Back at school on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    clearance = forms.CharField(
        label=_("Clearance"), max_length=200,
        help_text=_("Who cleared the return: a doctor's note, a test."),
    )  # fmt: skip


class ClassForm(forms.Form):
    grade = forms.CharField(label=_("Grade"), max_length=20)
    name = forms.CharField(label=_("Class"), max_length=20)
    enrolled = forms.IntegerField(label=_("Enrolled"), min_value=1, max_value=200)
    head_teacher = forms.CharField(label=_("Head teacher"), max_length=50, required=False)
    boarding = forms.BooleanField(label=_("Boarders (checked in the evening too)"), required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class HealthImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (xlsx or csv)"), error_messages={"required": _("Choose a file.")}
    )


class NothingForm(forms.Form):
    """The day of a "nothing to report": required, as the day's page sends it."""

    date = forms.DateField(error_messages={"required": _("Give the day of the check.")})
