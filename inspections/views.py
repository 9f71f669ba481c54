"""Pages of inspections: a form parses, access authorizes, a service writes or a selector
reads, then render.

A refused form shows its page again, bound, with the errors beside the fields; an
error of the service joins the form's errors above them.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readiness import selectors as school_selectors
from readiness.jobs import job_not_queued, job_status
from readiness.naming import natural_key
from readiness.pwa import offline_urls
from readiness.references import citing
from readiness.spreadsheets import spreadsheet_response
from readiness.tasks import enqueue
from readiness.uploads import upload_response

from . import forms, selectors, services, tasks
from .access import is_member, may_report, require_member, require_reporter
from .exports import findings_dataset
from .models import Aspect, Finding, KeyArea, NoticeArchive, Visit

PAGE_SIZE = 50
DRAW_KEY = "inspections-draw"  # the latest proposal of a draw, in the session


def back_to(name: str) -> Callable:
    """For a view whose refused form shows page ``name`` again: a GET of its own URL
    (a pagination or language link followed from that page) goes back to ``name``."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "GET":
                query = request.GET.urlencode()
                url = reverse(name, args=args, kwargs=kwargs)
                return redirect(f"{url}?{query}" if query else url)
            return view(request, *args, **kwargs)

        return require_http_methods(["GET", "POST"])(wrapper)

    return decorate


# --- visits: planning ----------------------------------------------------------------


def _visit_list_page(
    request: HttpRequest,
    *,
    plan_form: forms.VisitPlanForm | None = None,
    draw_form: forms.VisitDrawForm | None = None,
    proposal: dict | None = None,
) -> HttpResponse:
    user = request.user
    visits = selectors.visit_list(user=user).order_by("-planned_on", "-pk")
    context = {
        "page": Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page")),
        "squads": sorted(selectors.squad_list(user=user), key=lambda s: natural_key(s.name)),
        "plan_form": plan_form or forms.VisitPlanForm(user=user),
        "draw_form": draw_form or forms.VisitDrawForm(user=user),
        "proposal": proposal,
        "query": "",
    }
    return render(request, "inspections/visit_list.html", context)


@login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    return _visit_list_page(request)


@login_required
@back_to("visit_list")
def visit_plan(request: HttpRequest) -> HttpResponse:
    """Plans visits of the schools whose codes were typed."""
    form = forms.VisitPlanForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visits = services.visit_plan(
                actor=request.user,
                squad=data["squad"],
                schools=data["codes"],
                planned_on=data["planned_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(n)d visits planned.") % {"n": len(visits)})
            return redirect("visit_list")
    return _visit_list_page(request, plan_form=form)


@login_required
@back_to("visit_list")
def visit_draw(request: HttpRequest) -> HttpResponse:
    """Draws schools at random, weighted by risk and past findings, and shows the
    proposal with its weights; nothing is planned until the squad confirms it."""
    form = forms.VisitDrawForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.visit_draw_propose(
                actor=request.user,
                squad=data["squad"],
                count=data["count"],
                skip_days=data["skip_days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            token = secrets.token_urlsafe(12)
            request.session[DRAW_KEY] = {
                "token": token,
                "squad": data["squad"].pk,
                "planned_on": data["planned_on"].isoformat(),
                "schools": [school.pk for school, _weight in proposal],
            }
            drawn = {"token": token, "rows": proposal, "squad": data["squad"], **data}
            return _visit_list_page(request, draw_form=form, proposal=drawn)
    return _visit_list_page(request, draw_form=form)


@login_required
@require_POST
def visit_draw_confirm(request: HttpRequest) -> HttpResponse:
    """Plans the proposal the squad saw: the one kept in the session, not one posted."""
    kept = request.session.get(DRAW_KEY)
    if not kept or kept["token"] != request.POST.get("token"):
        messages.error(request, _("This draw is no longer the latest one: draw again."))
        return redirect("visit_list")
    squad = get_object_or_404(selectors.squad_list(user=request.user), pk=kept["squad"])
    schools = list(
        school_selectors.school_list(user=request.user)
        .filter(pk__in=kept["schools"])
        .order_by("code")
    )
    try:
        visits = services.visit_draw_confirm(
            actor=request.user,
            squad=squad,
            schools=schools,
            planned_on=dt.date.fromisoformat(kept["planned_on"]),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("visit_list")
    del request.session[DRAW_KEY]
    messages.success(request, _("%(n)d visits planned.") % {"n": len(visits)})
    return redirect("visit_list")


# --- visits: on site -----------------------------------------------------------------


def _places(request: HttpRequest) -> tuple[list[KeyArea], list[Aspect]]:
    """The key areas and the aspects, read once for the forms of a page."""
    user = request.user
    return list(selectors.key_area_list(user=user)), list(selectors.aspect_list(user=user))


def _record_form(
    request: HttpRequest, visit: Visit, data=None, *, places: tuple | None = None
) -> forms.VisitRecordForm:
    user = request.user
    areas, aspects = places or _places(request)
    return forms.VisitRecordForm(
        data,
        visit=visit,
        members=selectors.squad_member_list(user=user, squad=visit.squad),
        areas=areas,
        aspects=aspects,
        checks=selectors.visit_check_list(user=user, visit=visit),
        present=selectors.visit_present_list(user=user, visit=visit),
    )


def _finding_form(
    request: HttpRequest, data=None, files=None, *, places: tuple | None = None
) -> forms.FindingForm:
    areas, aspects = places or _places(request)
    return forms.FindingForm(data, files, areas=areas, aspects=aspects, user=request.user)


def _notice_form(request: HttpRequest, visit: Visit, data=None) -> forms.NoticeIssueForm:
    user = request.user
    return forms.NoticeIssueForm(
        data,
        findings=selectors.visit_finding_list(user=user, visit=visit),
        notices=selectors.notice_in_force_list(user=user, visit=visit),
    )


def _visit_page(request: HttpRequest, visit: Visit, **bound: Form) -> HttpResponse:
    """The visit page; ``bound`` holds a refused form to show again in place of a new one."""
    user = request.user
    member = is_member(user, visit.squad)
    context = {
        "visit": visit,
        "member": member,
        "findings": selectors.visit_finding_list(user=user, visit=visit),
        "notices": selectors.visit_notice_list(user=user, visit=visit),
    }
    if member:  # only the squad records, adds findings and issues notices
        places = _places(request)
        context["record_form"] = bound.get("record_form") or _record_form(
            request, visit, places=places
        )
        context["finding_form"] = bound.get("finding_form") or _finding_form(
            request, places=places
        )
        context["notice_form"] = bound.get("notice_form") or _notice_form(request, visit)
        # Places by field name, for the record and the findings made offline.
        context["place_codes"] = context["record_form"].place_codes()
        if visit.status == Visit.Status.PLANNED:
            # What an inspector takes offline: the planned visit and the school's card.
            context["offline_urls"] = offline_urls(user, visit.get_absolute_url(), visit.school)
    return render(request, "inspections/visit_detail.html", context)


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_page(request, selectors.visit_get_for_user(user=request.user, pk=pk))


@login_required
@back_to("visit_detail")
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    require_member(request.user, visit.squad)
    form = _record_form(request, visit, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_record(
                actor=request.user,
                visit=visit,
                visited_at=data["visited_at"],
                present=data["present"],
                checks=form.checks(),
                summary=data["summary"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect(visit)
    return _visit_page(request, visit, record_form=form)


@login_required
@back_to("visit_detail")
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    require_member(request.user, visit.squad)
    form = _finding_form(request, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_add(
                actor=request.user,
                visit=visit,
                description=data["description"],
                severity=data["severity"],
                requirement=data["requirement"],
                key_area=form.key_area,
                aspect=form.aspect,
                deadline=data["deadline"],
                photos=data["photos"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Finding recorded."))
            return redirect(visit)
    return _visit_page(request, visit, finding_form=form)


@login_required
@back_to("visit_detail")
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    require_member(request.user, visit.squad)
    form = _notice_form(request, visit, request.POST)
    if form.is_valid():
        try:
            notice = services.notice_issue(
                actor=request.user,
                visit=visit,
                finding_ids=[finding.pk for finding in form.cleaned_data["finding"]],
                corrects=form.cleaned_data["corrects"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Notice %(title)s issued.") % {"title": notice.title})
            return redirect(notice)
    return _visit_page(request, visit, notice_form=form)


# --- notices -------------------------------------------------------------------------


def _notice_list_page(
    request: HttpRequest, form: forms.NoticeArchiveForm | None = None
) -> HttpResponse:
    notices = selectors.notice_list(user=request.user)
    context = {
        "page": Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page")),
        "form": form or forms.NoticeArchiveForm(user=request.user),
        "query": "",
    }
    return render(request, "inspections/notice_list.html", context)


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    return _notice_list_page(request)


@login_required
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "inspections/notice_detail.html",
        {
            "notice": notice,
            "findings": selectors.notice_finding_list(user=request.user, notice=notice),
            "superseded_by": getattr(notice, "superseded_by", None),
        },
    )


@login_required
@require_GET
def notice_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Where the code printed on a notice leads."""
    return redirect(selectors.notice_by_code(user=request.user, code=code).get_absolute_url())


@login_required
@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The stored PDF, exactly as issued; its SHA-256 travels in a header."""
    notice = selectors.notice_get_for_user(user=request.user, pk=pk)
    name = f"notice-{notice.year}-{notice.number:03d}-v{notice.version}.pdf"
    response = FileResponse(
        notice.pdf.open("rb"), content_type="application/pdf", as_attachment=True, filename=name
    )
    response["X-Content-SHA256"] = notice.sha256
    return response


@login_required
@back_to("notice_list")
def archive_create(request: HttpRequest) -> HttpResponse:
    form = forms.NoticeArchiveForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            archive = services.notice_archive_create(
                actor=request.user, notices=form.cleaned_data["notice"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not enqueue(tasks.notices_zip_build, archive.pk):
                job_not_queued(model=NoticeArchive, pk=archive.pk)
            return redirect("archive_detail", pk=archive.pk)
    return _notice_list_page(request, form)


@login_required
@require_GET
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    archive = selectors.notice_archive_job_for_user(user=request.user, pk=pk)
    download = reverse("archive_download", args=[archive.pk]) if archive.status == "done" else ""
    extra = {"download": download, "total": len(archive.notice_ids)}
    return job_status(request, archive, template="inspections/archive.html", extra=extra)


@login_required
@require_GET
def archive_download(request: HttpRequest, pk: int) -> FileResponse:
    archive = selectors.notice_archive_get_for_user(user=request.user, pk=pk)
    return FileResponse(
        archive.file.open("rb"),
        content_type="application/zip",
        as_attachment=True,
        filename=f"notices-{archive.pk}.zip",
    )


# --- findings and the rectification loop ---------------------------------------------


@login_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponse:
    finding_filter = selectors.finding_filter(user=request.user, params=request.GET)
    if request.GET.get("format") == "xlsx":
        return spreadsheet_response(findings_dataset(finding_filter.qs), "xlsx", "findings")
    # The page names each finding's school and place: the export's other joins
    # (county, visit, squad) cost more to plan than the rows cost to read.
    shown = finding_filter.qs.select_related(None).select_related("school", "key_area", "aspect")
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/finding_list.html",
        {
            "filter": finding_filter,
            "page": page,
            "query": query.urlencode(),
            "reviews": selectors.reports_to_review(user=request.user)[:50],
        },
    )


def _finding_page(
    request: HttpRequest,
    finding: Finding,
    *,
    report_form: forms.ReportForm | None = None,
    decision_form: forms.ReportDecisionForm | None = None,
) -> HttpResponse:
    """The finding page; a refused report or decision is shown again in its place."""
    user = request.user
    context = {
        "finding": finding,
        "reports": selectors.finding_report_list(user=user, finding=finding),
        "photos": selectors.finding_photo_list(user=user, finding=finding),
        "member": is_member(user, finding.visit.squad),
        "is_school": may_report(user, finding),
        "history": selectors.finding_history(user=user, finding=finding),
        "report_form": report_form or forms.ReportForm(),
        "decision_form": decision_form,
        "citations": citing("finding", finding.pk, user=user),
    }
    return render(request, "inspections/finding_detail.html", context)


@login_required
@require_GET
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _finding_page(request, selectors.finding_get_for_user(user=request.user, pk=pk))


@login_required
@back_to("finding_detail")
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)
    require_reporter(request.user, finding)
    form = forms.ReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.report_submit(
                actor=request.user, finding=finding, text=data["text"], files=data["files"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Rectification reported."))
            return redirect("finding_detail", pk=finding.pk)
    return _finding_page(request, finding, report_form=form)


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    require_member(request.user, report.finding.visit.squad)
    form = forms.ReportDecisionForm(request.POST, report=report)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == form.ACCEPT:
                services.report_accept(actor=request.user, report=report)
                done = _("Accepted: the finding is closed.")
            else:
                reason = form.cleaned_data["reason"]
                services.report_reject(actor=request.user, report=report, reason=reason)
                done = _("Rejected: the finding is open again.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("finding_detail", pk=report.finding_id)
    finding = selectors.finding_get_for_user(user=request.user, pk=report.finding_id)
    return _finding_page(request, finding, decision_form=form)


@login_required
@require_GET
def photo_file(request: HttpRequest, kind: str, pk: int, small: bool = False) -> FileResponse:
    """Photos of findings and evidence of reports (or their thumbnails), only to those
    who see the finding."""
    getters = {
        "finding": selectors.finding_photo_get_for_user,
        "report": selectors.report_evidence_get_for_user,
    }
    if kind not in getters:
        raise Http404
    piece = getters[kind](user=request.user, pk=pk)
    return upload_response(piece, small=small)
