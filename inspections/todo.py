"""Inspections on the to-do: a school's open findings by deadline, a squad's planned
visits and reports to accept, a county's overdue findings."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.models import User
from readiness.todo import Task, TodoGroup, group

from . import selectors
from .access import squads_of
from .models import Finding, Visit


def _finding(finding: Finding, today) -> Task:
    return Task(
        text=finding.description,
        url=reverse("finding_detail", args=[finding.pk]),
        when=finding.deadline,
        late=finding.deadline < today,
        detail=f"{finding.school.name} · {finding.get_status_display()}",
    )


def todo(user: User) -> list[TodoGroup | None]:
    today = timezone.localdate()
    findings = selectors.finding_list(user=user)
    if user.role == User.Role.SCHOOL:
        return [
            group(
                key="findings_open",
                title=_("Findings to rectify"),
                nav="inspections",
                url=reverse("finding_list") + "?status=open",
                rows=findings.filter(status=Finding.Status.OPEN).order_by("deadline", "pk"),
                task=lambda f: _finding(f, today),
            )
        ]
    if user.role == User.Role.INSPECTOR:
        squads = squads_of(user)
        return [
            group(
                key="visits_planned",
                title=_("Visits planned for your squad"),
                nav="inspections",
                url=reverse("visit_list"),
                rows=selectors.visit_list(user=user)
                .filter(status=Visit.Status.PLANNED, squad__in=squads)
                .order_by("planned_on", "pk"),
                task=lambda v: Task(
                    text=v.school.name,
                    url=reverse("visit_detail", args=[v.pk]),
                    when=v.planned_on,
                    late=v.planned_on < today,
                    detail=v.squad.name,
                ),
            ),
            group(
                key="reports_to_accept",
                title=_("Rectification reports waiting for acceptance"),
                nav="inspections",
                url=reverse("finding_list") + "?status=reported",
                rows=selectors.reports_to_review(user=user).order_by("submitted_at", "pk"),
                task=lambda r: Task(
                    text=r.finding.school.name,
                    url=reverse("finding_detail", args=[r.finding_id]),
                    when=r.submitted_at.date(),
                    detail=str(r.submitted_by),
                ),
            ),
        ]
    if user.role == User.Role.COUNTY_OFFICIAL:
        late = ~Q(status=Finding.Status.CLOSED) & Q(deadline__lt=today)
        return [
            group(
                key="findings_overdue",
                title=_("Findings overdue in your county"),
                nav="inspections",
                url=reverse("finding_list") + "?overdue=true",
                rows=findings.filter(late).order_by("deadline", "pk"),
                task=lambda f: _finding(f, today),
            )
        ]
    return []
