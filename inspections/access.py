"""Who may see and do what in inspections.

Planned visits are secret (四不两直): only their squad and the city education
bureau, which runs the squads, see them, in every page, list, count, export and
API; not the task force, nor anyone else at the city. Once a visit is recorded,
its school, its county and the whole city (the task force included) see it and
its findings.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from readiness.access import scope_of
from readiness.models import User

from .models import InspectionSquad, Visit

PLAN_READERS = (User.Role.CITY_STAFF,)


class Right(StrEnum):
    SQUAD_STAFF = "squad_staff"


# The squads are the city bureau's: it staffs them and gives them their counties.
RIGHTS: dict[str, frozenset[str]] = {
    Right.SQUAD_STAFF: frozenset({User.Role.CITY_STAFF}),
}


def sees_plans(user: User) -> bool:
    return user.is_superuser or user.role in PLAN_READERS


def visit_q(user: User) -> Q:
    """Which visits ``user`` may see, as a filter on Visit."""
    scope = scope_of(user)
    if scope.level == "nothing":
        return Q(pk__in=[])
    if sees_plans(user):
        return Q()
    recorded = Q(status=Visit.Status.RECORDED) & scope.school_q(prefix="school__")
    if user.role == User.Role.INSPECTOR:
        # The squads by a subquery, not a join through their members: one row a
        # visit, so that the lists need no DISTINCT over their wide rows.
        return Q(squad__in=squads_of(user).values("pk")) | recorded
    return recorded


def finding_q(user: User) -> Q:
    """Findings of the visits the user may see: one rule for both."""
    return Q(visit__in=Visit.objects.filter(visit_q(user)).values("pk"))


def is_member(user: User, squad: InspectionSquad) -> bool:
    return squad.members.filter(pk=user.pk).exists() or squad.leader_id == user.pk


def require_member(user: User, squad: InspectionSquad) -> None:
    """Raises PermissionDenied (403) unless ``user`` is a member or the leader of ``squad``."""
    if not is_member(user, squad):
        raise PermissionDenied


def require_reporter(user: User, finding) -> None:
    """Raises PermissionDenied (403) unless ``user`` reports for the school of ``finding``."""
    if not may_report(user, finding):
        raise PermissionDenied


def may_report(user: User, finding) -> bool:
    """Whether ``user`` reports the rectification of ``finding``: its school's contact."""
    scope = scope_of(user)
    return scope.level == "school" and scope.school_id == finding.school_id


def squads_of(user: User):
    return InspectionSquad.objects.filter(Q(members=user) | Q(leader=user)).distinct()
