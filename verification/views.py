"""Pages of verification: a form parses, a selector fetches, a service acts, then render.

A refused POST renders the checklist page again with the bound form, so what was
typed stays and each error shows beside its field; the page's script asks for
JSON instead and gets the same errors as ``{"error": ...}``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readiness import documents
from readiness import selectors as school_selectors
from readiness.access import require_right
from readiness.documents import pdf_response
from readiness.jinja_env import draw
from readiness.pwa import offline_urls
from readiness.spreadsheets import spreadsheet_response
from readiness.uploads import upload_response

from . import selectors, services
from .access import (
    Right,
    may_answer,
    may_reverify,
    membership,
    require_assigner,
    require_leader,
    require_member,
)
from .exports import results_dataset
from .forms import (
    AnswerForm,
    ApproveForm,
    AssignForm,
    ButtonForm,
    EvidenceForm,
    ReturnForm,
    ReverifyForm,
)
from .models import Response, Verification

PAGE_SIZE = 50

STATE_LABELS = {
    "not_started": gettext_lazy("Not started"),
    "in_progress": gettext_lazy("In progress"),
    "submitted": gettext_lazy("Submitted"),
    "passed": gettext_lazy("Ready to reopen"),
    "conditional": gettext_lazy("Conditionally ready"),
    "failed": gettext_lazy("Not ready"),
}


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error_messages(form: forms.Form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


# --- the checklist page ------------------------------------------------------------------


@login_required
@require_GET
def verification_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status")
    verifications = selectors.verification_list(user=request.user, status=status)
    page = Paginator(verifications, PAGE_SIZE).get_page(request.GET.get("page"))
    teams = selectors.member_team_ids(user=request.user)
    for verification in page:  # a member's own assignments can be taken offline
        if verification.team_id in teams and verification.editable:
            verification.offline_urls = offline_urls(
                request.user, verification.get_absolute_url(), verification.school
            )
    return render(
        request,
        "verification/list.html",
        {
            "page": page,
            "statuses": Verification.Status.choices,
            "status": status,
            "query": f"status={status}" if status else "",
        },
    )


HISTORY_ON_PAGE = 10


def _detail(request: HttpRequest, verification: Verification, **bound: forms.Form) -> HttpResponse:
    """The checklist page; ``bound`` is the form of a refused action, by its name in
    the template, shown in place of the blank one with its errors."""
    member = membership(request.user, verification.team_id)
    sheet = selectors.checklist(verification=verification)
    selectors.read_facts(verification=verification, rows=sheet.rows)
    editable = member is not None and verification.editable
    for row in sheet.rows:  # a member answers their own department's items, the leader any
        row.answerable = editable and may_answer(member, verification.team, row.item)
    # Each item's forms are built by the page's script from one template (the page
    # stays light); without scripts, or to show a refused answer beside its item, the
    # server draws a form on every item.
    full_forms = (
        request.GET.get("forms") == "all" or "answer_form" in bound or "evidence_form" in bound
    )
    # The items, most of the page, are drawn by Jinja2.
    checklist_items = draw(
        "verification/_checklist_items.html",
        {"verification": verification, "sheet": sheet, "full_forms": full_forms, **bound},
        request,
    )
    blank = {
        "approve_form": ApproveForm(),
        "return_form": ReturnForm(),
        "reverify_form": ReverifyForm(initial={"planned_on": verification.reverify_due}),
    }
    return render(
        request,
        "verification/detail.html",
        {
            "verification": verification,
            "sheet": sheet,
            "member": member,
            "can_answer": member is not None and verification.editable,
            "full_forms": full_forms,
            "checklist_items": checklist_items,
            "offline_urls": offline_urls(
                request.user, verification.get_absolute_url(), verification.school
            )
            if editable
            else [],
            "is_leader": verification.team.leader_id == request.user.pk,
            "can_reverify": may_reverify(request.user, verification),
            "next_unanswered": next((row for row in sheet.rows if not row.answered), None),
            "failed": (failed := selectors.failed_rows(sheet)),
            "veto_failed": sum(row.item.veto for row in failed),
            "result_choices": Verification.Result.choices,
            "result_preview": selectors.result_of(sheet),
            "suggested_due": timezone.localdate() + dt.timedelta(days=services.CONDITIONAL_DAYS),
            **blank,
            **bound,
            "refused": next(iter(bound.values()), None),
        },
    )


@login_required
@require_GET
def verification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    return _detail(request, verification)


@login_required
@require_GET
def verification_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change of a verification, its status and its answers, 100 a page; with
    ``?latest=1``, the latest few alone, which the checklist page fetches when its
    history is opened (a checklist is opened far more often than its history)."""
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    if request.GET.get("latest") == "1":
        latest = selectors.verification_history(verification=verification, limit=HISTORY_ON_PAGE)
        return render(request, "verification/_history.html", {"entries": latest})
    entries = selectors.verification_history(verification=verification)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request, "verification/history.html",
        {"verification": verification, "page": page, "query": ""},
    )  # fmt: skip


def _item_refused(
    request: HttpRequest, verification: Verification, name: str, form: AnswerForm | EvidenceForm
) -> HttpResponse:
    """A refused answer or upload: JSON for the page's script, else the page again."""
    if not _wants_json(request):
        return _detail(request, verification, **{name: form})
    body = {"error": " ".join(_error_messages(form)), "errors": form.errors.get_json_data()}
    current = getattr(form, "current", None)
    if current is not None:
        return JsonResponse({**body, "current": current}, status=409)
    return JsonResponse(body, status=400)


def _progress(verification: Verification, response: Response) -> dict:
    """What the page's script updates after a saved answer."""
    sheet = selectors.checklist(verification=verification)
    return {
        "revision": response.revision,
        "saved_by": str(response.answered_by),
        "answered": sheet.answered,
        "total": sheet.total,
        "sections": [[part.answered, part.total] for part in sheet.sections],
        "departments": [
            [part.department.code, part.answered, part.total, bool(part.signoff)]
            for part in sheet.departments
        ],
    }


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    require_member(request.user, verification)
    form = AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            response = services.response_save(
                actor=request.user,
                verification=verification,
                item_id=data["item"],
                answer=data["answer"],
                note=data["note"],
                revision=data["revision"],
            )
        except services.StaleAnswer as stale:
            form.refuse_stale(stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if _wants_json(request):
                return JsonResponse(_progress(verification, response))
            return redirect(f"{verification.get_absolute_url()}#item-{response.item_id}")
    return _item_refused(request, verification, "answer_form", form)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    require_member(request.user, verification)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            evidence = services.evidence_add(
                actor=request.user,
                verification=verification,
                item_id=form.cleaned_data["item"],
                name=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if _wants_json(request):
                return JsonResponse(
                    {
                        "id": evidence.pk,
                        "name": evidence.original_name,
                        "url": evidence.get_absolute_url(),
                        "thumbnail": (
                            evidence.get_thumbnail_url() if evidence.thumbnail else None
                        ),
                    }
                )
            return redirect(f"{verification.get_absolute_url()}#item-{form.item_pk}")
    return _item_refused(request, verification, "evidence_form", form)


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int, small: bool = False) -> FileResponse:
    """Evidence (or its thumbnail) is served only to those who may see its verification."""
    evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    return upload_response(evidence, small=small)


# --- the workflow's buttons --------------------------------------------------------------


@login_required
@require_POST
def department_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    form = ButtonForm(request.POST)
    try:
        services.department_confirm(actor=request.user, verification=verification)
    except ValidationError as error:
        form.add_error(None, error)
        return _detail(request, verification, confirm_form=form)
    messages.success(request, _("Your department's part is confirmed."))
    return redirect("verification_detail", pk=pk)


@login_required
@require_POST
def verification_submit(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    form = ButtonForm(request.POST)
    try:
        services.verification_submit(actor=request.user, verification=verification)
    except ValidationError as error:
        form.add_error(None, error)
        return _detail(request, verification, submit_form=form)
    messages.success(request, _("Submitted to the team leader."))
    return redirect("verification_detail", pk=pk)


@login_required
@require_POST
def verification_approve(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    require_leader(request.user, verification)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.verification_approve(
                actor=request.user,
                verification=verification,
                reverify_due=form.cleaned_data["reverify_due"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Approved."))
            return redirect("verification_detail", pk=pk)
    return _detail(request, verification, approve_form=form)


@login_required
@require_POST
def verification_return(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    require_leader(request.user, verification)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.verification_return(
                actor=request.user, verification=verification, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Returned to the team."))
            return redirect("verification_detail", pk=pk)
    return _detail(request, verification, return_form=form)


@login_required
@require_POST
def verification_reverify(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    require_assigner(request.user, verification)
    form = ReverifyForm(request.POST)
    if form.is_valid():
        try:
            again = services.verification_reverify(
                actor=request.user,
                previous=verification,
                planned_on=form.cleaned_data["planned_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Re-verification assigned."))
            return redirect("verification_detail", pk=again.pk)
    return _detail(request, verification, reverify_form=form)


# --- assignment --------------------------------------------------------------------------


def _assign_page(request: HttpRequest, form: AssignForm) -> HttpResponse:
    """The school list, filtered by the query string, with the assignment form."""
    school_filter = school_selectors.school_filter(user=request.user, params=request.GET)
    schools = selectors.with_open_verification(school_filter.qs)  # marked: under way
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "verification/assign.html",
        {"filter": school_filter, "page": page, "form": form, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    """Bulk assignment from the (filtered) school list."""
    require_right(request.user, Right.ASSIGN)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = request.POST if request.method == "POST" else None
    form = AssignForm(data, user=request.user, initial={"planned_on": tomorrow})
    if form.is_valid():
        team = form.cleaned_data["team"]
        try:
            created = services.verification_assign(
                actor=request.user,
                team=team,
                schools=form.cleaned_data["school"],
                planned_on=form.cleaned_data["planned_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = _("%(n)d verifications assigned to %(team)s.")
            messages.success(request, done % {"n": len(created), "team": team.name})
            return redirect("verification_list")
    return _assign_page(request, form)


# --- supervision, PDF, export ------------------------------------------------------------


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
            {
                "rows": rows,
                "county": county,
                "county_name": school_selectors.county_list(user=request.user)
                .filter(code=county)
                .values_list("name", flat=True)
                .first(),
                "state": state,
                "states": STATE_LABELS,
            },
        )
    table = selectors.supervision(user=request.user)
    return render(
        request,
        "verification/supervision.html",
        {"table": table, "totals": selectors.supervision_totals(table), "states": STATE_LABELS},
    )


@login_required
@require_GET
def verification_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.verification_get_for_user(user=request.user, pk=pk)
    if verification.status != Verification.Status.APPROVED:
        raise Http404
    sheet = selectors.checklist(verification=verification)
    photos = [
        (row.item.code, piece)
        for row in sheet.rows
        for piece in row.evidence
        if piece.content_type.startswith("image/")
    ]
    pdf = documents.render_pdf(
        "documents/verification.html",
        {
            "verification": verification,
            "sheet": sheet,
            "photos": photos,
            "media_base": documents.BASE_URL.rstrip("/") + settings.MEDIA_URL,
        },
    )
    name = f"verification-{verification.school.code}-{verification.pk}.pdf"
    return pdf_response(pdf, name)


@login_required
@require_GET
def verification_export(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.SUPERVISE)
    verifications = selectors.verification_results(user=request.user)
    return spreadsheet_response(results_dataset(verifications), "xlsx", "verifications")
