"""Who may see and do what in verification.

Team membership decides the work: members answer and submit, a department's
member confirms that department's part, the leader approves or returns. Sight
follows the readiness scope, except that a school sees only approved results.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from readiness.access import has_right, scope_of
from readiness.models import School, User

from .models import ChecklistItem, TeamMember, Verification, VerificationTeam

Role = User.Role
CITY_READERS = (Role.TASK_FORCE, Role.CITY_STAFF)


class Right(StrEnum):
    ASSIGN = "verification_assign"
    SUPERVISE = "verification_supervise"
    STAFF = "team_staff"
    RULES_EDIT = "rules_edit"


RIGHTS: dict[str, frozenset[str]] = {
    Right.ASSIGN: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL}),
    Right.SUPERVISE: frozenset({Role.TASK_FORCE, Role.CITY_STAFF, Role.COUNTY_OFFICIAL}),
    # The city bureau staffs every team, a county official the county's own.
    Right.STAFF: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL}),
    # The rules (核验细则) are the city's: the bureau drafts, previews and publishes them.
    Right.RULES_EDIT: frozenset({Role.CITY_STAFF}),
}


def verification_q(user: User) -> Q:
    """Which verifications ``user`` may see, as a filter on Verification."""
    scope = scope_of(user)
    if scope.level == "nothing":
        return Q(pk__in=[])
    if user.is_superuser or user.role in CITY_READERS:
        return Q()
    if user.role == User.Role.COUNTY_OFFICIAL:
        # City teams' work on city-direct schools in the county: results only.
        return scope.school_q(prefix="school__") & (
            Q(school__jurisdiction=School.Jurisdiction.COUNTY)
            | Q(status=Verification.Status.APPROVED)
        )
    if user.role == User.Role.VERIFIER:
        # The user's teams by a subquery: one row a verification, no DISTINCT needed.
        return Q(team__in=TeamMember.objects.filter(user=user).values("team_id"))
    # Schools, inspectors and supplies officers see results, never drafts.
    return scope.school_q(prefix="school__") & Q(status=Verification.Status.APPROVED)


def may_assign(user: User, team: VerificationTeam) -> bool:
    """The city bureau assigns any team; a county official, their county's teams."""
    if not has_right(user, Right.ASSIGN):
        return False
    scope = scope_of(user)
    return scope.is_city or (
        scope.level == "county"
        and team.level == VerificationTeam.Level.COUNTY
        and team.county_id == scope.county_id
    )


def in_remit(team: VerificationTeam, school: School) -> bool:
    """City teams verify universities and city-direct schools; county teams
    verify their own county's schools."""
    if team.level == VerificationTeam.Level.CITY:
        return school.jurisdiction == School.Jurisdiction.CITY
    return school.jurisdiction == School.Jurisdiction.COUNTY and school.county_id == team.county_id


def membership(user: User, team_id: int) -> TeamMember | None:
    """The user's place in the team, or None."""
    return (
        TeamMember.objects.filter(team_id=team_id, user=user).select_related("department").first()
    )


def may_answer(member: TeamMember | None, team: VerificationTeam, item: ChecklistItem) -> bool:
    """A member answers the items of their own department; the team's leader any item."""
    if member is None:
        return False
    return item.department_id == member.department_id or team.leader_id == member.user_id


def may_reverify(user: User, verification: Verification) -> bool:
    """An approved verification may be verified again once, by whoever may assign its team."""
    return (
        verification.status == Verification.Status.APPROVED
        and may_assign(user, verification.team)
        and not verification.reverifications.exists()
    )


# Checked by the pages and the API before they read the input, so that a caller
# without the part answers 403 whatever they sent; the services check again.


def require_member(user: User, verification: Verification) -> None:
    # Whether, not how: the member's department is read by the service, under its lock.
    if not TeamMember.objects.filter(team_id=verification.team_id, user=user).exists():
        raise PermissionDenied


def require_leader(user: User, verification: Verification) -> None:
    if verification.team.leader_id != user.pk or membership(user, verification.team_id) is None:
        raise PermissionDenied


def require_assigner(user: User, verification: Verification) -> None:
    if not may_assign(user, verification.team):
        raise PermissionDenied
