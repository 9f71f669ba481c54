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
    FindingPhoto,
    InspectionSquad,
    KeyArea,
    NoticeArchive,
    RectificationNotice,
    RectificationReport,
    ReportEvidence,
    Visit,
    VisitCheck,
)


def key_area_list(*, user: User) -> QuerySet[KeyArea]:
    """The key areas checked on a visit: reference data, the same for every user."""
    return KeyArea.objects.all()


def aspect_list(*, user: User) -> QuerySet[Aspect]:
    """The aspects checked on a visit: reference data, the same for every user."""
    return Aspect.objects.all()


def visit_list(*, user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(visit_q(user)).select_related("school__county", "squad")


def visit_get_for_user(*, user: User, pk: int | str) -> Visit:
    try:
        return visit_list(user=user).get(pk=pk)
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visit_check_list(*, user: User, visit: Visit) -> QuerySet[VisitCheck]:
    """The results recorded on ``visit`` per key area and aspect, if the user sees it."""
    return VisitCheck.objects.filter(visit__in=Visit.objects.filter(visit_q(user)), visit=visit)


def visit_finding_list(*, user: User, visit: Visit) -> QuerySet[Finding]:
    """The findings of ``visit`` with their photos and notices, as the visit page shows them
    (with their place; the school, the county and the squad are the visit's)."""
    return (
        finding_list(user=user)
        .filter(visit=visit)
        .select_related(None)
        .select_related("key_area", "aspect")
        .prefetch_related("photos", "notices")
        .order_by("deadline", "pk")
    )


def visit_notice_list(*, user: User, visit: Visit) -> QuerySet[RectificationNotice]:
    """The notices of ``visit``, latest version first, each with its successor."""
    return (
        notice_list(user=user)
        .filter(visit=visit)
        .select_related("superseded_by")
        .order_by("-version", "-pk")
    )


def notice_in_force_list(*, user: User, visit: Visit) -> QuerySet[RectificationNotice]:
    """The notices of ``visit`` that no correction has superseded: those a correction may
    replace."""
    return visit_notice_list(user=user, visit=visit).filter(superseded_by__isnull=True)


def visit_present_list(*, user: User, visit: Visit) -> QuerySet[User]:
    """The members recorded as present on ``visit``, if the user sees it."""
    present = Visit.present.through.objects.filter(
        visit__in=Visit.objects.filter(visit_q(user)), visit=visit
    )
    return User.objects.filter(pk__in=present.values("user_id")).order_by("pk")


def squad_member_list(*, user: User, squad: InspectionSquad) -> QuerySet[User]:
    """The members and the leader of ``squad``, for a user of that squad; nobody for others."""
    mine = squads_of(user).filter(pk=squad.pk).values("pk")
    return (
        User.objects.filter(Q(squads__in=mine) | Q(led_squads__in=mine)).distinct().order_by("pk")
    )


def finding_list(*, user: User) -> QuerySet[Finding]:
    return Finding.objects.filter(finding_q(user)).select_related(
        "school__county", "key_area", "aspect", "visit__squad"
    )


def finding_get_for_user(*, user: User, pk: int | str) -> Finding:
    try:
        return finding_list(user=user).get(pk=pk)
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def finding_photo_get_for_user(*, user: User, pk: int | str) -> FindingPhoto:
    """A photo of a finding the user sees; 404 otherwise."""
    try:
        return FindingPhoto.objects.filter(finding__in=finding_list(user=user)).get(pk=pk)
    except (FindingPhoto.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def finding_photo_list(*, user: User, finding: Finding) -> QuerySet[FindingPhoto]:
    return FindingPhoto.objects.filter(finding__in=finding_list(user=user), finding=finding)


# What each step of a finding is recorded as (``history_change_reason``, kept in
# English in the database) and how it is said to the reader, in their language.
CHANGE_REASONS = {
    "found on the visit": _("found on the visit"),
    "rectification reported": _("rectification reported"),
    "rectification accepted": _("rectification accepted"),
}
REJECTED = "rectification rejected: "


def change_reason_label(reason: str | None) -> str:
    if not reason:
        return ""
    if reason.startswith(REJECTED):
        return _("rectification rejected: %(reason)s") % {"reason": reason[len(REJECTED) :]}
    return str(CHANGE_REASONS.get(reason, reason))


def finding_history(*, user: User, finding: Finding) -> list:
    """The recorded changes of a finding the user sees, latest first, each with its
    reason in words (``reason``)."""
    entries = list(
        Finding.history.filter(id__in=finding_list(user=user).values("pk"), id=finding.pk)
        .select_related("history_user")
        .order_by("-history_date")
    )
    for entry in entries:
        entry.reason = change_reason_label(entry.history_change_reason)
    return entries


def report_list(*, user: User) -> QuerySet[RectificationReport]:
    """Rectification reports of the findings the user sees, latest first."""
    return (
        RectificationReport.objects.filter(finding__in=finding_list(user=user))
        .select_related("finding__visit__squad", "submitted_by", "decided_by")
        .order_by("-submitted_at", "-pk")
    )


def report_get_for_user(*, user: User, pk: int | str) -> RectificationReport:
    """A report on a finding the user sees; 404 otherwise."""
    try:
        return report_list(user=user).get(pk=pk)
    except (RectificationReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def finding_report_list(*, user: User, finding: Finding) -> QuerySet[RectificationReport]:
    """The reports on ``finding`` with their evidence, as its page shows them."""
    return report_list(user=user).filter(finding=finding).prefetch_related("evidence")


def report_evidence_get_for_user(*, user: User, pk: int | str) -> ReportEvidence:
    """A piece of evidence of a report on a finding the user sees; 404 otherwise."""
    try:
        return ReportEvidence.objects.filter(report__finding__in=finding_list(user=user)).get(
            pk=pk
        )
    except (ReportEvidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notice_list(*, user: User, with_findings: bool = False) -> QuerySet[RectificationNotice]:
    """Notices of the visits the user sees, newest first; ``with_findings`` prefetches
    the findings' ids, as the API lists them."""
    notices = (
        RectificationNotice.objects.filter(visit__in=visit_list(user=user))
        .select_related("visit__school__county", "visit__squad", "issued_by")
        .order_by("-year", "-number", "-version")
    )
    return notices.prefetch_related("findings") if with_findings else notices


def notice_get_for_user(*, user: User, pk: int | str) -> RectificationNotice:
    try:
        return notice_list(user=user).get(pk=pk)
    except (RectificationNotice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notice_finding_list(*, user: User, notice: RectificationNotice) -> QuerySet[Finding]:
    """The findings printed on ``notice``, in the order the notice prints them."""
    return finding_list(user=user).filter(notices=notice).order_by("pk")


def notice_by_code(*, user: User, code: str) -> RectificationNotice:
    try:
        return notice_list(user=user).get(code=code)
    except RectificationNotice.DoesNotExist:
        raise Http404 from None


def notice_archive_job_for_user(*, user: User, pk: int | str) -> NoticeArchive:
    """An archive of the user's own, built or not, for its status page."""
    try:
        return NoticeArchive.objects.get(pk=pk, owner=user)
    except (NoticeArchive.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notice_archive_get_for_user(*, user: User, pk: int | str) -> NoticeArchive:
    """A built archive of the user's own; 404 for anyone else's or one not yet built."""
    try:
        return NoticeArchive.objects.get(pk=pk, owner=user, status=NoticeArchive.Status.DONE)
    except (NoticeArchive.DoesNotExist, ValueError, TypeError):
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
