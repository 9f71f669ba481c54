"""Pages of the screening ledger (一人一档): list, coverage, abroad, import."""

from __future__ import annotations

import tablib
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from readiness.access import has_right, require_right
from readiness.forms import posted
from readiness.jinja_env import draw
from readiness.jobs import job_not_queued, job_status
from readiness.pagination import CountedPaginator
from readiness.spreadsheets import CONTENT_TYPES, spreadsheet_response, template_response
from readiness.tasks import enqueue

from . import idcard, selectors, services, tasks
from .access import Right
from .filters import PersonFilter
from .forms import PersonImportForm
from .importer import COLUMNS, TEMPLATE_EXAMPLE
from .models import Person, PersonImport
from .throttles import PersonSearchThrottle

PAGE_SIZE = 50


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    people = selectors.person_filter(request=request)
    if people.is_valid() and not PersonSearchThrottle().allow_request(request, None):
        people.form.add_error("q", _("Too many searches in a short time; wait a minute."))
        return _ledger_page(request, people, status=429)
    if people.is_valid() and request.GET.get("format") == "xlsx":
        require_right(request.user, Right.PERSON_EXPORT)
        return _export(request, people.qs)
    return _ledger_page(request, people, status=200 if people.is_valid() else 400)


def _ledger_page(request: HttpRequest, people: PersonFilter, *, status: int) -> HttpResponse:
    found = people.qs if status == 200 else Person.objects.none()
    query = request.GET.copy()
    query.pop("page", None)
    count = selectors.person_count(user=request.user, people=people) if status == 200 else 0
    page = CountedPaginator(found, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    full_id = has_right(request.user, Right.PERSON_FULL_ID)
    if full_id and page.object_list:
        services.person_read_audit(
            actor=request.user, ids=[p.pk for p in page], params=request.GET
        )
    context = {
        "filter": people,
        "page": page,
        "query": query.urlencode(),
        "full_id": full_id,
        "can_export": has_right(request.user, Right.PERSON_EXPORT),
    }
    return render(request, "people/ledger.html", context, status=status)


def _export(request: HttpRequest, people) -> HttpResponse:
    """The filtered ledger as xlsx.

    Headers and values are those of the import template, so that a county can
    correct an export and import it back. Without the right to see numbers whole,
    numbers are masked and sex and birth date give way to an age band: together
    with a masked number they would give the number back."""
    full = has_right(request.user, Right.PERSON_FULL_ID)
    services.person_export_audit(actor=request.user, whole_numbers=full, params=request.GET)
    today = timezone.localdate()
    extra = ["性别", "出生日期"] if full else ["年龄段"]
    dataset = tablib.Dataset(headers=[zh for zh, _en in COLUMNS.values()] + extra)
    for p in people.iterator(chunk_size=5000):
        dataset.append([
            p.school.code, p.get_kind_display(), p.name,
            p.id_number if full else idcard.mask(p.id_number), p.grade, p.class_name,
            p.get_study_mode_display(), p.get_origin_display(), p.get_whereabouts_display(),
            "是" if p.returned else "否", p.returned_on or "", p.get_health_display(),
            p.screened_on or "", p.note,
            *([p.get_gender_display(), p.birth_date] if full else [idcard.age_band(p.birth_date, today=today)]),
        ])  # fmt: skip
    return spreadsheet_response(dataset, "xlsx", "people")


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Coverage per county (the city) or per school (a county: several hundred
    schools, so paged), with the total above the rows."""
    rows = selectors.coverage(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    total = selectors.coverage_total(rows, name=_("Total"))
    # The rows, most of the page, are drawn by Jinja2.
    rows_drawn = draw("people/_coverage_rows.html", {"total": total, "rows": page})
    return render(
        request,
        "people/coverage.html",
        {"rows": page, "total": total, "coverage_rows": rows_drawn, "page": page, "query": ""},
    )


@login_required
@require_GET
def abroad(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.abroad_not_returned(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "people/abroad.html",
        {"page": page, "query": "", "full_id": has_right(request.user, Right.PERSON_FULL_ID)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.PERSON_IMPORT)
    form = PersonImportForm(*posted(request))
    if form.is_valid():
        try:
            job = services.person_import_start(
                actor=request.user,
                upload=form.cleaned_data["file"],
                upsert=form.cleaned_data["upsert"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not enqueue(tasks.person_import_run, job.pk):
                job_not_queued(model=PersonImport, pk=job.pk)
            return redirect("people_import_status", pk=job.pk)
    jobs = selectors.person_import_list(user=request.user)[:10]
    return render(request, "people/import.html", {"form": form, "jobs": jobs})


@login_required
@require_GET
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.person_import_get_for_user(user=request.user, pk=pk)
    report = reverse("people_import_report", args=[job.pk]) if job.error_report else ""
    extra = {"written": job.rows_written, "errors": job.error_count, "report": report}
    return job_status(request, job, template="people/import_status.html", extra=extra)


@login_required
@require_GET
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.person_import_get_for_user(user=request.user, pk=pk)
    if not job.error_report:
        return redirect("people_import_status", pk=pk)
    return FileResponse(
        job.error_report.open("rb"),
        content_type=CONTENT_TYPES["csv"],
        as_attachment=True,
        filename=f"errors-{job.pk}.csv",
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.PERSON_IMPORT)
    headers = [zh for zh, _en in COLUMNS.values()]
    return template_response(
        stem="people-template",
        sheet="人员档案",
        headers=headers,
        example=[TEMPLATE_EXAMPLE.get(key, "") for key in COLUMNS],
        text_columns=[COLUMNS[key][0] for key in ("school_code", "id_number")],
        example_sheet="填写示例",
    )
