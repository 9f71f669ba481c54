"""Verifications on the to-do: a team member's assignments by date, the leader's
approvals, a county's overdue ones, the city's teams waiting, a school's
re-verification due."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.models import User
from readiness.todo import Task, TodoGroup, group

from . import selectors
from .models import Verification, VerificationTeam

Status = Verification.Status


def _task(verification: Verification, today) -> Task:
    return Task(
        text=verification.school.name,
        url=reverse("verification_detail", args=[verification.pk]),
        when=verification.planned_on,
        late=verification.editable and verification.planned_on < today,
        detail=verification.get_status_display(),
    )


def todo(user: User) -> list[TodoGroup | None]:
    today = timezone.localdate()
    mine = selectors.verification_list(user=user)
    task = lambda v: _task(v, today)  # noqa: E731
    groups: list[TodoGroup | None] = []
    if user.role == User.Role.VERIFIER:
        groups.append(
            group(
                key="verifications_assigned",
                title=gettext_lazy("Verifications assigned to your team"),
                nav="verification",
                url=reverse("verification_list"),
                rows=mine.filter(
                    status__in=Verification.EDITABLE, team__members__user=user
                ).order_by("planned_on", "pk"),
                task=task,
            )
        )
        groups.append(
            group(
                key="verifications_to_approve",
                title=gettext_lazy("Verifications waiting for your approval"),
                nav="verification",
                url=reverse("verification_list") + "?status=submitted",
                rows=mine.filter(status=Status.SUBMITTED, team__leader=user).order_by(
                    "submitted_at", "pk"
                ),
                task=task,
            )
        )
    elif user.role == User.Role.COUNTY_OFFICIAL:
        groups.append(
            group(
                key="verifications_overdue",
                title=gettext_lazy("Verifications overdue in your county"),
                nav="verification",
                url=reverse("verification_supervision"),
                rows=mine.filter(status__in=Verification.EDITABLE, planned_on__lt=today).order_by(
                    "planned_on", "pk"
                ),
                task=task,
            )
        )
        groups.append(
            group(
                key="verifications_waiting",
                title=gettext_lazy("Verifications waiting for the team leader's approval"),
                nav="verification",
                url=reverse("verification_list") + "?status=submitted",
                rows=mine.filter(status=Status.SUBMITTED).order_by("submitted_at", "pk"),
                task=task,
            )
        )
    elif user.role in (User.Role.CITY_STAFF, User.Role.TASK_FORCE):
        groups.append(
            group(
                key="city_verifications_waiting",
                title=gettext_lazy("City teams' verifications waiting for approval"),
                nav="verification",
                url=reverse("verification_list") + "?status=submitted",
                rows=mine.filter(
                    status=Status.SUBMITTED, team__level=VerificationTeam.Level.CITY
                ).order_by("submitted_at", "pk"),
                task=task,
            )
        )
    elif user.role == User.Role.SCHOOL:
        groups.append(_reverification_due(user, mine, today))
    return groups


def _reverification_due(user: User, mine, today) -> TodoGroup | None:
    due = mine.filter(
        school_id=user.school_id,
        status=Status.APPROVED,
        reverify_due__isnull=False,
        reverifications__isnull=True,
    ).order_by("-reverify_due")
    return group(
        key="reverification_due",
        title=gettext_lazy("Re-verification due"),
        nav="verification",
        url=reverse("verification_list"),
        rows=due,
        task=lambda v: Task(
            text=_("%(result)s: fix the failed items before %(day)s")
            % {"result": v.get_result_display(), "day": v.reverify_due.isoformat()},
            url=reverse("verification_detail", args=[v.pk]),
            when=v.reverify_due,
            late=v.reverify_due < today,
        ),
    )
