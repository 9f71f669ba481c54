"""The settings the city bureau sets on a page (/settings/), not in the deployment:
each line of work declares its own (``settings.CITY_SETTINGS`` lists them), the core
keeps them as versions — every change a new row with who, when and why, the
latest in force — and reads them for everyone without importing any app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import Right, require_right
from .audit import audited
from .models import CitySettings, User


@dataclass(frozen=True)
class Setting:
    """One value the city sets: a number of days (``low``..``high``) or a time of day."""

    key: str  # "<app>.<name>", unique
    label: str | Promise
    default: int | str
    kind: str = "days"  # "days" | "time"
    low: int = 1
    high: int = 90
    help: str | Promise = ""
    group: str | Promise = ""

    def clean(self, value) -> int | str:
        if self.kind == "time":
            if isinstance(value, dt.time):
                return value.strftime("%H:%M")
            try:
                return dt.datetime.strptime(str(value).strip(), "%H:%M").strftime("%H:%M")
            except ValueError:
                raise ValidationError(_("Write a time of day as 07:30.")) from None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Write a whole number of days.")) from None
        if not self.low <= number <= self.high:
            raise ValidationError(
                _("Between %(low)d and %(high)d days.") % {"low": self.low, "high": self.high}
            )
        return number


# The core's own: when the day's dispatch report is built.
SETTINGS = [
    Setting(
        "dispatch.report_time", gettext_lazy("Daily report built at"), "07:30", kind="time",
        help=gettext_lazy("Asia/Shanghai time; the report freezes the figures of that moment."),
        group=gettext_lazy("Daily dispatch"),
    ),
]  # fmt: skip


@cache
def registry() -> dict[str, Setting]:
    found: dict[str, Setting] = {}
    for path in settings.CITY_SETTINGS:
        for setting in import_string(path):
            found[setting.key] = setting
    return found


def current() -> dict[str, int | str]:
    """Every setting's value in force: the latest version's, or the default."""
    saved = CitySettings.objects.order_by("-pk").values_list("values", flat=True).first() or {}
    return {key: saved.get(key, s.default) for key, s in registry().items()}


def value(key: str) -> int | str:
    return current()[key]


def versions(*, limit: int = 20) -> list[tuple[CitySettings, list[tuple[str, object, object]]]]:
    """The latest versions, newest first, each with what it changed as
    (setting's label, before, after)."""
    labels = {key: setting.label for key, setting in registry().items()}
    rows = CitySettings.objects.select_related("created_by")[:limit]
    return [
        (
            row,
            [
                (labels.get(key, key), before, after)
                for key, (before, after) in row.changed.items()
            ],
        )
        for row in rows
    ]


@audited("readiness.city_settings")
def city_settings_save(*, actor: User, values: dict, note: str) -> CitySettings:
    """A new version of the settings; refused whole if one value is wrong."""
    require_right(actor, Right.CITY_SETTINGS)
    errors: dict[str, list[str]] = {}
    clean: dict[str, int | str] = {}
    for key, setting in registry().items():
        try:
            clean[key] = setting.clean(values.get(key, setting.default))
        except ValidationError as error:
            errors[key] = error.messages
    if not note.strip():
        errors["note"] = [_("Say what changed and why.")]
    if errors:
        raise ValidationError(errors)
    before = current()
    changed = {key: [before[key], clean[key]] for key in clean if before[key] != clean[key]}
    return CitySettings.objects.create(
        values=clean, changed=changed, note=note.strip()[:200], created_by=actor
    )
