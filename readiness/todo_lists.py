"""The core's to-do: the user's school imports that were refused or failed this week."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SchoolImport, User
from .todo import Task, TodoGroup, group

RECENT_DAYS = 7


def todo(user: User) -> list[TodoGroup | None]:
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    failed = SchoolImport.objects.filter(
        owner=user, status__in=("refused", "failed"), created_at__gte=since
    ).order_by("-created_at")
    return [
        group(
            key="school_imports",
            title=_("School imports that did not go through"),
            nav="schools",
            url=reverse("school_import"),
            rows=failed,
            task=lambda job: Task(
                text=job.original_name,
                url=reverse("school_import_status", args=[job.pk]),
                detail=job.get_status_display(),
            ),
        )
    ]
