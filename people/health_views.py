"""Pages of the daily health checks (晨午检): the day of a city, a county or a school,
and a school's session entered on one screen."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readiness.access import has_right, require_right, scope_of
from readiness.dashboard import trend_svg
from readiness.forms import posted
from readiness.jobs import job_not_queued, job_status
from readiness.models import County
from readiness.spreadsheets import template_response
from readiness.tasks import enqueue

from . import health_import as health_import_columns
from . import selectors, services, tasks
from .access import Right, may_enter_for
from .forms import (
    COUNT_FIELDS,
    AlertCloseForm,
    AlertFilterForm,
    CaseCloseForm,
    CaseForm,
    ClassForm,
    DayForm,
    HealthImportForm,
    NothingForm,
    SessionForm,
)
from .models import HealthAlert, HealthCheckImport, IllnessCase, Session, session_begun

PAGE_SIZE = 50


def _day_url(school, on_date) -> str:
    return f"{reverse('health_school_day', args=[school.pk])}?date={on_date.isoformat()}"


@login_required
@require_GET
def health_day(request: HttpRequest) -> HttpResponse:
    """The day of the user's county or of the city; a school goes to its own day."""
    scope = scope_of(request.user)
    if scope.level == "school":
        return redirect(
            f"{reverse('health_school_day', args=[scope.school_id])}?{request.GET.urlencode()}"
        )
    form = DayForm(request.GET)
    on_date = form.day()
    county = None
    if scope.is_city and request.GET.get("county"):
        county = (
            County.objects.filter(pk=request.GET["county"]).first()
            if request.GET["county"].isdigit()
            else None
        )
        if county is None:
            raise Http404
    rows = selectors.health_day(user=request.user, on_date=on_date, county=county)
    total = selectors.day_total(rows, name=_("Total"))
    by_county = scope.is_city and county is None
    page = None
    if not by_county:
        # A county's several hundred schools, a page at a time: the schools that
        # have not reported the morning check come first once it has begun.
        if session_begun(on_date, Session.MORNING):
            rows.sort(key=lambda row: not row.silent)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page.object_list
    where = scope.school_q() & (Q(county=county) if county else Q())
    return render(
        request,
        "people/health/day.html",
        {
            "form": form,
            "on_date": on_date,
            "rows": rows,
            "total": total,
            "page": page,
            "query": urlencode(
                {"date": on_date.isoformat(), **({"county": county.pk} if county else {})}
            ),
            "by_county": by_county,
            "trend": trend_svg(selectors.illness_trend(schools=where, on_date=on_date)),
            "county": county,
            "sessions": [Session.MORNING, Session.NOON],
            "begun": {s: session_begun(on_date, s) for s in (Session.MORNING, Session.NOON)},
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
@require_GET
def school_day(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.health_school_get(user=request.user, pk=pk)
    form = DayForm(request.GET)
    day = selectors.school_day(school=school, on_date=form.day())
    return render(
        request,
        "people/health/school_day.html",
        {
            "form": form,
            "day": day,
            "sessions_labels": [(s, Session(s).label) for s in day.sessions],
            "cases": selectors.case_list(user=request.user).filter(
                school=school, status=IllnessCase.Status.OPEN
            ),
            "may_enter": may_enter_for(request.user, school),
            "trend": trend_svg(
                selectors.illness_trend(schools=Q(pk=school.pk), on_date=day.on_date)
            ),
        },
        status=200 if form.is_valid() else 400,
    )


def _enterable(request: HttpRequest, pk: int, session: str):
    school = selectors.health_school_get(user=request.user, pk=pk)
    if not may_enter_for(request.user, school):
        raise PermissionDenied
    if session not in Session.values:
        raise Http404
    classes = selectors.class_list(school=school)
    if session == Session.EVENING:
        classes = [c for c in classes if c.boarding]
    return school, classes


@login_required
@require_http_methods(["GET", "POST"])
def session_enter(request: HttpRequest, pk: int, session: str) -> HttpResponse:
    """A school's session on one screen: every class with its enrolled count, only
    the exceptions typed; what was entered before fills the fields."""
    school, classes = _enterable(request, pk, session)
    if request.method == "POST":
        form = SessionForm(request.POST, classes=classes)
        if form.is_valid():
            try:
                services.session_submit(
                    actor=request.user,
                    school=school,
                    on_date=form.cleaned_data["date"],
                    session=session,
                    counts=form.counts(),
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("The %(session)s of %(date)s is entered.")
                    % {
                        "session": Session(session).label,
                        "date": date_format(form.cleaned_data["date"], "SHORT_DATE_FORMAT"),
                    },
                )
                return redirect(_day_url(school, form.cleaned_data["date"]))
        status = 400
    else:
        on_date = DayForm(request.GET).day()
        day = selectors.school_day(school=school, on_date=on_date)
        initial = {"date": on_date}
        for row in day.rows:
            check = row.checks.get(session)
            if check is not None:
                for name in COUNT_FIELDS:
                    if value := getattr(check, name):
                        initial[f"c{row.school_class.pk}-{name}"] = value
        form = SessionForm(initial=initial, classes=classes)
        status = 200
    return render(
        request,
        "people/health/enter.html",
        {"form": form, "school": school, "session": Session(session)},
        status=status,
    )


@login_required
@require_POST
def nothing_to_report(request: HttpRequest, pk: int, session: str) -> HttpResponse:
    """零报告: the whole session entered in one step, every class present."""
    school, _classes = _enterable(request, pk, session)
    form = NothingForm(request.POST)
    if not form.is_valid():  # a day that is no date: nothing is written
        messages.error(request, " ".join(form.errors["date"]))
        return redirect("health_school_day", pk=school.pk)
    on_date = form.cleaned_data["date"]
    try:
        services.session_submit(
            actor=request.user,
            school=school,
            on_date=on_date,
            session=session,
            nothing_to_report=True,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Nothing to report for the %(session)s of %(date)s: entered.")
            % {
                "session": Session(session).label,
                "date": date_format(on_date, "SHORT_DATE_FORMAT"),
            },
        )
    return redirect(_day_url(school, on_date))


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """The alerts of the user's schools, those still to follow first."""
    require_right(request.user, Right.HEALTH_VIEW)
    form = AlertFilterForm(request.GET)
    alerts = selectors.alert_list(user=request.user)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    alerts = (
        alerts.filter(status=status)
        if status
        else alerts.exclude(status=HealthAlert.Status.CLOSED)
    )
    page = Paginator(alerts.order_by("-on_date", "-raised_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "people/health/alerts.html",
        {
            "form": form,
            "page": page,
            "may_follow": has_right(request.user, Right.HEALTH_ALERT),
            "query": f"status={status}" if status else "",
            "close_form": AlertCloseForm(),
        },
    )


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get_for_user(user=request.user, pk=pk)
    try:
        services.alert_acknowledge(actor=request.user, alert=alert)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The alert is acknowledged."))
    return redirect(f"{reverse('health_alerts')}#alert-{alert.pk}")


@login_required
@require_POST
def alert_close(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get_for_user(user=request.user, pk=pk)
    if not may_enter_for(request.user, alert.school, Right.HEALTH_ALERT):
        raise PermissionDenied  # before the form: a refused right says nothing of the input
    form = AlertCloseForm(request.POST)
    if form.is_valid():
        try:
            services.alert_close(
                actor=request.user, alert=alert, action=form.cleaned_data["action"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The alert is closed."))
            return redirect(f"{reverse('health_alerts')}#alert-{alert.pk}")
    # Refused: the alert alone, with what was typed and why it was refused.
    return render(
        request,
        "people/health/alert_close.html",
        {"alert": alert, "form": form},
        status=400,
    )


# --- illness cases -------------------------------------------------------------------


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases of the user's schools, those still followed first."""
    require_right(request.user, Right.HEALTH_VIEW)
    cases = selectors.case_list(user=request.user).order_by("status", "-onset_on", "-pk")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/health/cases.html", {"page": page, "query": ""})


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Records a case of the school: the person picked from its files (searched by
    name in a large school), masked."""
    school = selectors.health_school_get(user=request.user, pk=pk)
    if not may_enter_for(request.user, school):
        raise PermissionDenied
    name = request.GET.get("name", "")
    persons = selectors.case_persons(school=school, name=name)
    if request.method == "POST":
        # The person chosen stays offered even when the search no longer finds them.
        chosen = request.POST.get("person", "")
        if chosen.isdigit() and all(p.pk != int(chosen) for p in persons):
            persons += selectors.case_persons(school=school, pk=int(chosen))
        form = CaseForm(request.POST, persons=persons)
        if form.is_valid():
            try:
                case = services.case_open(
                    actor=request.user, school=school, data=form.case_input()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The case is recorded; follow it until it closes."))
                return redirect("health_case", pk=case.pk)
        status = 400
    else:
        form = CaseForm(initial={"onset_on": timezone.localdate()}, persons=persons)
        status = 200
    return render(
        request,
        "people/health/case_new.html",
        {"form": form, "school": school, "name": name, "offered": len(persons)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A case as it is followed: what is learned is saved; closed with the return."""
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    may_follow = may_enter_for(request.user, case.school)
    persons = [case.person]
    form = CaseForm(
        initial={
            "person": case.person_id, "symptoms": case.symptoms, "onset_on": case.onset_on,
            "saw_doctor": case.saw_doctor, "diagnosis": case.diagnosis,
            "isolation": case.isolation,
        },
        persons=persons,
    )  # fmt: skip
    close_form = CaseCloseForm(initial={"return_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if not may_follow:
            raise PermissionDenied
        if "close" in request.POST:
            close_form = CaseCloseForm(request.POST)
            if close_form.is_valid():
                try:
                    services.case_close(actor=request.user, case=case, **close_form.cleaned_data)
                except ValidationError as error:
                    close_form.add_error(None, error)
                else:
                    messages.success(request, _("The case is closed."))
                    return redirect("health_case", pk=case.pk)
        else:
            form = CaseForm(request.POST, persons=persons)
            if form.is_valid():
                try:
                    services.case_update(actor=request.user, case=case, data=form.case_input())
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("The case is saved."))
                    return redirect("health_case", pk=case.pk)
        status = 400
    history = case.history.select_related("history_user").order_by("history_date")
    return render(
        request,
        "people/health/case.html",
        {
            "case": case, "form": form, "close_form": close_form,
            "may_follow": may_follow and case.status == "open", "history": history,
        },
        status=status,
    )  # fmt: skip


# --- classes -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def class_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The school's classes, a class added, and the classes counted from its files."""
    school = selectors.health_school_get(user=request.user, pk=pk)
    may_manage = may_enter_for(request.user, school, Right.CLASS_MANAGE)
    form = ClassForm(initial={"active": True})
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if "from_files" in request.POST:
            added, updated = services.classes_from_files(actor=request.user, school=school)
            messages.success(
                request,
                _(
                    "From the person files: %(added)d classes added, %(updated)d brought up to date."
                )
                % {"added": added, "updated": updated},
            )
            return redirect("health_classes", pk=school.pk)
        form = ClassForm(request.POST)
        if form.is_valid():
            try:
                services.class_save(actor=request.user, school=school, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The class is added."))
                return redirect("health_classes", pk=school.pk)
        status = 400
    return render(
        request,
        "people/health/classes.html",
        {
            "school": school,
            "classes": selectors.class_list(school=school, active_only=False),
            "form": form,
            "may_manage": may_manage,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = selectors.class_get_for_user(user=request.user, pk=pk)
    school = school_class.school
    if not may_enter_for(request.user, school, Right.CLASS_MANAGE):
        raise PermissionDenied
    form = ClassForm(
        request.POST or None,
        initial={f: getattr(school_class, f) for f in ClassForm.base_fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.class_save(
                actor=request.user, school=school, school_class=school_class, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The class is saved."))
            return redirect("health_classes", pk=school.pk)
    return render(
        request,
        "people/health/class_edit.html",
        {"school_class": school_class, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- a day's checks from a spreadsheet ----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def health_import(request: HttpRequest, kind: str = HealthCheckImport.Kind.CHECKS) -> HttpResponse:
    """A spreadsheet of sessions (or of classes), checked before anything is written."""
    classes = kind == HealthCheckImport.Kind.CLASSES
    require_right(request.user, Right.CLASS_MANAGE if classes else Right.HEALTH_ENTER)
    form = HealthImportForm(*posted(request))
    if form.is_valid():
        try:
            job = services.health_import_start(
                actor=request.user, upload=form.cleaned_data["file"], kind=kind
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not enqueue(tasks.health_import_run, job.pk):
                job_not_queued(model=HealthCheckImport, pk=job.pk)
            return redirect("health_import_status", pk=job.pk)
    return render(request, "people/health/import.html", {"form": form, "classes": classes})


@login_required
@require_GET
def health_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.health_import_get_for_user(user=request.user, pk=pk)
    links = {
        "status_url": reverse("health_import_status", args=[job.pk]),
        "confirm_url": reverse("health_import_confirm", args=[job.pk]),
        "again_url": reverse(
            "health_class_import"
            if job.kind == HealthCheckImport.Kind.CLASSES
            else "health_import"
        ),
    }
    return job_status(
        request, job, template="people/health/import_status.html",
        extra={"stage": job.stage}, context=links,
    )  # fmt: skip


@login_required
@require_POST
def health_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.health_import_get_for_user(user=request.user, pk=pk)
    try:
        services.health_import_confirm(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if not enqueue(tasks.health_import_run, job.pk):
            job_not_queued(model=HealthCheckImport, pk=job.pk)
    return redirect("health_import_status", pk=job.pk)


@login_required
@require_GET
def health_import_template(
    request: HttpRequest, kind: str = HealthCheckImport.Kind.CHECKS
) -> HttpResponse:
    """The file to fill, headers in the user's language, with one example row."""
    classes = kind == HealthCheckImport.Kind.CLASSES
    require_right(request.user, Right.CLASS_MANAGE if classes else Right.HEALTH_ENTER)
    columns = health_import_columns.CLASS_COLUMNS if classes else health_import_columns.COLUMNS
    headers = [str(labels[0]) for labels in columns.values()]
    return template_response(
        stem="classes-template" if classes else "health-checks-template",
        sheet=_("Classes") if classes else _("Health checks"),
        headers=headers,
        example=(
            health_import_columns.CLASS_EXAMPLE if classes else health_import_columns.EXAMPLE
        ),
        text_columns=[headers[0]],  # the school code
        example_sheet=_("Example"),
    )
