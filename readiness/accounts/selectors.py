"""The accounts a user may see: the city bureau every account, a county official
those of their county (its schools' contacts, its teams' members, its officers).
Whether they may also change one is ``access.may_manage_account``."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ..access import Right, has_right, scope_of
from ..models import AccountImport, AuditEntry, County, User


def account_visible(*, user: User) -> QuerySet[User]:
    if not has_right(user, Right.ACCOUNT_MANAGE):
        return User.objects.none()
    scope = scope_of(user)
    accounts = User.objects.filter(is_superuser=False)
    if scope.is_city:
        return accounts
    return accounts.filter(Q(county_id=scope.county_id) | Q(school__county_id=scope.county_id))


def account_get_for_user(*, user: User, pk: int) -> User:
    account = (
        account_visible(user=user)
        .select_related("county", "school", "school__county")
        .filter(pk=pk)
        .first()
    )
    if account is None:
        raise Http404
    return account


def account_history(*, account: User, limit: int = 50) -> QuerySet[AuditEntry]:
    """What was done to the account (and its own password and details changes)."""
    return AuditEntry.objects.filter(
        action__startswith="account.", target=f"{User._meta.label}:{account.pk}"
    ).order_by("-at")[:limit]


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, user name, phone or school"))
    role = django_filters.ChoiceFilter(choices=User.Role.choices, label=_("Role"))
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.none(),
        method="filter_county",
        to_field_name="code",
        label=_("County"),
    )
    state = django_filters.ChoiceFilter(
        choices=[
            ("active", _("Active")),
            ("inactive", _("Deactivated")),
            ("initial", _("Initial password not yet changed")),
            ("never", _("Never logged in")),
        ],
        method="filter_state",
        label=_("State"),
    )

    class Meta:
        model = User
        fields = ["q", "role", "county", "state"]

    def __init__(self, *args, counties: QuerySet[County], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["county"].queryset = counties

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        return queryset.filter(
            Q(username__icontains=value)
            | Q(full_name__icontains=value)
            | Q(phone__contains=value)
            | Q(school__name__icontains=value)
            | Q(school__code=value)
        )

    def filter_county(self, queryset: QuerySet[User], name: str, value: County) -> QuerySet[User]:
        return queryset.filter(Q(county=value) | Q(school__county=value))

    def filter_state(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return {
            "active": queryset.filter(is_active=True),
            "inactive": queryset.filter(is_active=False),
            "initial": queryset.filter(is_active=True, must_change_password=True),
            "never": queryset.filter(is_active=True, last_login__isnull=True),
        }[value]


def account_filter(*, user: User, params) -> AccountFilter:
    counties = County.objects.filter(scope_of(user).county_q()).order_by("order", "code")
    accounts = account_visible(user=user).select_related("county", "school", "school__county")
    return AccountFilter(
        params, queryset=accounts.order_by("county__order", "username"), counties=counties
    )


def account_import_get_for_user(*, user: User, pk: int) -> AccountImport:
    """An account import, only to its uploader."""
    job = AccountImport.objects.filter(pk=pk, owner=user).first()
    if job is None or not has_right(user, Right.ACCOUNT_MANAGE):
        raise Http404
    return job
