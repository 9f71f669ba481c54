"""Reads of return plans and drills, each narrowed to what the user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404

from readiness.access import scope_of
from readiness.models import County, School, User
from readiness.selectors import rate

from .models import Drill, PlanStage, ReopeningPlan, Term


def plan_list(*, user: User) -> QuerySet[ReopeningPlan]:
    return ReopeningPlan.objects.filter(scope_of(user).school_q(prefix="school__")).select_related(
        "school__county"
    )


def plan_get_for_user(*, user: User, pk: int | str) -> ReopeningPlan:
    try:
        return plan_list(user=user).get(pk=pk)
    except (ReopeningPlan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def drill_list(*, user: User) -> QuerySet[Drill]:
    scope = scope_of(user)
    return (
        Drill.objects.filter(
            scope.school_q(prefix="host__") | scope.school_q(prefix="attendees__")
        )
        .select_related("host")
        .distinct()
    )


def principal_coverage(*, user: User) -> list[dict]:
    """High schools in scope, per county, and how many of their principals attended
    a drill observation or training. One query."""
    in_scope = scope_of(user).school_q(prefix="schools__")
    high = in_scope & Q(schools__level=School.Level.HIGH)
    rows = (
        County.objects.filter(scope_of(user).county_q())
        .annotate(
            high_schools=Count("schools", filter=high, distinct=True),
            covered=Count(
                "schools", filter=high & Q(schools__drills_attended__isnull=False), distinct=True
            ),
        )
        .order_by("order", "code")
        .values("code", "name", "high_schools", "covered")
    )
    return [{**row, "rate": rate(row["covered"], row["high_schools"])} for row in rows]


def plan_of_school(*, user: User) -> ReopeningPlan | None:
    """A school contact's own plan, if written yet."""
    return plan_list(user=user).filter(school_id=user.school_id).first()


def demonstration_school() -> School | None:
    return School.objects.filter(demonstration=True).first()


def term_start() -> dt.date | None:
    """The day the term starts, as the city bureau set it last; None until it is set."""
    return Term.objects.values_list("starts_on", flat=True).first()


def plan_history(*, plan: ReopeningPlan) -> list[dict]:
    """The plan's steps in words, oldest first: each change of its status, who made
    it and, for a return, the reason given (which the plan itself drops once approved)."""
    steps, previous = [], None
    for entry in plan.history.order_by("history_date", "history_id").select_related(
        "history_user"
    ):
        if entry.status != previous:
            steps.append(
                {
                    "at": entry.history_date,
                    "by": entry.history_user,
                    "status": entry.status,
                    "label": entry.get_status_display(),
                    "reason": entry.return_reason if entry.status == "returned" else "",
                }
            )
        previous = entry.status
    return steps


def reopening_dates(school_ids) -> dict[int, dt.date]:
    """The day each school reopens: the first return date of its approved plan.
    Read through settings.SCHOOL_REOPENING by the lines of work that start once a
    school is open (the daily health checks); a school without one is absent."""
    return dict(
        PlanStage.objects.filter(
            plan__school_id__in=school_ids, plan__status=ReopeningPlan.Status.APPROVED
        )
        .values("plan__school_id")
        .annotate(first=Min("return_on"))
        .values_list("plan__school_id", "first")
        .order_by()
    )
