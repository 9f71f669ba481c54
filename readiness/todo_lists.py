"""The core's to-do: the user's school imports that were refused or failed this week."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import SchoolImport, User
from .todo import TodoGroup, failed_imports


def todo(user: User) -> list[TodoGroup | None]:
    return [
        failed_imports(
            key="school_imports",
            title=_("School imports that did not go through"),
            nav="schools",
            url=reverse("school_import"),
            jobs=SchoolImport.objects.all(),
            user=user,
            status_url="school_import_status",
        )
    ]
