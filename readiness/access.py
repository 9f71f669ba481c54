"""Who may see and do what.

A user has a role (what they may do) and a scope (where: the city, one county,
or one school). Every selector narrows its queryset through ``Scope``; every
write first asks ``require_right``. Objects outside the scope answer 404,
missing rights answer 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.module_loading import import_string

from .models import User

Role = User.Role


class Right(StrEnum):
    """The core's rights. Each line of work declares its own in its ``access.py``."""

    SCHOOL_EDIT = "school_edit"
    SCHOOL_IMPORT = "school_import"
    SCHOOL_EXPORT = "school_export"
    DISPATCH_VIEW = "dispatch_view"
    DISPATCH_BUILD = "dispatch_build"
    AUDIT_VIEW = "audit_view"
    READINESS_POLICY = "readiness_policy"
    ACCOUNT_MANAGE = "account_manage"
    CITY_SETTINGS = "city_settings"


# Which roles carry each right. Every app has a mapping like this one, listed
# by dotted path in ``settings.ACCESS_RIGHTS``; the core reads them all without
# importing any app.
RIGHTS: dict[str, frozenset[str]] = {
    Right.SCHOOL_EDIT: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL}),
    Right.SCHOOL_IMPORT: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL}),
    Right.SCHOOL_EXPORT: frozenset({Role.TASK_FORCE, Role.CITY_STAFF, Role.COUNTY_OFFICIAL}),
    Right.DISPATCH_VIEW: frozenset({Role.TASK_FORCE, Role.CITY_STAFF}),
    Right.DISPATCH_BUILD: frozenset({Role.CITY_STAFF}),
    Right.AUDIT_VIEW: frozenset({Role.TASK_FORCE, Role.CITY_STAFF}),
    Right.READINESS_POLICY: frozenset({Role.CITY_STAFF}),
    Right.ACCOUNT_MANAGE: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL}),
    Right.CITY_SETTINGS: frozenset({Role.CITY_STAFF}),
}


@cache
def role_rights() -> dict[str, frozenset[str]]:
    """Every right of every app, by role: the union of ``settings.ACCESS_RIGHTS``."""
    by_role: dict[str, set[str]] = {role: set() for role in Role.values}
    for path in settings.ACCESS_RIGHTS:
        for right, roles in import_string(path).items():
            for role in roles:
                by_role[role].add(str(right))
    return {role: frozenset(rights) for role, rights in by_role.items()}


@dataclass(frozen=True)
class Scope:
    """Where a user may look: the whole city, one county or one school.

    ``nothing`` is the scope of a user without a role: they see no rows at all.
    """

    level: str  # "city" | "county" | "school" | "nothing"
    county_id: int | None = None
    school_id: int | None = None

    @property
    def is_city(self) -> bool:
        return self.level == "city"

    def school_q(self, prefix: str = "") -> Q:
        """A filter on School (or on a model reaching School through ``prefix``)."""
        if self.level == "city":
            return Q()
        if self.level == "county":
            return Q(**{f"{prefix}county_id": self.county_id})
        if self.level == "school":
            return Q(**{f"{prefix}pk": self.school_id})
        return Q(pk__in=[])

    def sees_school(self, school) -> bool:
        """``school_q`` for a school already read: the same rule, without a query."""
        if self.level == "city":
            return True
        if self.level == "county":
            return school.county_id == self.county_id
        if self.level == "school":
            return school.pk == self.school_id
        return False

    def county_q(self) -> Q:
        """A filter on County."""
        if self.level == "city":
            return Q()
        if self.level == "county":
            return Q(pk=self.county_id)
        if self.level == "school":
            return Q(schools__pk=self.school_id)
        return Q(pk__in=[])


NOTHING = Scope(level="nothing")


def scope_of(user: User) -> Scope:
    """The scope of ``user``; reads only the user row."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(level="city")
    if not user.role:
        return NOTHING  # clearing a user's role revokes every right and all sight
    if user.school_id:
        return Scope(level="school", school_id=user.school_id)
    if user.county_id:
        return Scope(level="county", county_id=user.county_id)
    return Scope(level="city")


def has_right(user: User, right: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return right in role_rights().get(user.role, frozenset())


def require_right(user: User, right: str) -> None:
    """Raises PermissionDenied (403) unless the user's role carries ``right``."""
    if not has_right(user, right):
        raise PermissionDenied


def may_edit_school(user: User, school) -> bool:
    """Whether ``user`` may edit ``school``; decided without a query.

    County officials edit their county's own schools; city-direct schools and
    universities located in the county belong to the city bureau.
    """
    if not has_right(user, Right.SCHOOL_EDIT):
        return False
    scope = scope_of(user)
    if scope.level == "city":
        return True
    return (
        scope.level == "county"
        and school.county_id == scope.county_id
        and school.jurisdiction == "county"
    )


# The roles a county official gives out: the accounts of their county's schools,
# county team members and supplies officers. The city bureau gives out every role.
COUNTY_GRANTED_ROLES = frozenset({Role.SCHOOL, Role.VERIFIER, Role.SUPPLIES})


def grantable_roles(user: User) -> frozenset[str]:
    """The roles ``user`` may give to an account (none without ACCOUNT_MANAGE)."""
    if not has_right(user, Right.ACCOUNT_MANAGE):
        return frozenset()
    if scope_of(user).is_city:
        return frozenset(Role.values)
    return COUNTY_GRANTED_ROLES


def may_manage_account(user: User, account: User) -> bool:
    """Whether ``user`` may change ``account`` (its details, state and password).

    Never oneself (that is the user's own page), never a superuser; a county
    official only the accounts of their county in a role they could give, a school
    contact only of a school the county answers for (``may_edit_school``)."""
    if account.pk == user.pk or account.is_superuser:
        return False
    if account.role not in grantable_roles(user) and account.role:
        return False
    scope = scope_of(user)
    if scope.is_city:
        return True
    if account.school_id:
        return may_edit_school(user, account.school)
    return account.county_id is not None and account.county_id == scope.county_id
