"""The school spreadsheet (django-import-export), used by the admin and the pages.

Columns are matched by their Chinese or English header in any order; values of
choice columns may be written as the Chinese label, the English label or the
stored value. Every check that fails becomes an error on that row and column.
"""

from __future__ import annotations

import re

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from .access import may_edit_school
from .imports import Headers
from .models import County, School, User
from .selectors import school_list
from .spreadsheets import FORMULA_PREFIXES

SCHOOL_CODE_RE = re.compile(r"^[0-9]{10}$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Column key -> header label (translated at use). The order is the export order.
SCHOOL_COLUMNS: dict[str, str] = {
    "code": gettext_lazy("School code"),
    "name": gettext_lazy("School name"),
    "county": gettext_lazy("County code"),
    "level": gettext_lazy("Level"),
    "jurisdiction": gettext_lazy("Jurisdiction"),
    "boarding": gettext_lazy("Boarding"),
    "students": gettext_lazy("Students"),
    "staff": gettext_lazy("Staff"),
    "principal": gettext_lazy("Principal"),
    "phone": gettext_lazy("Principal's phone"),
    "address": gettext_lazy("Address"),
    "risk_level": gettext_lazy("Risk level"),
    "demonstration": gettext_lazy("Demonstration school"),
}
REQUIRED_SCHOOL_COLUMNS = ("code", "name", "county", "level")


HEADERS = Headers(
    {key: (label,) for key, label in SCHOOL_COLUMNS.items()},
    required=REQUIRED_SCHOOL_COLUMNS,
    aliases={"县区": "county", "county_code": "county", "学校标识码": "code"},
)


def header_label(key: str) -> str:
    return HEADERS.label(key)


def normalise_headers(dataset: tablib.Dataset) -> tuple[list[str], list[str]]:
    """Renames headers to column keys in place; returns (missing, unknown) headers.
    Unknown headers keep their text, so that the import ignores them."""
    keys, missing, unknown = HEADERS.match(dataset.headers)
    dataset.headers = [
        key or str(text or "").strip().lstrip("\ufeff")
        for key, text in zip(keys, dataset.headers, strict=True)
    ]
    return missing, unknown


class ChoiceWidget(widgets.Widget):
    """A TextChoices column: accepts the value or its label in either language."""

    def __init__(self, choices: type, *, required: bool = True, **kwargs) -> None:
        self.choices = choices
        self.required = required
        self.lookup: dict[str, str] = {}
        for value, label in choices.choices:
            self.lookup[value.lower()] = value
            for lang in ("zh-hans", "en"):
                with override(lang):
                    self.lookup[str(label).lower()] = value
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            if not self.required:
                return None  # an empty optional cell keeps the school's value
            raise ValueError(_("This column may not be empty."))
        found = self.lookup.get(text.lower())
        if found is None:
            allowed = "、".join(str(label) for label in self.choices.labels)
            raise ValueError(
                _("Unknown value “%(value)s”; expected one of: %(allowed)s.")
                % {"value": text, "allowed": allowed}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class YesNoWidget(widgets.Widget):
    TRUE = {"是", "y", "yes", "true", "1", "√"}
    FALSE = {"否", "n", "no", "false", "0"}

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if not text:
            return None
        if text in {"1.0"}:
            return True
        if text in {"0.0"}:
            return False
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Write 是 or 否 (yes or no), not “%(value)s”.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return _("Yes") if value else _("No")


class CountWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return None
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
        if number < 0 or number != int(number):
            raise ValueError(
                _("Expected a whole number of 0 or more, not “%(value)s”.") % {"value": value}
            )
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class TextWidget(widgets.Widget):
    """Text, with numbers that Excel stored as floats turned back into digits."""

    def __init__(self, max_length: int, **kwargs) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value)
        text = CONTROL_CHARS.sub("", text).strip()
        if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
            text = text[1:]  # undo the neutralising of an export read back in
        if len(text) > self.max_length:
            raise ValueError(
                _("At most %(n)d characters, this has %(m)d.")
                % {"n": self.max_length, "m": len(text)}
            )
        return text

    def render(self, value, obj=None, **kwargs):
        return value or ""


class CountyWidget(widgets.Widget):
    """A county by its code (or its name); the counties are read once per import,
    on the first row, and never for an export."""

    def __init__(self, **kwargs) -> None:
        self._by_key: dict[str, County] | None = None
        super().__init__(**kwargs)

    @property
    def by_key(self) -> dict[str, County]:
        if self._by_key is None:
            self._by_key = {}
            for county in County.objects.all():
                self._by_key[county.code] = county
                self._by_key[county.name] = county
        return self._by_key

    def name_of(self, pk: int) -> str:
        """The name of the county ``pk``, from the counties already read."""
        return next(county.name for county in self.by_key.values() if county.pk == pk)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value or "").strip()
        if not text:
            raise ValueError(_("This column may not be empty."))
        county = self.by_key.get(text)
        if county is None:
            raise ValueError(_("Unknown county code “%(value)s”.") % {"value": text})
        return county

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class CityWideSchoolLoader(BaseInstanceLoader):
    """Loads the file's schools in one query, city-wide rather than in scope:
    a code taken by a school outside the user's scope is then refused, never
    inserted twice."""

    def __init__(self, resource, dataset=None) -> None:
        super().__init__(resource, dataset)
        field = resource.fields["code"]
        codes = set()
        for row in dataset.dict if dataset is not None and "code" in dataset.headers else []:
            try:
                codes.add(field.clean(row))
            except ValueError:
                continue
        self.by_code = {school.code: school for school in School.objects.filter(code__in=codes)}

    def get_instance(self, row):
        try:
            return self.by_code.get(self.resource.fields["code"].clean(row))
        except ValueError:
            return None


class SchoolResource(resources.ModelResource):
    """Import and export of schools for one user: their scope bounds both.

    ``update_existing`` False (the default) makes every row a new school, so a
    code that already exists is an error; True updates the schools the user
    may edit and refuses the others.
    """

    def __init__(
        self,
        *,
        user: User,
        update_existing: bool = False,
        line_numbers: list[int] | None = None,
    ) -> None:
        self.user = user
        self.update_existing = update_existing
        self.line_numbers = line_numbers
        self._seen_codes: dict[str, int] = {}
        self._editable_before: bool = True
        self._county_before: int | None = None
        super().__init__()
        text = {"name": 100, "principal": 50, "phone": 20, "address": 200}
        self.fields["code"] = fields.Field("code", "code", widget=TextWidget(10))
        for key, size in text.items():
            self.fields[key] = fields.Field(key, key, widget=TextWidget(size))
        self.fields["county"] = fields.Field("county", "county", widget=CountyWidget())
        self.fields["level"] = fields.Field("level", "level", widget=ChoiceWidget(School.Level))
        # Optional columns: an empty cell keeps the value (or the default of a new school).
        optional = {
            "jurisdiction": ChoiceWidget(School.Jurisdiction, required=False),
            "risk_level": ChoiceWidget(School.Risk, required=False),
            "boarding": YesNoWidget(),
            "demonstration": YesNoWidget(),
            "students": CountWidget(),
            "staff": CountWidget(),
        }
        for key, widget in optional.items():
            self.fields[key] = fields.Field(key, key, widget=widget, saves_null_values=False)
        self.fields = {key: self.fields[key] for key in SCHOOL_COLUMNS}

    class Meta:
        model = School
        fields = tuple(SCHOOL_COLUMNS)
        import_id_fields = ("code",)
        instance_loader_class = CityWideSchoolLoader
        skip_diff = True
        clean_model_instances = False

    def get_queryset(self):
        return school_list(user=self.user)

    def after_init_instance(self, instance, new, row, **kwargs):
        self._editable_before = new or may_edit_school(self.user, instance)
        self._county_before = None if new else instance.county_id

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self._check_row(instance, row, kwargs.get("row_number"), errors)
        if errors:
            raise ValidationError(errors)

    def _line(self, row_number: int) -> int:
        """The file's row number of data row ``row_number`` (the header is row 1)."""
        if self.line_numbers:
            return self.line_numbers[row_number - 1]
        return row_number + 1

    def _check_row(self, instance: School, row, row_number: int | None, errors: dict) -> None:
        def add(key: str, message: str) -> None:
            errors.setdefault(key, []).append(ValidationError(message))

        code = instance.code
        if "code" not in errors:
            if not SCHOOL_CODE_RE.match(code or ""):
                add("code", _("A school code is 10 digits, not “%(value)s”.") % {"value": code})
            elif code in self._seen_codes:
                add(
                    "code",
                    _("School code %(code)s appears again; first on row %(row)d.")
                    % {"code": code, "row": self._line(self._seen_codes[code])},
                )
            else:
                self._seen_codes[code] = row_number or 0
        if not instance.name and "name" not in errors:
            add("name", _("This column may not be empty."))
        if instance.pk and not self.update_existing:
            add(
                "code",
                _("School code %(code)s already exists; choose “update existing schools”.")
                % {"code": code},
            )
        elif instance.pk and not self._editable_before:
            add(
                "code",
                _("School code %(code)s belongs to a school outside your scope.") % {"code": code},
            )
        if (
            instance.level == School.Level.UNIVERSITY
            and instance.jurisdiction != School.Jurisdiction.CITY
            and "level" not in errors
        ):
            add("jurisdiction", _("A university is always city-direct."))
        if (
            "county" not in errors
            and instance.county_id
            and not may_edit_school(self.user, instance)
        ):
            add("county", _("This school is outside the schools you may edit."))
        elif (
            "county" not in errors
            and self._county_before is not None
            and instance.county_id != self._county_before
        ):
            # A school's county is part of what it is: its records (health checks,
            # supply holders) carry it, and the admin shows it read-only.
            add(
                "county",
                _("School %(code)s belongs to %(county)s; a school's county cannot be changed.")
                % {
                    "code": code,
                    "county": self.fields["county"].widget.name_of(self._county_before),
                },
            )

    def before_import(self, dataset, **kwargs):
        missing, _unknown = normalise_headers(dataset)
        if missing:
            raise ValueError(missing_columns_message(missing))

    def get_export_headers(self, selected_fields=None):
        return [header_label(f.column_name) for f in self.get_export_fields(selected_fields)]


def missing_columns_message(missing: list[str]) -> str:
    return _("Missing columns: %(columns)s. The first row must hold the column headers.") % {
        "columns": "、".join(header_label(key) for key in missing)
    }


class SchoolAdminResource(SchoolResource):
    """The admin's preview shows each row's values, so it keeps the row diffs."""

    class Meta(SchoolResource.Meta):
        skip_diff = False

    def get_diff_headers(self):
        return [header_label(key) for key in SCHOOL_COLUMNS]
