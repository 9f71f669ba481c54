"""Who is on each verification team: the city bureau staffs the six city teams
(and may staff any), a county official the county's own teams. A member is a
verifier of the team's scope, for one department; the leader is one of the
members. Removing a member ends their place in the team, not their work: every
answer, signature and approval names the user, not the membership.
Every change is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from readiness.access import has_right, require_right, scope_of
from readiness.audit import audited
from readiness.models import User

from .access import Right
from .models import Department, TeamMember, VerificationTeam


def team_staffable(*, user: User) -> QuerySet[VerificationTeam]:
    """The teams ``user`` staffs: every team for the city bureau, the county's for its official."""
    if not has_right(user, Right.STAFF):
        return VerificationTeam.objects.none()
    teams = VerificationTeam.objects.select_related("county", "leader").annotate(
        member_count=Count("members")
    )
    scope = scope_of(user)
    if scope.is_city:
        return teams
    return teams.filter(level=VerificationTeam.Level.COUNTY, county_id=scope.county_id)


def team_get_for_staffing(*, user: User, pk: int) -> VerificationTeam:
    team = team_staffable(user=user).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def team_members(*, team: VerificationTeam) -> QuerySet[TeamMember]:
    return team.members.select_related("user", "department").order_by(
        "department__name", "user__full_name"
    )


def team_candidates(*, team: VerificationTeam) -> QuerySet[User]:
    """Active verifiers of the team's scope (its county's, or the city's) not on it yet."""
    scope = Q(county_id=team.county_id) if team.county_id else Q(county__isnull=True)
    return (
        User.objects.filter(scope, role=User.Role.VERIFIER, is_active=True)
        .exclude(team_memberships__team=team)
        .order_by("full_name", "username")
    )


def _require_staffer(actor: User, team: VerificationTeam) -> None:
    require_right(actor, Right.STAFF)
    if not team_staffable(user=actor).filter(pk=team.pk).exists():
        raise PermissionDenied


@audited("verification.member_add", target="team")
def team_member_add(
    *, actor: User, team: VerificationTeam, user: User, department: Department
) -> TeamMember:
    _require_staffer(actor, team)
    if not team_candidates(team=team).filter(pk=user.pk).exists():
        if TeamMember.objects.filter(team=team, user=user).exists():
            raise ValidationError({"user": _("%(name)s is on the team already.") % {"name": user}})
        raise ValidationError(
            {
                "user": _("%(name)s is not an active verifier of the team's county or city.")
                % {"name": user}
            }
        )
    return TeamMember.objects.create(team=team, user=user, department=department)


@audited("verification.member_remove", target="team")
def team_member_remove(*, actor: User, team: VerificationTeam, user: User) -> None:
    """Ends ``user``'s place in the team (the audit names the user, not the row)."""
    _require_staffer(actor, team)
    member = TeamMember.objects.filter(team=team, user=user).first()
    if member is None:
        raise Http404
    if team.leader_id == user.pk:
        raise ValidationError(
            _("%(name)s leads the team: choose another leader first.") % {"name": user}
        )
    member.delete()


@audited("verification.leader_set", target="team")
def team_leader_set(*, actor: User, team: VerificationTeam, user: User | None) -> VerificationTeam:
    """The team's leader, one of its members (or none)."""
    _require_staffer(actor, team)
    if user is not None and not TeamMember.objects.filter(team=team, user=user).exists():
        raise ValidationError({"leader": _("The leader must be a member of the team.")})
    team.leader = user
    team.save(update_fields=["leader"])
    return team
