from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from .access import scope_of
from .models import School, User
from .services import SCHOOL_EDITABLE_FIELDS


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


def posted(request: HttpRequest) -> tuple[QueryDict | None, MultiValueDict | None]:
    """A form's data and files: bound on POST (even an empty one), unbound on GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None
