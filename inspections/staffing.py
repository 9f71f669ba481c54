"""Who is on each inspection squad and which counties it covers: the city bureau's
to decide. Members are active inspectors; the leader is one of them. A member
removed keeps their past visits and findings (they name the user), but no longer
sees the squad's planned visits. Every change is audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from readiness.access import has_right, require_right
from readiness.audit import audited
from readiness.models import County, User

from .access import Right
from .models import InspectionSquad


def squad_staffable(*, user: User) -> QuerySet[InspectionSquad]:
    if not has_right(user, Right.SQUAD_STAFF):
        return InspectionSquad.objects.none()
    return InspectionSquad.objects.select_related("leader").annotate(
        member_count=Count("members", distinct=True)
    )


def squad_get_for_staffing(*, user: User, pk: int) -> InspectionSquad:
    squad = squad_staffable(user=user).filter(pk=pk).first()
    if squad is None:
        raise Http404
    return squad


def squad_candidates(*, squad: InspectionSquad) -> QuerySet[User]:
    """Active inspectors not on the squad yet."""
    return (
        User.objects.filter(role=User.Role.INSPECTOR, is_active=True)
        .exclude(squads=squad)
        .order_by("full_name", "username")
    )


def _require_staffer(actor: User) -> None:
    require_right(actor, Right.SQUAD_STAFF)


@audited("inspections.member_add", target="squad")
def squad_member_add(*, actor: User, squad: InspectionSquad, user: User) -> InspectionSquad:
    _require_staffer(actor)
    if squad.members.filter(pk=user.pk).exists():
        raise ValidationError({"user": _("%(name)s is on the squad already.") % {"name": user}})
    if not (user.role == User.Role.INSPECTOR and user.is_active):
        raise ValidationError({"user": _("%(name)s is not an active inspector.") % {"name": user}})
    squad.members.add(user)
    return squad


@audited("inspections.member_remove", target="squad")
def squad_member_remove(*, actor: User, squad: InspectionSquad, user: User) -> InspectionSquad:
    _require_staffer(actor)
    if not squad.members.filter(pk=user.pk).exists():
        raise Http404
    if squad.leader_id == user.pk:
        raise ValidationError(
            _("%(name)s leads the squad: choose another leader first.") % {"name": user}
        )
    squad.members.remove(user)
    return squad


@audited("inspections.leader_set", target="squad")
def squad_leader_set(*, actor: User, squad: InspectionSquad, user: User | None) -> InspectionSquad:
    _require_staffer(actor)
    if user is not None and not squad.members.filter(pk=user.pk).exists():
        raise ValidationError({"leader": _("The leader must be a member of the squad.")})
    squad.leader = user
    squad.save(update_fields=["leader"])
    return squad


@audited("inspections.counties_set", target="squad")
def squad_counties_set(
    *, actor: User, squad: InspectionSquad, counties: Iterable[County]
) -> InspectionSquad:
    """The counties the squad covers (at least one)."""
    _require_staffer(actor)
    counties = list(counties)
    if not counties:
        raise ValidationError({"counties": _("A squad covers at least one county.")})
    squad.counties.set(counties)
    return squad
