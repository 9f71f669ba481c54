"""Reads. Every function takes the user and returns only what their scope allows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import criteria
from .access import Right, has_right, may_edit_school, require_right, scope_of
from .filters import AuditFilter, SchoolFilter
from .models import (
    AuditEntry,
    County,
    Criterion,
    DispatchReport,
    ReadinessChange,
    ReadinessNotice,
    ReadinessPolicy,
    School,
    SchoolImport,
    SchoolJudgement,
    User,
)


def county_list(*, user: User) -> QuerySet[County]:
    return County.objects.filter(scope_of(user).county_q()).distinct()


def school_list(*, user: User) -> QuerySet[School]:
    """The schools ``user`` may see, with what list pages and exports show."""
    return School.objects.filter(scope_of(user).school_q()).select_related("county")


def school_filter(*, user: User, params) -> SchoolFilter:
    """A bound SchoolFilter over the user's schools; ``.qs`` is the filtered queryset."""
    return SchoolFilter(params, queryset=school_list(user=user), counties=county_list(user=user))


def school_get_for_user(*, user: User, pk: int | str) -> School:
    """One school the user may see; 404 outside their scope."""
    try:
        return school_list(user=user).get(pk=pk)
    except (School.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def school_get_for_edit(*, user: User, pk: int | str) -> School:
    """One school the user may edit: 404 outside their scope, 403 without the right."""
    school = school_get_for_user(user=user, pk=pk)
    if not may_edit_school(user, school):
        raise PermissionDenied
    return school


def county_overview_totals(rows: list[dict]) -> dict:
    """Sums of ``county_overview`` rows, for the tiles above the table."""
    keys = ("school_count", "student_total", "staff_total", "high_risk")
    return {key: sum(row[key] or 0 for row in rows) for key in keys}


def county_overview(*, user: User) -> list[dict]:
    """Per visible county: schools, students, staff and high-risk schools, in one query."""
    in_scope = scope_of(user).school_q(prefix="schools__")
    return list(
        County.objects.filter(scope_of(user).county_q())
        .annotate(
            school_count=Count("schools", filter=in_scope),
            student_total=Sum("schools__students", filter=in_scope),
            staff_total=Sum("schools__staff", filter=in_scope),
            high_risk=Count("schools", filter=in_scope & Q(schools__risk_level="high")),
        )
        .values("code", "name", "school_count", "student_total", "staff_total", "high_risk")
        .order_by("order", "code")
    )


def dispatch_report_list(*, user: User) -> QuerySet[DispatchReport]:
    require_right(user, Right.DISPATCH_VIEW)
    return DispatchReport.objects.all()


def dispatch_reports_for_api(*, user: User) -> QuerySet[DispatchReport]:
    """The reports the API serves: every report to the city's readers, and to a
    county official (who then sees only their county's figures, ``report_data_for``);
    403 to anyone else."""
    if not (has_right(user, Right.DISPATCH_VIEW) or user.role == User.Role.COUNTY_OFFICIAL):
        raise PermissionDenied
    return DispatchReport.objects.order_by("-on_date")


def report_data_for(*, user: User, report: DispatchReport, county: str | None = None) -> dict:
    """The snapshot as ``user`` may read it: whole for the city's readers; for a
    county, each section's figures for that county only (its rows of ``by_county``),
    and no section that has no breakdown by county."""
    whole = reads_whole_reports(user=user)
    if whole and county is None:
        return report.data
    # The city's readers drill down to one county; a county official reads their own.
    return county_data(report.data, county if whole else own_county_code(user=user))


def county_data(data: dict, code: str | None) -> dict:
    """A snapshot's figures for the county ``code`` only (no query)."""
    sections = {}
    for key, section in data.get("sections", {}).items():
        if not isinstance(section, dict):
            continue
        own = _county_part(section, code)
        if own is None:  # parts nested one level down (plans: {"plans": {...}})
            parts = {k: _county_part(v, code) for k, v in section.items() if isinstance(v, dict)}
            own = {k: v for k, v in parts.items() if v is not None} or None
        if own is not None:
            sections[key] = own
    own = {"on_date": data.get("on_date"), "county": code, "sections": sections}
    # What the report froze beside the figures, the county's part only: its
    # changes, its own row of the ranking with its place, its stale schools.
    if "compared" in data:
        compared = data["compared"]
        own["compared"] = {
            "previous": compared.get("previous"),
            "county": compared.get("by_county", {}).get(code, {}),
        }
    if "ranking" in data:
        rows = data["ranking"].get("rows", [])
        place = next((i for i, row in enumerate(rows, 1) if row.get("code") == code), None)
        own["ranking"] = {
            "place": place,
            "of": len(rows),
            "row": rows[place - 1] if place else None,
        }
    if "stale" in data:
        stale = data["stale"]
        own["stale"] = {
            "days": stale.get("days"),
            "before": stale.get("before"),
            "county": stale.get("by_county", {}).get(
                code, {"count": 0, "kinds": {}, "schools": []}
            ),
        }
    return own


def _county_part(figures: dict, code: str) -> dict | None:
    """The county's rows of a part with ``by_county`` (a list of rows with their
    code, or rows keyed by code), as a list of rows; None without a breakdown."""
    rows = figures.get("by_county")
    if isinstance(rows, list):
        return {"by_county": [r for r in rows if r.get("code") == code]}
    if isinstance(rows, dict):
        return {"by_county": [{"code": code, **rows[code]}] if code in rows else []}
    return None


def dispatch_report_get(*, user: User, on_date: str) -> DispatchReport:
    reports = dispatch_report_list(user=user)
    try:
        return reports.get(on_date=dt.date.fromisoformat(on_date))
    except (DispatchReport.DoesNotExist, ValueError):
        raise Http404 from None


def rate(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``, one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


def school_import_get_for_user(*, user: User, pk: int | str) -> SchoolImport:
    """A school spreadsheet being checked or imported: only its uploader sees it."""
    try:
        return SchoolImport.objects.get(pk=pk, owner_id=user.pk)
    except (SchoolImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def audit_filter(*, user: User, params) -> AuditFilter:
    """The audit trail for those who may read it (the city); 403 for anyone else."""
    require_right(user, Right.AUDIT_VIEW)
    entries = AuditEntry.objects.select_related("county").order_by("-at", "-pk")
    return AuditFilter(params, queryset=entries)


# --- readiness, computed ----------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    key: str
    label: object
    level: str
    state: str
    conditional: bool
    reason: str
    link: str


def school_criteria(*, school: School) -> list[CriterionRow]:
    """Each criterion's state for ``school`` (already read in scope), in the
    registry's order, with the level the city gives it: two queries."""
    policy = criteria.policy_current()
    judgement = SchoolJudgement.objects.filter(school=school).values_list("criteria", flat=True)
    kept = judgement.first() or {}
    shown = []
    for criterion in criteria.registry():
        row = kept.get(criterion.key, {})
        shown.append(
            CriterionRow(
                key=criterion.key,
                label=criterion.label,
                level=policy.level(criterion.key),
                state=row.get("state", Criterion.NO_DATA),
                conditional=row.get("conditional", False),
                reason=row.get("reason", ""),
                link=row.get("link", ""),
            )
        )
    return shown


def readiness_changes(*, school: School, limit: int = 20) -> list[ReadinessChange]:
    return list(ReadinessChange.objects.filter(school=school)[:limit])


def notices_unread(*, user: User) -> QuerySet[ReadinessNotice]:
    """What the user has not yet opened, newest first, schools in their scope only."""
    return (
        ReadinessNotice.objects.filter(
            user=user, read_at__isnull=True, change__school__in=school_list(user=user)
        )
        .select_related("change__school")
        .order_by("-change__at", "-pk")
    )


def notice_get_for_user(*, user: User, pk: int | str) -> ReadinessNotice:
    """One of the user's own notices; anyone else's is 404."""
    try:
        return ReadinessNotice.objects.select_related("change").get(pk=pk, user=user)
    except (ReadinessNotice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def policy_versions(*, user: User) -> QuerySet[ReadinessPolicy]:
    """The city's readiness policies, newest first (for those who set them)."""
    require_right(user, Right.READINESS_POLICY)
    return ReadinessPolicy.objects.select_related("created_by").order_by("-pk")


def reads_whole_reports(*, user: User) -> bool:
    """The city's readers see the reports whole; a county official, their county's rows."""
    return has_right(user, Right.DISPATCH_VIEW)


def own_county_code(*, user: User) -> str | None:
    """The code of the county a county-level user works in; None for the city.
    Kept on the user for the request (as Django keeps permissions)."""
    if hasattr(user, "_own_county_code"):
        return user._own_county_code
    scope = scope_of(user)
    code = None
    if scope.level == "county":
        code = County.objects.filter(pk=scope.county_id).values_list("code", flat=True).first()
    user._own_county_code = code
    return code


def _shown(field, value) -> str:
    """A field's value as the pages show it: a choice's label, yes/no, or the text."""
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def school_history(*, school: School, limit: int = 10) -> list[dict]:
    """The school's recorded edits, latest first, each said in words: who, when,
    and each field that changed from what to what. (Readiness is not edited: its
    changes, with their reasons, are ``readiness_changes``.)"""
    entries = list(
        school.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    steps = []
    for newer, older in zip(entries, [*entries[1:], None], strict=True):
        if len(steps) == limit:
            break
        if newer.history_type == "+" or older is None:
            steps.append({"entry": newer, "created": True, "changes": []})
            continue
        changes = []
        for change in newer.diff_against(older).changes:
            field = School._meta.get_field(change.field)
            changes.append(
                {
                    "label": capfirst(field.verbose_name),
                    "old": _shown(field, change.old),
                    "new": _shown(field, change.new),
                }
            )
        steps.append({"entry": newer, "created": False, "changes": changes})
    return steps


def reopening_dates(school_ids) -> dict[int, dt.date]:
    """The day each of the schools reopens (or reopened), from the line of work that
    knows it (settings.SCHOOL_REOPENING); schools without one are absent.
    ``school_ids`` is ids or a query of them, read as a subquery: the city's 5,600
    ids sent back to the database as a list took 32 ms, the subquery 4."""
    if not isinstance(school_ids, QuerySet):
        school_ids = list(school_ids)
    return import_string(settings.SCHOOL_REOPENING)(school_ids)
