"""Pages of the daily health checks (晨午检): the day of a city, a county or a school,
and a school's session entered on one screen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readiness.access import scope_of
from readiness.models import County

from . import selectors, services
from .access import may_enter_for
from .forms import COUNT_FIELDS, DayForm, SessionForm
from .models import Session


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
    return render(
        request,
        "people/health/day.html",
        {
            "form": form,
            "on_date": on_date,
            "rows": rows,
            "by_county": scope.is_city and county is None,
            "county": county,
            "sessions": [Session.MORNING, Session.NOON],
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
            "may_enter": may_enter_for(request.user, school),
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
    form = DayForm(request.POST)
    on_date = form.day()
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
