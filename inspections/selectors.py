"""Reads of inspections, each narrowed to what the user may see."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.models import County, User

from .access import finding_q, squads_of, visit_q
from .models import (
    Aspect,
    Finding,
    InspectionSquad,
    KeyArea,
    RectificationNotice,
    RectificationReport,
    Visit,
)


def visit_list(*, user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(visit_q(user)).select_related("school__county", "squad").distinct()


def visit_get_for_user(*, user: User, pk: int | str) -> Visit:
    try:
        return visit_list(user=user).get(pk=pk)
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def finding_list(*, user: User) -> QuerySet[Finding]:
    return (
        Finding.objects.filter(finding_q(user))
        .select_related("school__county", "key_area", "aspect", "visit__squad")
        .distinct()
    )


def finding_get_for_user(*, user: User, pk: int | str) -> Finding:
    try:
        return finding_list(user=user).get(pk=pk)
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notice_list(*, user: User) -> QuerySet[RectificationNotice]:
    return (
        RectificationNotice.objects.filter(visit__in=visit_list(user=user))
        .select_related("visit__school__county", "visit__squad", "issued_by")
        .order_by("-year", "-number", "-version")
    )


def notice_get_for_user(*, user: User, pk: int | str) -> RectificationNotice:
    try:
        return notice_list(user=user).get(pk=pk)
    except (RectificationNotice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notice_by_code(*, user: User, code: str) -> RectificationNotice:
    try:
        return notice_list(user=user).get(code=code)
    except RectificationNotice.DoesNotExist:
        raise Http404 from None


def reports_to_review(*, user: User) -> QuerySet[RectificationReport]:
    return RectificationReport.objects.filter(
        decision="pending", finding__visit__squad__in=squads_of(user)
    ).select_related("finding__school", "submitted_by")


def squad_list(*, user: User) -> QuerySet[InspectionSquad]:
    return squads_of(user).select_related("leader").prefetch_related("counties")


class FindingFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(
        field_name="school__county",
        queryset=County.objects.all(),
        to_field_name="code",
        label=_("County"),
    )
    school = django_filters.CharFilter(
        field_name="school__name", lookup_expr="icontains", label=_("School")
    )
    key_area = django_filters.ModelChoiceFilter(
        queryset=KeyArea.objects.all(), label=_("Key area")
    )
    aspect = django_filters.ModelChoiceFilter(queryset=Aspect.objects.all(), label=_("Aspect"))
    severity = django_filters.ChoiceFilter(choices=Finding.Severity.choices, label=_("Severity"))
    status = django_filters.ChoiceFilter(choices=Finding.Status.choices, label=_("Status"))
    overdue = django_filters.ChoiceFilter(
        choices=[("true", _("Yes")), ("false", _("No"))],
        method="filter_overdue",
        label=_("Overdue"),
    )

    class Meta:
        model = Finding
        fields = ["county", "school", "key_area", "aspect", "severity", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        # The same rule as the badge: not closed, and the deadline has passed.
        late = ~Q(status=Finding.Status.CLOSED) & Q(deadline__lt=timezone.localdate())
        return queryset.filter(late) if value == "true" else queryset.exclude(late)


def finding_filter(*, user: User, params) -> FindingFilter:
    return FindingFilter(params, queryset=finding_list(user=user))


def finding_counts(findings: QuerySet[Finding], today: dt.date) -> dict:
    """Open, overdue and closed findings by key area/aspect and by severity (two queries)."""
    status = {
        "open": Count("pk", filter=~Q(status="closed")),
        "overdue": Count("pk", filter=~Q(status="closed") & Q(deadline__lt=today)),
        "closed": Count("pk", filter=Q(status="closed")),
    }
    by_place = {}
    for row in findings.values("key_area__name", "aspect__name").annotate(**status).order_by():
        by_place[row["key_area__name"] or row["aspect__name"]] = {k: row[k] for k in status}
    by_severity = {
        row["severity"]: {k: row[k] for k in status}
        for row in findings.values("severity").annotate(**status).order_by()
    }
    return {"by_place": by_place, "by_severity": by_severity}
