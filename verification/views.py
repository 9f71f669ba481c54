"""Pages of verification: parse, fetch through a selector, call a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readiness import documents
from readiness import selectors as school_selectors
from readiness.access import require_right
from readiness.http import form_date, form_int
from readiness.spreadsheets import spreadsheet_response

from . import selectors, services
from .access import Right, may_assign, membership
from .exports import results_dataset
from .models import Evidence, Verification

PAGE_SIZE = 50


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _int(value: str | None) -> int:
    """A whole number from a form, or ValidationError for the user."""
    number = form_int(value)
    if number is None:
        raise ValidationError(_("The page is out of date: reload it."))
    return number


@login_required
@require_GET
def verification_list(request: HttpRequest) -> HttpResponse:
    verifications = selectors.verification_list(user=request.user)
    status = request.GET.get("status")
    if status in Verification.Status.values:
        verifications = verifications.filter(status=status)
    page = Paginator(verifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "verification/list.html",
        {
            "page": page,
            "statuses": Verification.Status.choices,
            "status": status,
            "query": f"status={status}" if status else "",
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def verification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    member = membership(request.user, verification.team_id)
    return render(
        request,
        "verification/detail.html",
        {
            "verification": verification,
            "sheet": selectors.checklist(verification=verification),
            "member": member,
            "can_answer": member is not None and verification.editable,
            "is_leader": verification.team.leader_id == request.user.pk,
            "can_reverify": verification.status == "approved"
            and may_assign(request.user, verification.team)
            and not verification.reverifications.exists(),
            "history": selectors.verification_history(verification=verification),
            "today": timezone.localdate(),
            "tomorrow": timezone.localdate() + dt.timedelta(days=1),
        },
    )


def _refused(request: HttpRequest, error: ValidationError, pk: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    messages.error(request, " ".join(error.messages))
    return redirect("verification_detail", pk=pk)


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    revision = request.POST.get("revision")
    try:
        response = services.response_save(
            actor=request.user,
            verification=verification,
            item_id=_int(request.POST.get("item")),
            answer=request.POST.get("answer", ""),
            note=request.POST.get("note", ""),
            revision=_int(revision),
        )
    except services.StaleAnswer as stale:
        current = stale.current
        message = _("%(who)s changed this answer meanwhile: %(answer)s. Yours was not saved.") % {
            "who": current.answered_by,
            "answer": current.get_answer_display(),
        }
        if _wants_json(request):
            return JsonResponse(
                {
                    "error": message,
                    "current": {
                        "answer": current.answer,
                        "note": current.note,
                        "revision": current.revision,
                    },
                },
                status=409,
            )
        messages.error(request, message)
        return redirect("verification_detail", pk=pk)
    except ValidationError as error:
        return _refused(request, error, pk)
    if _wants_json(request):
        sheet = selectors.checklist(verification=verification)
        return JsonResponse(
            {
                "revision": response.revision,
                "saved_by": str(response.answered_by),
                "answered": sheet.answered,
                "total": sheet.total,
                "sections": [[p.answered, p.total] for p in sheet.sections],
                "departments": [
                    [p.department.code, p.answered, p.total, bool(p.signoff)]
                    for p in sheet.departments
                ],
            }
        )
    return redirect(f"{verification.get_absolute_url()}#item-{response.item_id}")


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError(_("Choose a photo or PDF."))
        if upload.size > services.EVIDENCE_MAX_BYTES:
            raise ValidationError(_("Evidence may be at most 10 MB."))
        evidence = services.evidence_add(
            actor=request.user,
            verification=verification,
            item_id=_int(request.POST.get("item")),
            name=upload.name,
            data=upload.read(),
        )
    except ValidationError as error:
        return _refused(request, error, pk)
    if _wants_json(request):
        return JsonResponse(
            {"id": evidence.pk, "name": evidence.original_name, "url": evidence_url(evidence)}
        )
    return redirect(f"{verification.get_absolute_url()}#item-{evidence.response.item_id}")


def evidence_url(evidence: Evidence) -> str:
    return reverse("verification_evidence", args=[evidence.pk])


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served only to those who may see its verification."""
    evidence = get_object_or_404(Evidence.objects.select_related("response"), pk=pk)
    selectors.verification_get_for_user(user=request.user, pk=evidence.response.verification_id)
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = "inline"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response


def _action(request: HttpRequest, pk: int, run, done: str) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    try:
        run(verification)
    except ValidationError as error:
        return _refused(request, error, pk)
    messages.success(request, done)
    return redirect("verification_detail", pk=pk)


@login_required
@require_POST
def department_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda v: services.department_confirm(actor=request.user, verification=v),
        _("Your department's part is confirmed."),
    )


@login_required
@require_POST
def verification_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda v: services.verification_submit(actor=request.user, verification=v),
        _("Submitted to the team leader."),
    )


@login_required
@require_POST
def verification_approve(request: HttpRequest, pk: int) -> HttpResponse:
    due = form_date(request.POST.get("reverify_due"))
    return _action(
        request,
        pk,
        lambda v: services.verification_approve(
            actor=request.user, verification=v, reverify_due=due
        ),
        _("Approved."),
    )


@login_required
@require_POST
def verification_return(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _action(
        request,
        pk,
        lambda v: services.verification_return(actor=request.user, verification=v, reason=reason),
        _("Returned to the team."),
    )


@login_required
@require_POST
def verification_reverify(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    planned_on = form_date(request.POST.get("planned_on"))
    try:
        if planned_on is None:
            raise ValidationError(_("Choose the planned date."))
        again = services.verification_reverify(
            actor=request.user, previous=verification, planned_on=planned_on
        )
    except ValidationError as error:
        return _refused(request, error, pk)
    messages.success(request, _("Re-verification assigned."))
    return redirect("verification_detail", pk=again.pk)


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    """Bulk assignment from the (filtered) school list."""
    require_right(request.user, Right.ASSIGN)
    school_filter = school_selectors.school_filter(user=request.user, params=request.GET)
    teams = selectors.teams_for_assignment(user=request.user)
    if request.method == "POST":
        ids = [i for i in request.POST.getlist("school") if i.isdigit()]
        schools = list(school_selectors.school_list(user=request.user).filter(pk__in=ids))
        if len(schools) != len(set(ids)):
            raise Http404  # a school outside the scope
        team_id = request.POST.get("team", "")
        team = teams.filter(pk=team_id).first() if team_id.isdigit() else None
        planned_on = form_date(request.POST.get("planned_on"))
        try:
            if team is None or planned_on is None:
                raise ValidationError(_("Choose a team and a planned date."))
            created = services.verification_assign(
                actor=request.user, team=team, schools=schools, planned_on=planned_on
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(n)d verifications assigned to %(team)s.")
                % {"n": len(created), "team": team.name},
            )
            return redirect("verification_list")
    page = Paginator(school_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "verification/assign.html",
        {
            "filter": school_filter,
            "page": page,
            "teams": teams,
            "query": query.urlencode(),
            "default_date": timezone.localdate() + dt.timedelta(days=1),
        },
    )


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.SUPERVISE)
    county = request.GET.get("county")
    if county:
        state = request.GET.get("state")
        rows = selectors.supervision_schools(user=request.user, county_code=county, state=state)
        return render(
            request,
            "verification/supervision_county.html",
            {"rows": rows, "county": county, "state": state, "states": STATE_LABELS},
        )
    table = selectors.supervision(user=request.user)
    totals = {
        key: sum(row[key] for row in table) for key in (*selectors.STATES, "total", "overdue")
    }
    return render(
        request,
        "verification/supervision.html",
        {"table": table, "totals": totals, "states": STATE_LABELS},
    )


STATE_LABELS = {
    "not_started": gettext_lazy("Not started"),
    "in_progress": gettext_lazy("In progress"),
    "submitted": gettext_lazy("Submitted"),
    "passed": gettext_lazy("Ready to reopen"),
    "conditional": gettext_lazy("Conditionally ready"),
    "failed": gettext_lazy("Not ready"),
}


@login_required
@require_GET
def verification_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    if verification.status != Verification.Status.APPROVED:
        raise Http404
    pdf = documents.render_pdf(
        "documents/verification.html",
        {"verification": verification, "sheet": selectors.checklist(verification=verification)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"verification-{verification.school.code}-{verification.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_GET
def verification_export(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.SUPERVISE)
    verifications = selectors.verification_list(user=request.user).prefetch_related("signoffs")
    return spreadsheet_response(results_dataset(verifications), "xlsx", "verifications")
