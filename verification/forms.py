"""Forms of the verification pages: each POST is parsed here into typed values.

A form checks what can be told from the input alone (a date, a number, a school
within the user's scope); the service checks the rest (the team's remit, the
workflow's state) and the view adds its refusal to the same form, so the page
comes back with everything typed kept and each error beside its field.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness import criteria
from readiness import selectors as school_selectors
from readiness.models import School, User
from readiness.naming import order_choices_by_name

from . import selectors
from .models import ChecklistItem, Response, VerificationTeam
from .resources import fact_errors
from .services import EVIDENCE_MAX_BYTES, StaleAnswer

OUT_OF_DATE = _("The page is out of date: reload it.")
PLANNED_DATE = _("Choose the planned date.")
# Ids are 64-bit; a larger number is a forged or broken form, not a lookup.
MAX_ID = 2**63 - 1


class HiddenIdField(forms.IntegerField):
    """A number the page wrote into a hidden input: a bad one means a stale page."""

    widget = forms.HiddenInput

    def __init__(self, *, min_value: int = 1, **kwargs) -> None:
        stale = {key: OUT_OF_DATE for key in ("required", "invalid", "min_value", "max_value")}
        super().__init__(min_value=min_value, max_value=MAX_ID, error_messages=stale, **kwargs)


class DateInput(forms.DateInput):
    """The browser's date picker; it reads and writes ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _not_before(field: forms.Field, day: dt.date) -> None:
    """Tells the date picker the first day it may offer; the service decides."""
    field.widget.attrs["min"] = day.isoformat()


class ItemForm(forms.Form):
    """A form about one item of the checklist, shown beside that item when refused."""

    item = HiddenIdField()

    @property
    def item_pk(self) -> int | None:
        """The item this form is about, once it is known to be a number."""
        return getattr(self, "cleaned_data", {}).get("item")


class AnswerForm(ItemForm):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=Response.Answer.choices,
        error_messages={
            "required": _("Answer pass, fail or not applicable."),
            "invalid_choice": _("Answer pass, fail or not applicable."),
        },
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)
    revision = HiddenIdField(min_value=0)

    #: The newer answer when the save was refused as stale (``StaleAnswer.payload()``).
    current: dict | None = None

    def refuse_stale(self, stale: StaleAnswer) -> None:
        """Someone changed the answer meanwhile: say who and what, keep what was typed."""
        self.current, current = stale.payload(), stale.current
        self.add_error(
            None,
            _("%(who)s changed this answer meanwhile: %(answer)s. Yours was not saved.")
            % {"who": current.answered_by, "answer": current.get_answer_display()},
        )


class EvidenceForm(ItemForm):
    file = forms.FileField(
        error_messages={"required": _("Choose a photo or PDF.")},
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("Evidence may be at most 10 MB."))
        return upload


class ButtonForm(forms.Form):
    """A workflow button (confirm, submit): no input, only its service's refusal."""


class ApproveForm(forms.Form):
    reverify_due = forms.DateField(
        label=_("Re-verification due (if items failed)"), required=False, widget=DateInput()
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _not_before(self.fields["reverify_due"], timezone.localdate() + dt.timedelta(days=1))


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the verification is returned.")},
    )


class ReverifyForm(forms.Form):
    planned_on = forms.DateField(
        label=_("Verify again on"),
        widget=DateInput(),
        error_messages={"required": PLANNED_DATE},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _not_before(self.fields["planned_on"], timezone.localdate())


class AssignForm(forms.Form):
    """Assigning one team to the schools ticked on the (filtered) school list."""

    # The same answer for a school of another county and for no school at all.
    UNSEEN_SCHOOL = _("Choose schools you may see.")

    team = forms.ModelChoiceField(
        label=_("Team"), queryset=VerificationTeam.objects.none(), empty_label="—"
    )
    planned_on = forms.DateField(
        label=_("Planned date"), widget=DateInput(), error_messages={"required": PLANNED_DATE}
    )
    school = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Choose at least one school."),
            "invalid_pk_value": OUT_OF_DATE,
            "invalid_choice": UNSEEN_SCHOOL,
        },
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = selectors.teams_for_assignment(user=user)
        order_choices_by_name(self.fields["team"])  # 第一, 第二, 第三…
        self.fields["school"].queryset = school_selectors.school_list(user=user)

    def clean_school(self) -> list[School]:
        return list(self.cleaned_data["school"])

    @property
    def chosen(self) -> set[str]:
        """The schools ticked, as the page's checkboxes carry them, to tick them again."""
        return {str(pk) for pk in self["school"].value() or ()}


class ChecklistItemAdminForm(forms.ModelForm):
    """An item of the rules in the admin: its section must be of its own version."""

    class Meta:
        model = ChecklistItem
        fields = [
            "template",
            "section",
            "code",
            "text",
            "guidance",
            "department",
            "veto",
            "evidence_required",
            "levels",
            "boarding_only",
            "order",
            "fact",
            "threshold",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fact"] = forms.ChoiceField(
            label=_("Fact read"),
            required=False,
            choices=[("", "—"), *((k, s.label) for k, s in criteria.fact_specs().items())],
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        for field, messages in fact_errors(
            cleaned.get("fact", ""), cleaned.get("threshold")
        ).items():
            self.add_error(field, messages)
        template, section = cleaned.get("template"), cleaned.get("section")
        if template and section and section.template_id != template.pk:
            self.add_error("section", _("The section belongs to another version of the rules."))
        return cleaned
