from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PersonImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (xlsx or csv)"), error_messages={"required": _("Choose a file.")}
    )
    upsert = forms.BooleanField(
        label=_("Update existing files with the same identity number"), required=False
    )
