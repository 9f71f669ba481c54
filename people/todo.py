"""Person files on the to-do: a school's files not yet screened, the user's imports
that did not go through this week, and the county's health alerts to follow."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.access import has_right
from readiness.models import User
from readiness.todo import Task, TodoGroup, failed_imports, group

from . import selectors
from .access import Right
from .models import HealthAlert


def todo(user: User) -> list[TodoGroup | None]:
    groups: list[TodoGroup | None] = []
    if user.role == User.Role.SCHOOL:
        waiting = (
            selectors.person_list(user=user)
            .filter(school_id=user.school_id, screened_on__isnull=True)
            .count()
        )
        if waiting > 0:
            url = reverse("people") + "?screened=false"
            groups.append(
                TodoGroup(
                    key="people_unscreened",
                    title=gettext_lazy("Person files not screened"),
                    nav="people",
                    count=waiting,
                    url=url,
                    tasks=[
                        Task(
                            text=_("%(count)d files wait for their screening.")
                            % {"count": waiting},
                            url=url,
                        )
                    ],
                )
            )
    if has_right(user, Right.HEALTH_ALERT):
        # The county's schools' alerts, the oldest first: each is followed to its close.
        groups.append(
            group(
                key="health_alerts",
                title=gettext_lazy("Health alerts to follow"),
                nav="health",
                url=reverse("health_alerts"),
                rows=selectors.alert_list(user=user)
                .exclude(status=HealthAlert.Status.CLOSED)
                .select_related(None)
                .select_related("school", "school_class")  # what a task says
                .order_by("on_date", "pk"),
                task=lambda alert: Task(
                    text=alert.summary(),
                    url=f"{reverse('health_alerts')}#alert-{alert.pk}",
                    when=alert.on_date,
                    detail=alert.get_status_display(),
                ),
            )
        )
    groups.append(
        failed_imports(
            key="people_imports_failed",
            title=gettext_lazy("Person imports that did not go through"),
            nav="people",
            url=reverse("people_import"),
            jobs=selectors.person_import_list(user=user),
            user=user,
            status_url="people_import_status",
        )
    )
    return groups
