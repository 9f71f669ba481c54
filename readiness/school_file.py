"""A school's whole file on one page (学校一校一档).

Each line of work contributes one ``FileSection`` (``<app>/school_file.py``),
listed by dotted path in ``settings.SCHOOL_FILE_SECTIONS``, the way the daily
report's sections are: a function that reads, through the app's own scoped
selectors, what the user may see of the school (or None to leave the section
out), and the template fragment that shows it. The page's template loops over
the sections and names no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .models import School, User


@dataclass(frozen=True)
class FileSection:
    key: str
    title: object  # lazy: translated when shown
    template: str  # a fragment, given the section's context as ``c``
    # What ``user`` may see of ``school`` (already read in their scope), or None.
    context: Callable[[User, School], dict | None]


@cache
def registered() -> tuple[FileSection, ...]:
    return tuple(import_string(path) for path in settings.SCHOOL_FILE_SECTIONS)


def sections_for(*, user: User, school: School) -> list[dict]:
    shown = []
    for section in registered():
        context = section.context(user, school)
        if context is not None:
            shown.append({"key": section.key, "title": section.title,
                          "template": section.template, "c": context})  # fmt: skip
    return shown
