"""Rights of the ledger (一人一档). Sight follows the readiness scope: a file is
seen by whoever sees its school."""

from __future__ import annotations

from enum import StrEnum

from readiness.access import has_right, scope_of
from readiness.models import User

Role = User.Role


class Right(StrEnum):
    PERSON_IMPORT = "person_import"
    PERSON_FULL_ID = "person_full_id"
    PERSON_EXPORT = "person_export"
    # Daily health checks (晨午检): who reads the days, who enters a school's
    # sessions, who keeps its classes.
    HEALTH_VIEW = "health_view"
    HEALTH_ENTER = "health_enter"
    CLASS_MANAGE = "class_manage"
    # The county follows its schools' alerts (acknowledges, closes with what was done).
    HEALTH_ALERT = "health_alert"


RIGHTS: dict[str, frozenset[str]] = {
    Right.PERSON_IMPORT: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL, Role.SCHOOL}),
    Right.PERSON_FULL_ID: frozenset({Role.CITY_STAFF}),
    # Those who keep the ledger export it; the rows are their scope's only.
    Right.PERSON_EXPORT: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL, Role.SCHOOL}),
    Right.HEALTH_VIEW: frozenset(
        {Role.TASK_FORCE, Role.CITY_STAFF, Role.COUNTY_OFFICIAL, Role.SCHOOL}
    ),
    # The school enters its sessions; the county enters for a school that cannot.
    Right.HEALTH_ENTER: frozenset({Role.COUNTY_OFFICIAL, Role.SCHOOL}),
    Right.CLASS_MANAGE: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL, Role.SCHOOL}),
    Right.HEALTH_ALERT: frozenset({Role.COUNTY_OFFICIAL}),
}


def may_enter_for(user: User, school, right: str = Right.HEALTH_ENTER) -> bool:
    """Whether ``user`` may write ``school``'s health checks (or classes); decided
    without a query: the right, and the school within the user's scope."""
    if not has_right(user, right):
        return False
    scope = scope_of(user)
    return (
        scope.is_city
        or (scope.level == "county" and school.county_id == scope.county_id)
        or (scope.level == "school" and school.pk == scope.school_id)
    )
