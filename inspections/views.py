"""Pages of inspections: parse, fetch through a selector, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from readiness import selectors as school_selectors
from readiness.http import form_date, form_ids, form_int
from readiness.models import User
from readiness.spreadsheets import spreadsheet_response
from readiness.tasks import enqueue

from . import selectors, services, tasks
from .access import is_member, squads_of
from .exports import findings_dataset
from .models import (
    Aspect,
    FindingPhoto,
    KeyArea,
    NoticeArchive,
    RectificationReport,
    ReportEvidence,
    VisitCheck,
)

PAGE_SIZE = 50


def _fail(request: HttpRequest, error: ValidationError, to: str) -> HttpResponse:
    messages.error(request, " ".join(error.messages))
    return redirect(to)


@login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    visits = selectors.visit_list(user=request.user).order_by("-planned_on", "-pk")
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/visit_list.html",
        {
            "page": page,
            "squads": selectors.squad_list(user=request.user),
            "today": timezone.localdate(),
            "query": "",
        },
    )


@login_required
@require_POST
def visit_plan(request: HttpRequest) -> HttpResponse:
    squad = get_object_or_404(squads_of(request.user), pk=form_int(request.POST.get("squad")) or 0)
    planned_on = form_date(request.POST.get("planned_on"))
    try:
        if planned_on is None:
            raise ValidationError(_("Choose the planned date."))
        if request.POST.get("mode") == "draw":
            count = form_int(request.POST.get("count"), low=1, high=50)
            skip_days = form_int(request.POST.get("skip_days") or "30", high=365)
            if count is None or skip_days is None:
                raise ValidationError(
                    _("Draw between 1 and 50 schools, leaving out up to 365 days.")
                )
            visits = services.visit_draw(
                actor=request.user,
                squad=squad,
                count=count,
                planned_on=planned_on,
                skip_days=skip_days,
            )
        else:
            codes = request.POST.get("codes", "").replace("，", ",").split(",")
            schools = list(
                school_selectors.school_list(user=request.user).filter(
                    code__in=[c.strip() for c in codes if c.strip()]
                )
            )
            visits = services.visit_plan(
                actor=request.user, squad=squad, schools=schools, planned_on=planned_on
            )
    except ValidationError as error:
        return _fail(request, error, "visit_list")
    messages.success(request, _("%(n)d visits planned.") % {"n": len(visits)})
    return redirect("visit_list")


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    member = is_member(request.user, visit.squad)
    checks = {(c.key_area_id, c.aspect_id): c for c in VisitCheck.objects.filter(visit=visit)}
    findings = list(
        visit.findings.select_related("key_area", "aspect").prefetch_related("photos", "notices")
    )
    return render(
        request,
        "inspections/visit_detail.html",
        {
            "visit": visit,
            "member": member,
            "areas": [(a, checks.get((a.pk, None))) for a in KeyArea.objects.all()],
            "aspects": [(a, checks.get((None, a.pk))) for a in Aspect.objects.all()],
            "squad_members": list(visit.squad.members.all()),
            "present": set(visit.present.values_list("pk", flat=True)),
            "findings": findings,
            "notices": visit.notices.select_related("issued_by", "superseded_by").order_by(
                "-version"
            ),
            "severities": services.DEADLINE_DAYS,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    here = visit.get_absolute_url()
    try:
        visited_at = parse_datetime(request.POST.get("visited_at", "") or "")
    except ValueError:  # a well-formed but impossible date, such as month 13
        visited_at = None
    if visited_at is not None and timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    present = list(User.objects.filter(pk__in=form_ids(request.POST.getlist("present"))))
    checks = []
    for kind, model in (("area", KeyArea), ("aspect", Aspect)):
        for obj in model.objects.all():
            result = request.POST.get(f"{kind}-{obj.pk}")
            if result in VisitCheck.Result.values:
                checks.append(
                    services.CheckInput(
                        result=result,
                        note=request.POST.get(f"{kind}-{obj.pk}-note", ""),
                        key_area=obj if kind == "area" else None,
                        aspect=obj if kind == "aspect" else None,
                    )
                )
    try:
        if visited_at is None:
            raise ValidationError(_("Give the time of the visit."))
        services.visit_record(
            actor=request.user,
            visit=visit,
            visited_at=visited_at,
            present=present,
            checks=checks,
            summary=request.POST.get("summary", ""),
        )
    except ValidationError as error:
        return _fail(request, error, here)
    messages.success(request, _("Visit recorded."))
    return redirect(here)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    here = visit.get_absolute_url()
    place = request.POST.get("place", "")
    kind, _sep, place_id = place.partition("-")
    model = {"area": KeyArea, "aspect": Aspect}.get(kind)
    chosen = model.objects.filter(pk=form_int(place_id) or 0).first() if model else None
    try:
        services.finding_add(
            actor=request.user,
            visit=visit,
            description=request.POST.get("description", ""),
            severity=request.POST.get("severity", ""),
            requirement=request.POST.get("requirement", ""),
            key_area=chosen if kind == "area" else None,
            aspect=chosen if kind == "aspect" else None,
            deadline=form_date(request.POST.get("deadline")),
            photos=[(f.name, f.read()) for f in request.FILES.getlist("photos")],
        )
    except ValidationError as error:
        return _fail(request, error, here)
    messages.success(request, _("Finding recorded."))
    return redirect(here)


@login_required
@require_POST
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    here = visit.get_absolute_url()
    ids = form_ids(request.POST.getlist("finding"))
    corrects = None
    if form_int(request.POST.get("corrects")) is not None:
        corrects = get_object_or_404(visit.notices.all(), pk=form_int(request.POST["corrects"]))
    try:
        notice = services.notice_issue(
            actor=request.user, visit=visit, finding_ids=ids, corrects=corrects
        )
    except ValidationError as error:
        return _fail(request, error, here)
    messages.success(request, _("Notice %(title)s issued.") % {"title": notice.title})
    return redirect(notice.get_absolute_url())


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notice_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inspections/notice_list.html", {"page": page, "query": ""})


@login_required
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "inspections/notice_detail.html",
        {
            "notice": notice,
            "findings": notice.findings.select_related("key_area", "aspect").order_by("pk"),
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
    response = FileResponse(notice.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="notice-{notice.year}-{notice.number:03d}-v{notice.version}.pdf"'
    )
    response["X-Content-SHA256"] = notice.sha256
    return response


@login_required
@require_POST
def archive_create(request: HttpRequest) -> HttpResponse:
    ids = form_ids(request.POST.getlist("notice"))
    notices = list(
        selectors.notice_list(user=request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if not notices or len(notices) != len(set(ids)):
        messages.error(request, _("Choose notices you may see."))
        return redirect("notice_list")
    archive = NoticeArchive.objects.create(owner=request.user, notice_ids=notices)
    if not enqueue(tasks.notices_zip_build, archive.pk):
        NoticeArchive.objects.filter(pk=archive.pk).update(status=NoticeArchive.Status.FAILED)
        messages.error(request, _("The archive could not be queued; try again in a few minutes."))
    return redirect("archive_detail", pk=archive.pk)


@login_required
@require_GET
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    archive = get_object_or_404(NoticeArchive, pk=pk, owner=request.user)
    data = {
        "status": archive.status,
        "done": archive.done,
        "total": len(archive.notice_ids),
        "download": reverse("archive_download", args=[archive.pk])
        if archive.status == "done"
        else "",
    }
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(data)
    return render(request, "inspections/archive.html", {"archive": archive, **data})


@login_required
@require_GET
def archive_download(request: HttpRequest, pk: int) -> FileResponse:
    archive = get_object_or_404(NoticeArchive, pk=pk, owner=request.user, status="done")
    response = FileResponse(archive.file.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="notices-{archive.pk}.zip"'
    return response


@login_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponse:
    finding_filter = selectors.finding_filter(user=request.user, params=request.GET)
    if request.GET.get("format") == "xlsx":
        return spreadsheet_response(findings_dataset(finding_filter.qs), "xlsx", "findings")
    page = Paginator(finding_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
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


@login_required
@require_GET
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "reports": finding.reports.select_related(
                "submitted_by", "decided_by"
            ).prefetch_related("evidence"),
            "photos": finding.photos.all(),
            "member": is_member(request.user, finding.visit.squad),
            "is_school": request.user.school_id == finding.school_id,
            "history": finding.history.select_related("history_user").order_by("-history_date"),
        },
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)
    here = reverse("finding_detail", args=[pk])
    try:
        files = [(f.name, f.read()) for f in request.FILES.getlist("files")]
        services.report_submit(
            actor=request.user, finding=finding, text=request.POST.get("text", ""), files=files
        )
    except ValidationError as error:
        return _fail(request, error, here)
    messages.success(request, _("Rectification reported."))
    return redirect(here)


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(RectificationReport, pk=pk)
    finding = selectors.finding_get_for_user(user=request.user, pk=report.finding_id)
    here = reverse("finding_detail", args=[finding.pk])
    try:
        if request.POST.get("decision") == "accept":
            services.report_accept(actor=request.user, report=report)
            messages.success(request, _("Accepted: the finding is closed."))
        else:
            services.report_reject(
                actor=request.user, report=report, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Rejected: the finding is open again."))
    except ValidationError as error:
        return _fail(request, error, here)
    return redirect(here)


@login_required
@require_GET
def photo_file(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """Photos of findings and evidence of reports, only to those who see the finding."""
    if kind == "finding":
        piece = get_object_or_404(FindingPhoto, pk=pk)
        finding_id = piece.finding_id
    elif kind == "report":
        piece = get_object_or_404(ReportEvidence.objects.select_related("report"), pk=pk)
        finding_id = piece.report.finding_id
    else:
        raise Http404
    selectors.finding_get_for_user(user=request.user, pk=finding_id)
    response = FileResponse(piece.file.open("rb"), content_type=piece.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response
