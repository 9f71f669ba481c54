"""Return plans on the to-do: the school's own plan until approved; for whoever
decides, the plans waiting for them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.models import School, User
from readiness.todo import Task, TodoGroup, group

from . import selectors
from .models import ReopeningPlan

Status = ReopeningPlan.Status


def todo(user: User) -> list[TodoGroup | None]:
    if user.role == User.Role.SCHOOL:
        return [_own_plan(user)]
    jurisdiction = {
        User.Role.COUNTY_OFFICIAL: School.Jurisdiction.COUNTY,
        User.Role.CITY_STAFF: School.Jurisdiction.CITY,  # city-direct schools
    }.get(user.role)
    if jurisdiction is None:
        return []
    waiting = (
        selectors.plan_list(user=user)
        .filter(status=Status.SUBMITTED, school__jurisdiction=jurisdiction)
        .order_by("submitted_at", "pk")
    )
    return [
        group(
            key="plans_to_decide",
            title=gettext_lazy("Return plans waiting for your approval"),
            nav="plans",
            url=reverse("plan_list") + "?status=submitted",
            rows=waiting,
            task=lambda plan: Task(
                text=plan.school.name,
                url=reverse("plan_detail", args=[plan.pk]),
                when=plan.submitted_at.date() if plan.submitted_at else None,
            ),
        )
    ]


def _own_plan(user: User) -> TodoGroup:
    plan = selectors.plan_of_school(user=user)
    url = reverse("plan_mine")
    if plan is None:
        task = Task(text=_("The return plan is not written yet."), url=url)
    elif plan.status == Status.RETURNED:
        task = Task(
            text=_("The return plan was returned: %(reason)s") % {"reason": plan.return_reason},
            url=url,
            late=True,
        )
    elif plan.status == Status.DRAFT:
        task = Task(text=_("The return plan is a draft: submit it for approval."), url=url)
    else:
        task = Task(text=plan.get_status_display(), url=url)
    waits = plan is None or plan.status in (Status.DRAFT, Status.RETURNED)
    return TodoGroup(
        key="own_plan", title=gettext_lazy("Return plan"), nav="plans",
        count=1, url=url, tasks=[task], waits=waits,
    )  # fmt: skip
