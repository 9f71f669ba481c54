"""Pages. Each view parses, fetches through a selector, calls a service, renders."""

from __future__ import annotations

from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.defaults import page_not_found, permission_denied

from . import (
    city_settings,
    criteria,
    dashboard,
    dispatch,
    documents,
    report_book,
    selectors,
    services,
    tasks,
)
from .access import Right, has_right, may_edit_school, require_right, scope_of
from .dispatch import PAGE_STALE_LISTED
from .forms import (
    CitySettingsForm,
    ImportForm,
    PolicyForm,
    RebuildForm,
    SchoolForm,
    TargetsForm,
    posted,
)
from .jinja_env import draw, integers_grouped
from .jobs import job_not_queued, job_status
from .logins import address_failed, address_is_slowed
from .models import DispatchReport, School, SchoolImport
from .resources import SchoolResource
from .school_file import sections_for
from .spreadsheets import CONTENT_TYPES, spreadsheet_response, template_response
from .todo import nav_counts, todo_for

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "scope": scope_of(user),
        "notices": selectors.notices_unread(user=user)[:20],
        "todo": todo_for(user),
    }
    if user.school_id:
        context["school"] = selectors.school_get_for_user(user=user, pk=user.school_id)
    else:
        context["counties"] = selectors.county_overview(user=user)
        context["totals"] = selectors.county_overview_totals(context["counties"])
    return render(request, "readiness/home.html", context)


@login_required
@require_GET
def todo_counts(request: HttpRequest) -> JsonResponse:
    """What waits for the user, by menu entry: the menu's badges."""
    return JsonResponse(nav_counts(request.user))


@login_required
@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    school_filter = selectors.school_filter(user=request.user, params=request.GET)
    page = Paginator(school_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    detail = criteria.link_to("school_detail")  # one reverse() for the page's 50 links
    return render(
        request,
        "readiness/school_list.html",
        {
            "filter": school_filter,
            "page": page,
            # The rows, most of the page, are drawn by Jinja2.
            "school_rows": draw(
                "readiness/_school_rows.html",
                {
                    "rows": [(school, detail(school.pk)) for school in page],
                    "labels": School.choice_labels(
                        "level", "jurisdiction", "risk_level", "readiness"
                    ),
                    "grouped": integers_grouped(),
                },
            ),
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.school_get_for_user(user=request.user, pk=pk)
    history = selectors.school_history(school=school)
    return render(
        request,
        "readiness/school_detail.html",
        {
            **_readiness_of(request, school),
            "history": history,
            "can_edit": may_edit_school(request.user, school),
        },
    )


def _readiness_of(request: HttpRequest, school: School) -> dict:
    """What ``readiness/_school_card.html`` and ``_school_criteria.html`` show."""
    return {
        "school": school,
        "criteria": selectors.school_criteria(school=school),
        "changes": selectors.readiness_changes(school=school),
        "can_set_policy": has_right(request.user, Right.READINESS_POLICY),
    }


@login_required
@require_GET
def school_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A school's whole file (学校一校一档): its card and readiness, then each line
    of work's section, each read through that line's scoped selectors."""
    school = selectors.school_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "readiness/school_file.html",
        {
            **_readiness_of(request, school),
            "sections": sections_for(user=request.user, school=school),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.school_get_for_edit(user=request.user, pk=pk)
    form = SchoolForm(posted(request)[0], instance=school, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.school_update(actor=request.user, school=school, data=data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("school_detail", pk=school.pk)
    return render(request, "readiness/school_form.html", {"form": form, "school": school})


@login_required
@require_http_methods(["GET", "POST"])
def school_import(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.SCHOOL_IMPORT)
    form = ImportForm(*posted(request))
    if form.is_valid():
        try:
            job = services.school_import_start(
                actor=request.user,
                upload=form.cleaned_data["file"],
                update_existing=form.cleaned_data["update_existing"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not tasks.enqueue(tasks.school_import_run, job.pk):
                job_not_queued(model=SchoolImport, pk=job.pk)
            return redirect("school_import_status", pk=job.pk)
    return render(request, "readiness/school_import.html", {"form": form})


@login_required
@require_GET
def school_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.school_import_get_for_user(user=request.user, pk=pk)
    template = "readiness/school_import_status.html"
    links = {
        "status_url": reverse("school_import_status", args=[job.pk]),
        "confirm_url": reverse("school_import_confirm", args=[job.pk]),
        "again_url": reverse("school_import"),
    }
    return job_status(request, job, template=template, extra={"stage": job.stage}, context=links)


@login_required
@require_GET
def school_import_template(request: HttpRequest) -> HttpResponse:
    """An empty school spreadsheet with the headers in the user's language."""
    require_right(request.user, Right.SCHOOL_IMPORT)
    headers = SchoolResource(user=request.user).export(queryset=School.objects.none()).headers
    # By position: the resource's columns in either language.
    example = ["3713020099", "临沂市兰山区示例小学", "371302", "小学", "县区", "否", 860, 52,
               "王校长", "13800000000", "兰山区示例路 1 号", "低风险", "否"]  # fmt: skip
    return template_response(
        stem="schools-template",
        sheet=_("Schools"),
        headers=headers,
        example=example,
        text_columns=[headers[0], headers[2], headers[9]],  # the codes and the phone
        example_sheet=_("Example"),
    )


@login_required
@require_POST
def school_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.school_import_get_for_user(user=request.user, pk=pk)
    try:
        services.school_import_confirm(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if not tasks.enqueue(tasks.school_import_run, job.pk):
            job_not_queued(model=SchoolImport, pk=job.pk)
    return redirect("school_import_status", pk=job.pk)


@login_required
@require_GET
def school_export(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.SCHOOL_EXPORT)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in CONTENT_TYPES:
        fmt = "xlsx"
    schools = selectors.school_filter(user=request.user, params=request.GET).qs
    dataset = SchoolResource(user=request.user).export(queryset=schools)
    return spreadsheet_response(dataset, fmt, "schools")


@login_required
@require_GET
def dispatch_list(request: HttpRequest) -> HttpResponse:
    # The list shows the dates, not the snapshots (150 KB of JSON a day to decode).
    reports = selectors.dispatch_report_list(user=request.user).defer("data")[:60]
    return render(request, "readiness/dispatch_list.html", {"reports": reports})


# A snapshot never changes under its key (a rebuild is a new snapshot): a day is only
# so that old reports leave the cache.
DISPATCH_BODY_SECONDS = 24 * 3600


@login_required
@require_GET
def dispatch_detail(request: HttpRequest, on_date: str) -> HttpResponse:
    report = selectors.dispatch_report_get(user=request.user, on_date=on_date)
    return _dispatch_page(request, report, RebuildForm())


def _dispatch_page(request: HttpRequest, report, form: RebuildForm, status: int = 200):
    may_rebuild = (
        has_right(request.user, Right.DISPATCH_BUILD) and report.on_date == timezone.localdate()
    )
    # The body is cached per snapshot (the template's cache tag): what it shows is
    # worked out only when it is rendered, that is once per snapshot and language.
    return render(
        request,
        "readiness/dispatch_detail.html",
        {
            "report": report,
            "body_seconds": DISPATCH_BODY_SECONDS,
            "sections": SimpleLazyObject(lambda: dispatch.shown(report.data)),
            "tiles": SimpleLazyObject(lambda: dashboard.report_tiles(report)),
            "ranking": SimpleLazyObject(lambda: dashboard.frozen_ranking(report.data)),
            "measures": SimpleLazyObject(lambda: [m for _key, m in dashboard.measures()]),
            "stale": SimpleLazyObject(
                lambda: dashboard.stale_listing(report.data, per_county=PAGE_STALE_LISTED)
            ),
            "stale_kept": dispatch.STALE_LISTED,
            "revisions": report.revisions.select_related("replaced_by")[:20],
            "rebuild_form": form if may_rebuild or form.errors else None,
        },
        status=status,
    )


@login_required
@require_POST
def dispatch_rebuild(request: HttpRequest, on_date: str) -> HttpResponse:
    """Today's report built again, with the reason; the replaced snapshot is kept."""
    report = selectors.dispatch_report_get(user=request.user, on_date=on_date)
    require_right(request.user, Right.DISPATCH_BUILD)
    form = RebuildForm(request.POST)
    if form.is_valid():
        try:
            services.dispatch_report_rebuild(
                actor=request.user, on_date=report.on_date, reason=form.cleaned_data["reason"]
            )
        except services.StaleReportDate:
            form.add_error(None, _("Only today's report can be built again."))
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(request, _("The report is built again; the earlier one is kept."))
            return redirect("dispatch_detail", on_date=report.on_date.isoformat())
    return _dispatch_page(request, report, form, status=400)


@login_required
@require_GET
def dispatch_pdf(request: HttpRequest, on_date: str) -> HttpResponse:
    report = selectors.dispatch_report_get(user=request.user, on_date=on_date)
    pdf = services.dispatch_report_pdf(report=report)
    return documents.pdf_response(pdf, f"dispatch-{report.on_date}.pdf")


@login_required
@require_GET
def dispatch_xlsx(request: HttpRequest, on_date: str) -> HttpResponse:
    report = selectors.dispatch_report_get(user=request.user, on_date=on_date)
    response = HttpResponse(report_book.workbook(report), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = content_disposition_header(
        True, f"dispatch-{report.on_date}.xlsx"
    )
    return response


@login_required
@require_POST
def dispatch_build(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.DISPATCH_BUILD)
    clicked, today = timezone.now(), timezone.localdate()
    if tasks.enqueue(tasks.dispatch_report_build, today.isoformat()):
        # Without a broker the job has run already; with one, it runs on a worker.
        if DispatchReport.objects.filter(on_date=today, built_at__gte=clicked).exists():
            messages.success(request, _("Today's report is built."))
        else:
            messages.success(
                request, _("Today's report is being built: it appears here in a minute or two.")
            )
    else:
        messages.error(request, _("The report could not be queued; try again in a few minutes."))
    return redirect("dispatch_list")


class LoginView(auth_views.LoginView):
    """The web login, slowed for an address that failed on many accounts."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if address_is_slowed(request):
            return render(request, "registration/slowed.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        address_failed(self.request)
        return super().form_invalid(form)


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    entries = selectors.audit_filter(user=request.user, params=request.GET)
    found = entries.qs if entries.is_valid() else entries.queryset.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": entries, "page": page, "query": query.urlencode()}
    return render(request, "readiness/audit_list.html", context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON under /api/ (a client reads it as it reads the API's other
    errors), the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: JSON under /api/, the portal's page elsewhere, in the user's language."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("You may not do this.")}, status=403)
    return permission_denied(request, exception)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache and broker state; 200 only when the database answers."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any failure means the portal cannot serve
        checks["database"] = f"error: {type(error).__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: no round trip"
    except Exception as error:
        checks["cache"] = f"error: {type(error).__name__}"
    checks["broker"] = _broker_state()
    status = 200 if checks["database"] == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", **checks}, status=status)


def _broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as error:
        return f"error: {type(error).__name__}"


@login_required
@require_POST
def readiness_notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The user opens a notice of a lost readiness: it leaves the home page."""
    notice = selectors.notice_get_for_user(user=request.user, pk=pk)
    services.notice_open(actor=request.user, notice=notice)
    return redirect("school_detail", pk=notice.change.school_id)


@login_required
@require_http_methods(["GET", "POST"])
def readiness_policy(request: HttpRequest) -> HttpResponse:
    """The city bureau decides which criteria count for readiness, and the targets."""
    require_right(request.user, Right.READINESS_POLICY)
    form = PolicyForm(*posted(request), policy=criteria.policy_current())
    if form.is_valid():
        services.readiness_policy_save(actor=request.user, **form.policy_data())
        messages.success(request, _("Saved; every school is being judged again."))
        return redirect("readiness_policy")
    return render(
        request,
        "readiness/policy.html",
        {"form": form, "versions": selectors.policy_versions(user=request.user)[:20]},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def readiness_recompute(request: HttpRequest) -> HttpResponse:
    """Every school judged again now, on the city bureau's demand."""
    services.readiness_recompute_request(actor=request.user)
    messages.success(request, _("Every school is being judged again."))
    return redirect("readiness_policy")


@login_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """The day's figures with their change and trend, for the city, one of its
    counties (?county=), or the user's county; and for the city, the counties ranked.

    Everything on it is read from frozen reports, so its body is rendered once per
    report, thresholds and view of it, and kept in the cache: the key holds the
    latest report's build and the thresholds' version, which a new report, a
    rebuild or new thresholds change."""
    period = request.GET.get("days", "14")
    period = period if period in dashboard.PERIODS else "14"
    whole = selectors.reads_whole_reports(user=request.user)
    county = request.GET.get("county") if whole else None
    counties = dict(selectors.county_list(user=request.user).values_list("code", "name"))
    if county is not None and county not in counties:
        raise Http404
    view = {
        "period": period,
        "county": county if whole else selectors.own_county_code(user=request.user),
        "sort": request.GET.get("sort", ""),
        "dir": request.GET.get("dir", ""),
        "map": request.GET.get("map", ""),
        "targets": has_right(request.user, Right.DISPATCH_BUILD),
        "language": get_language(),
        "home": request.user.county_id,  # named in the heading
    }
    key = dashboard.body_key(user=request.user, view=view)
    body = cache.get(key) if key else None
    if body is None:
        body = _dashboard_body(request, period=period, county=county, whole=whole,
                               county_name=counties.get(view["county"], ""))  # fmt: skip
        if key:
            cache.set(key, body, dashboard.BODY_SECONDS)
    # Rendered by this view from frozen figures, escaped then; kept as it was made.
    return render(request, "readiness/dashboard.html", {"body": mark_safe(body)})


def _dashboard_body(request: HttpRequest, *, period, county, whole, county_name) -> str:
    tiles, latest = dashboard.tiles(user=request.user, period=period, county=county)
    sort = request.GET.get("sort", "")
    table = (
        dashboard.latest_table(latest, sort=sort, descending=request.GET.get("dir") != "asc")
        if latest and whole and county is None
        else []
    )
    measures = [m for _key, m in dashboard.measures()]
    shown_on_map = request.GET.get("map", "")
    if shown_on_map not in {m.key for m in measures}:
        shown_on_map = measures[0].key if measures else ""
    tile_map = dashboard.tile_map(table, shown_on_map) if table else []
    return render_to_string(
        "readiness/_dashboard_body.html",
        {
            "tiles": tiles,
            "latest": latest,
            "period": period,
            "periods": list(dashboard.PERIODS),
            "county": county,
            "county_name": county_name,
            "table": table,
            "measures": measures,
            "sort": sort,
            "tile_map": tile_map,
            "shown_on_map": shown_on_map,
            "can_set_targets": has_right(request.user, Right.DISPATCH_BUILD),
        },
        request=request,
    )


@login_required
@require_http_methods(["GET", "POST"])
def city_settings_page(request: HttpRequest) -> HttpResponse:
    """One page for what the city bureau sets: its own settings as versions, and
    where the dashboard's and readiness's targets are set."""
    require_right(request.user, Right.CITY_SETTINGS)
    form = CitySettingsForm(*posted(request)[:1], current=city_settings.current())
    if form.is_valid():
        try:
            city_settings.city_settings_save(
                actor=request.user, values=form.values(), note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The settings are saved: they apply from now on."))
            return redirect("city_settings")
    context = {
        "form": form,
        "history": city_settings.versions(),
        "stale_days": dashboard.stale_days(),
        "policy": criteria.policy_current().row,
    }
    return render(
        request, "readiness/city_settings.html", context, status=400 if form.is_bound else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def dashboard_targets(request: HttpRequest) -> HttpResponse:
    """The city bureau sets the green and amber thresholds of the county table."""
    require_right(request.user, Right.DISPATCH_BUILD)
    form = TargetsForm(
        *posted(request),
        measures=dashboard.measures(),
        current=dashboard.thresholds(),
        stale_days=dashboard.stale_days(),
    )
    if form.is_valid():
        services.dashboard_targets_save(
            actor=request.user,
            thresholds=form.thresholds(),
            stale_days=form.cleaned_data["stale_days"],
        )
        messages.success(request, _("Saved."))
        return redirect("dashboard")
    return render(
        request,
        "readiness/dashboard_targets.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
