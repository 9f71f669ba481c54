"""Forms of the inspection pages: each POST is parsed here into typed values.

Choices are limited to what the user may see (squads, schools, findings, notices
through the selectors), so an id from another county fails as a bad choice,
beside its field, and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness import selectors as school_selectors
from readiness.models import School, User
from readiness.uploads import upload_held, upload_hold

from . import selectors
from .models import (
    Aspect,
    Finding,
    KeyArea,
    RectificationNotice,
    RectificationReport,
    Visit,
    VisitCheck,
)
from .services import CheckInput, is_photo

DRAW_SKIP_DAYS = 30  # schools visited within this many days are left out by default
CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _messages(message, *keys: str) -> dict:
    return dict.fromkeys(keys, message)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name, cleaned into ``(name, content)`` pairs."""

    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list[tuple[str, bytes]]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        single = super().clean
        return [(upload.name, upload.read()) for upload in (single(f, initial) for f in files)]


class SquadChoiceForm(forms.Form):
    """The squad and the date, shared by planning by codes and drawing at random."""

    squad = forms.ModelChoiceField(queryset=None, label=_("Squad"))
    planned_on = forms.DateField(
        label=_("Planned date"),
        error_messages={"required": _("Choose the planned date.")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["squad"].queryset = selectors.squad_list(user=user)
        today = timezone.localdate().isoformat()
        self.fields["planned_on"].widget.attrs["min"] = today
        self.fields["planned_on"].initial = today


class VisitPlanForm(SquadChoiceForm):
    """Plans visits of schools named by their codes."""

    codes = forms.CharField(
        label=_("School codes (comma-separated)"),
        error_messages={"required": _("Choose at least one school.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "plan-%s")
        super().__init__(*args, **kwargs)

    def clean_codes(self) -> list[School]:
        """The schools, in the order typed; every code must be a school the user sees."""
        codes = list(dict.fromkeys(CODE_SEPARATORS.split(self.cleaned_data["codes"].strip())))
        codes = [code for code in codes if code]
        if not codes:
            raise forms.ValidationError(_("Choose at least one school."), code="required")
        found = school_selectors.school_list(user=self.user).filter(code__in=codes)
        schools = {school.code: school for school in found}
        unknown = [code for code in codes if code not in schools]
        if unknown:
            raise forms.ValidationError(
                _("School code %(code)s is unknown or outside your scope."),
                code="unknown_school",
                params={"code": "、".join(unknown)},
            )
        return [schools[code] for code in codes]


class VisitDrawForm(SquadChoiceForm):
    """Draws schools at random, weighted by risk and past findings."""

    count = forms.IntegerField(
        label=_("Schools to draw"),
        min_value=1,
        max_value=50,
        initial=3,
        error_messages=_messages(
            _("Draw between 1 and 50 schools."), "required", "invalid", "min_value", "max_value"
        ),
    )
    skip_days = forms.IntegerField(
        label=_("Leave out schools visited in the last days"),
        min_value=0,
        max_value=365,
        initial=DRAW_SKIP_DAYS,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "draw-%s")
        super().__init__(*args, **kwargs)

    def clean_skip_days(self) -> int:
        days = self.cleaned_data["skip_days"]
        return DRAW_SKIP_DAYS if days is None else days


class VisitRecordForm(forms.Form):
    """The record of a visit: when, who was there, and a result per area and aspect.

    Each key area and aspect has a field ``area-<pk>`` (or ``aspect-<pk>``) with
    its result, required, and ``area-<pk>-note`` with a note, required when the
    result is “not checked” (the note is the reason).
    """

    visited_at = forms.DateTimeField(
        label=_("Time of the visit"),
        error_messages={"required": _("Give the time of the visit.")},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    present = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Members present"),
        error_messages={"required": _("Name the squad members who were present.")},
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args,
        visit: Visit,
        members: QuerySet[User],
        areas: Iterable[KeyArea],
        aspects: Iterable[Aspect],
        checks: Iterable[VisitCheck] = (),
        present: Iterable[User] = (),
        **kwargs,
    ) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members
        recorded = {(c.key_area_id, c.aspect_id): c for c in checks}
        # Nobody recorded yet: everyone is ticked, as the squad usually goes whole.
        present = [u.pk for u in present] or [u.pk for u in members]
        self.initial.update(
            visited_at=visit.visited_at or timezone.now(),
            present=present,
            summary=visit.summary,
        )
        self._places: list[tuple[str, KeyArea | Aspect]] = []
        for kind, place in [("area", a) for a in areas] + [("aspect", a) for a in aspects]:
            name = f"{kind}-{place.pk}"
            self._places.append((name, place))
            self.fields[name] = forms.ChoiceField(
                label=place.name,
                choices=VisitCheck.Result.choices,
                error_messages=_messages(
                    _("Give a result, or “Not checked” with the reason."),
                    "required",
                    "invalid_choice",
                ),
                widget=forms.RadioSelect,
            )
            self.fields[f"{name}-note"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"aria-label": _("Note")}),
            )
            check = recorded.get((place.pk, None) if kind == "area" else (None, place.pk))
            if check is not None:
                self.initial[name], self.initial[f"{name}-note"] = check.result, check.note

    def clean(self) -> dict:
        data = super().clean()
        for name, _place in self._places:
            if data.get(name) == VisitCheck.Result.NOT_CHECKED and not data.get(f"{name}-note"):
                self.add_error(f"{name}-note", _("Say why it was not checked."))
        return data

    def place_codes(self) -> dict[str, dict[str, str]]:
        """Each place's field name with its code as the API takes it, for the page's
        script that sends a record made offline."""
        return {
            name: {"key_area" if isinstance(place, KeyArea) else "aspect": place.code}
            for name, place in self._places
        }

    def check_rows(self) -> list[tuple[KeyArea | Aspect, forms.BoundField, forms.BoundField]]:
        """Each place with its result and note fields, in the order of the table."""
        return [(place, self[name], self[f"{name}-note"]) for name, place in self._places]

    def checks(self) -> list[CheckInput]:
        """The results given, as the service takes them; call after ``is_valid()``."""
        data = self.cleaned_data
        return [
            CheckInput(
                result=data[name],
                note=data[f"{name}-note"],
                key_area=place if isinstance(place, KeyArea) else None,
                aspect=place if isinstance(place, Aspect) else None,
            )
            for name, place in self._places
            if data.get(name)
        ]


class FindingForm(forms.Form):
    """A finding of a visit: the problem, where, how serious, what to do, by when."""

    description = forms.CharField(
        label=_("Problem"),
        error_messages={"required": _("Describe the problem and what must be done.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    place = forms.ChoiceField(
        label=_("Key area or aspect"),
        error_messages=_messages(
            _("Choose a key area or an aspect."), "required", "invalid_choice"
        ),
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Finding.Severity.choices,
        initial=Finding.Severity.MAJOR,
        error_messages=_messages(_("Choose the severity."), "required", "invalid_choice"),
    )
    requirement = forms.CharField(
        label=_("Rectification requirement"),
        error_messages={"required": _("Describe the problem and what must be done.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = forms.DateField(
        label=_("Deadline (empty: 14, 7 or 3 days by severity)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(
        self,
        *args,
        areas: Sequence[KeyArea],
        aspects: Sequence[Aspect],
        user: User | None = None,
        **kwargs,
    ) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.user = user
        self.held: list[tuple[str, str]] = []  # (token, name) of photos kept across a refusal
        self._places = {f"area-{a.pk}": a for a in areas} | {f"aspect-{a.pk}": a for a in aspects}
        self.fields["place"].choices = [
            (_("Key areas"), [(f"area-{a.pk}", a.name) for a in areas]),
            (_("Aspects"), [(f"aspect-{a.pk}", a.name) for a in aspects]),
        ]
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_photos(self) -> list[tuple[str, bytes]]:
        """Photos checked here, so a bad one is named beside the field; the good
        ones (and those kept from an earlier refusal) are held for the next try."""
        photos, bad = [], []
        for token in self.data.getlist("photos_held") if self.user else ():
            held = upload_held(user=self.user, token=token)
            if held is not None:
                photos.append(held)
                self.held.append((token, held[0]))
        for name, data in self.cleaned_data["photos"]:
            if not is_photo(data):
                bad.append(name)
                continue
            photos.append((name, data))
            if self.user:
                self.held.append((upload_hold(user=self.user, name=name, data=data), name))
        if bad:
            raise forms.ValidationError(
                _("Not a photo (JPEG, PNG or WebP) of at most 10 MB: %(names)s.")
                % {"names": "、".join(bad)}
            )
        return photos

    def clean_place(self) -> KeyArea | Aspect:
        return self._places[self.cleaned_data["place"]]

    @property
    def key_area(self) -> KeyArea | None:
        place = self.cleaned_data["place"]
        return place if isinstance(place, KeyArea) else None

    @property
    def aspect(self) -> Aspect | None:
        place = self.cleaned_data["place"]
        return place if isinstance(place, Aspect) else None


def _chosen(field: forms.BoundField) -> set[str]:
    """The values of a multiple choice as strings, bound or initial, for ticking boxes."""
    return {str(getattr(value, "pk", value)) for value in field.value() or ()}


class NoticeIssueForm(forms.Form):
    """The findings of a visit to put on a notice, and the notice it corrects, if any."""

    finding = forms.ModelMultipleChoiceField(
        queryset=None,
        error_messages=_messages(
            _("A notice needs at least one finding of this visit."),
            "required",
            "invalid_choice",
            "invalid_pk_value",
        ),
    )
    corrects = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Correct the notice"),
        empty_label=_("No: a new notice"),
        error_messages={
            "invalid_choice": _("Only the notice in force for this visit can be corrected.")
        },
    )

    def __init__(
        self,
        *args,
        findings: QuerySet[Finding],
        notices: QuerySet[RectificationNotice],
        **kwargs,
    ) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = findings
        self.fields["corrects"].queryset = notices

    @property
    def chosen(self) -> set[str]:
        return _chosen(self["finding"])


class NoticeArchiveForm(forms.Form):
    """The notices to bundle into a ZIP: only notices the user sees."""

    notice = forms.ModelMultipleChoiceField(
        queryset=None,
        error_messages=_messages(
            _("Choose notices you may see."), "required", "invalid_choice", "invalid_pk_value"
        ),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = selectors.notice_list(user=user)

    @property
    def chosen(self) -> set[str]:
        return _chosen(self["notice"])


class ReportForm(forms.Form):
    """The school's rectification report: what was done, with photos or PDFs."""

    text = forms.CharField(
        label=_("What was done"),
        error_messages={"required": _("Say what was done.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(
        label=_("Photos or PDF"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)


class ReportDecisionForm(forms.Form):
    """The squad's decision on a report: accept, or reject with a reason."""

    ACCEPT, REJECT = "accept", "reject"

    decision = forms.ChoiceField(
        choices=[
            (ACCEPT, RectificationReport.Decision.ACCEPTED.label),
            (REJECT, RectificationReport.Decision.REJECTED.label),
        ]
    )
    reason = forms.CharField(
        label=_("Reason for rejecting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, report: RectificationReport, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.report = report

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == self.REJECT and not data.get("reason"):
            self.add_error("reason", _("Say why the report is rejected."))
        return data
