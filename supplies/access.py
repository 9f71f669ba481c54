"""Who may do what with supplies, and where.

The supplies officer (物资保障) of the city manages the city reserve and every
county's stock; one of a county manages that county's depot and its schools'
stock. County officials confirm what reaches their depot; school contacts confirm
what reaches their school and ask for supplies. Everyone sees stock within their
scope; the city reserve is seen at city level only.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from readiness.access import has_right, scope_of
from readiness.models import User

Role = User.Role


class Right(StrEnum):
    SUPPLY_VIEW = "supply_view"
    SUPPLY_MANAGE = "supply_manage"
    SUPPLY_RECEIVE = "supply_receive"
    SUPPLY_REQUEST = "supply_request"


RIGHTS: dict[str, frozenset[str]] = {
    Right.SUPPLY_VIEW: frozenset(
        {Role.TASK_FORCE, Role.CITY_STAFF, Role.SUPPLIES, Role.COUNTY_OFFICIAL, Role.SCHOOL}
    ),
    Right.SUPPLY_MANAGE: frozenset({Role.SUPPLIES, Role.CITY_STAFF}),
    Right.SUPPLY_RECEIVE: frozenset({Role.SUPPLIES, Role.COUNTY_OFFICIAL, Role.SCHOOL}),
    Right.SUPPLY_REQUEST: frozenset({Role.COUNTY_OFFICIAL, Role.SCHOOL}),
}


def holder_q(user: User, prefix: str = "") -> Q:
    """A filter on Holder (or on a model reaching it through ``prefix``) to the
    holders within the user's scope. A school's holder follows the school's county
    as it is now, should the school have moved."""
    scope = scope_of(user)
    if scope.level == "city":
        return Q()
    if scope.level == "county":
        return Q(**{f"{prefix}kind": "county", f"{prefix}county_id": scope.county_id}) | Q(
            **{f"{prefix}school__county_id": scope.county_id}
        )
    if scope.level == "school":
        return Q(**{f"{prefix}school_id": scope.school_id})
    return Q(pk__in=[])


def within(user: User, holder) -> bool:
    """Whether ``holder`` is within the user's scope (a school's holder by the
    school's county: one query unless the school is loaded)."""
    scope = scope_of(user)
    if scope.level == "city":
        return True
    if scope.level == "county":
        if holder.school_id:
            return holder.school.county_id == scope.county_id
        return holder.kind == "county" and holder.county_id == scope.county_id
    if scope.level == "school":
        return holder.school_id == scope.school_id
    return False


def require(user: User, right: str, holder=None) -> None:
    """PermissionDenied unless the user has ``right`` and ``holder`` is in scope."""
    if not has_right(user, right) or (holder is not None and not within(user, holder)):
        raise PermissionDenied


def is_city_manager(user: User) -> bool:
    return has_right(user, Right.SUPPLY_MANAGE) and scope_of(user).level == "city"


def own_holder_q(user: User, prefix: str = "") -> Q:
    """The holders whose arrivals ``user`` confirms: their school, their county's
    depot, or (city supplies officers) the city reserve."""
    if not has_right(user, Right.SUPPLY_RECEIVE):
        return Q(pk__in=[])
    scope = scope_of(user)
    if scope.level == "school":
        return Q(**{f"{prefix}school_id": scope.school_id})
    if scope.level == "county":
        return Q(**{f"{prefix}kind": "county", f"{prefix}county_id": scope.county_id})
    if scope.level == "city":
        return Q(**{f"{prefix}kind": "city"})
    return Q(pk__in=[])


def receives_for(user: User, holder) -> bool:
    """Whether ``user`` confirms what reaches ``holder``; decided without a query."""
    if not has_right(user, Right.SUPPLY_RECEIVE):
        return False
    scope = scope_of(user)
    if scope.level == "school":
        return holder.school_id == scope.school_id
    if scope.level == "county":
        return holder.kind == "county" and holder.county_id == scope.county_id
    return scope.level == "city" and holder.kind == "city"
