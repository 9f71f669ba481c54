from __future__ import annotations

from decimal import Decimal
from html import escape

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from . import criteria
from .access import scope_of
from .city_settings import registry
from .models import ReadinessPolicy, School, User
from .services import SCHOOL_EDITABLE_FIELDS


def html_attributes(attrs: dict) -> SafeString:
    """A widget's attributes as Django's attrs.html writes them, in their order:
    ``True`` bare, ``False`` left out, every value escaped. Written with the
    escape Django's own ``escape`` calls (``html.escape``) and one join: through
    ``format_html``, each attribute cost three escapes and three safe strings,
    a tenth of a visit's record form."""
    return mark_safe(
        "".join(
            f" {escape(str(name))}"
            if value is True
            else f' {escape(str(name))}="{escape(str(value))}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


class LongSelect(forms.Select):
    """A select of hundreds of options: a county's schools, or the city's.

    Django renders every option through two templates of its own
    (select_option.html, then attrs.html): about 25 µs an option here, 14 ms for
    a county's 451 schools. A plain option carries only its value, its label and
    whether it is selected, so the options are joined in Python. Choices in
    groups are not supported here (the plain Select renders those)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group, _index in widget["optgroups"]:
            if group_name:
                raise ValueError("LongSelect renders ungrouped choices only")
            options.extend(group)
        selected = mark_safe(" selected")
        rendered = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            ((o["value"], selected if o["selected"] else "", o["label"]) for o in options),
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            widget["name"],
            html_attributes(widget["attrs"]),
            rendered,
        )


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = SCHOOL_EDITABLE_FIELDS
        widgets = {"address": forms.TextInput()}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not scope_of(user).is_city:
            # Only the city bureau decides which schools are city-direct.
            self.fields["jurisdiction"].disabled = True
            level_choices = [c for c in School.Level.choices if c[0] != School.Level.UNIVERSITY]
            self.fields["level"].choices = level_choices


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (xlsx or csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    update_existing = forms.BooleanField(
        label=_("Update existing schools with the same code"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)}
            )
        return upload


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal shown on the form: each message beside its field, or
    above the form when the form has no such field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def posted(request: HttpRequest) -> tuple[QueryDict | None, MultiValueDict | None]:
    """A form's data and files: bound on POST (even an empty one), unbound on GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


class PolicyForm(forms.Form):
    """The city's readiness policy: a level for each criterion (the verification
    is always required) and each criterion's targets, starting from the policy in force."""

    note = forms.CharField(label=_("What changed, and why"), max_length=200)

    def __init__(self, *args, policy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in criteria.registry() if c.key != criteria.VERIFICATION]
        for criterion in self.criteria:
            self.fields[f"level_{criterion.key}"] = forms.ChoiceField(
                label=criterion.label,
                choices=ReadinessPolicy.Level.choices,
                initial=policy.level(criterion.key),
            )
        for criterion in criteria.registry():
            for target in criterion.targets:
                self.fields[f"target_{target.key}"] = forms.DecimalField(
                    label=f"{target.label}（{target.unit}）" if target.unit else target.label,
                    min_value=Decimal(0),
                    max_value=target.maximum,
                    max_digits=6,
                    decimal_places=1,
                    initial=policy.targets[target.key],
                )
        self.order_fields([name for name in self.fields if name != "note"] + ["note"])

    def policy_data(self) -> dict:
        data = self.cleaned_data
        return {
            "levels": {c.key: data[f"level_{c.key}"] for c in self.criteria},
            "targets": {
                name.removeprefix("target_"): str(value)
                for name, value in data.items()
                if name.startswith("target_")
            },
            "note": data["note"],
        }


class RebuildForm(forms.Form):
    reason = forms.CharField(label=_("Why build it again"), max_length=200)


class TargetsForm(forms.Form):
    """The county table's thresholds: for each measure, green at or better than one
    figure, amber at or better than another, red beyond."""

    stale_days = forms.IntegerField(
        label=_("Days before a school's data is listed as stale"),
        min_value=1,
        max_value=90,
        help_text=_(
            "The report lists, per county, the schools that have not updated their "
            "person files, return plan or rectifications for this many days."
        ),
    )

    def __init__(self, *args, measures, current: dict, stale_days: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stale_days"].initial = stale_days
        self.measures = [m for _key, m in measures]
        for measure in self.measures:
            for band in ("green", "amber"):
                self.fields[f"{measure.key}__{band}"] = forms.DecimalField(
                    label=f"{measure.label} · {BANDS[band]}",
                    min_value=Decimal(0),
                    max_digits=8,
                    decimal_places=1,
                    initial=current[measure.key][band],
                )

    def clean(self):
        data = super().clean()
        for measure in self.measures:
            green, amber = data.get(f"{measure.key}__green"), data.get(f"{measure.key}__amber")
            if green is None or amber is None:
                continue
            if (green < amber) if measure.higher_is_better else (green > amber):
                self.add_error(
                    f"{measure.key}__amber",
                    _("Amber must lie between green and red: no better than green."),
                )
        return data

    def thresholds(self) -> dict:
        data = self.cleaned_data
        return {
            m.key: {"green": str(data[f"{m.key}__green"]), "amber": str(data[f"{m.key}__amber"])}
            for m in self.measures
        }


BANDS = {"green": _("green at or better than"), "amber": _("amber at or better than")}


class CitySettingsForm(forms.Form):
    """Every setting of ``readiness.city_settings``, as the city bureau sets them,
    and what changed; a setting's field is named by its key, "__" for each dot."""

    note = forms.CharField(label=_("What changed, and why"), max_length=200)

    def __init__(self, *args, current: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.settings = registry()
        for key, setting in self.settings.items():
            name = key.replace(".", "__")
            if setting.kind == "time":
                field = forms.TimeField(label=setting.label, input_formats=["%H:%M"],
                                        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}))  # fmt: skip
            else:
                field = forms.IntegerField(
                    label=setting.label, min_value=setting.low, max_value=setting.high
                )
            field.help_text, field.initial = setting.help, current[key]
            field.group = setting.group
            self.fields[name] = field
        self.order_fields([*(k.replace(".", "__") for k in self.settings), "note"])

    def values(self) -> dict:
        return {key: self.cleaned_data[key.replace(".", "__")] for key in self.settings}
