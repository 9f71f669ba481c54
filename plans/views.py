"""Pages of return plans (开学返校工作预案) and drills (演练观摩, 培训)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readiness import selectors as core_selectors
from readiness.access import has_right, may_edit_school
from readiness.forms import posted

from . import selectors, services
from .access import Right
from .forms import DrillForm, PlanDecisionForm, PlanForm, TermForm
from .models import ReopeningPlan

PAGE_SIZE = 50


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    if request.user.role == "school":
        return redirect("plan_mine")
    return _plan_list_page(request, TermForm(initial={"starts_on": selectors.term_start()}))


def _plan_list_page(request: HttpRequest, term_form: TermForm) -> HttpResponse:
    plans = selectors.plan_list(user=request.user).order_by("status", "school__code", "pk")
    status = request.GET.get("status", "")
    if status in ReopeningPlan.Status.values:  # from a dashboard figure
        plans = plans.filter(status=status)
    else:
        status = ""
    # A city reader has a plan of every school, 5,600 at full scale: paged.
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "plans": page.object_list,
        "query": f"status={status}" if status else "",
        "status": status,
        "term_start": selectors.term_start(),
        "term_form": term_form if has_right(request.user, Right.TERM_SET) else None,
    }
    return render(request, "plans/list.html", context, status=400 if term_form.errors else 200)


@login_required
@require_POST
def plan_term(request: HttpRequest) -> HttpResponse:
    """The city bureau sets the day the term starts; no return date comes before it."""
    if not has_right(request.user, Right.TERM_SET):
        raise PermissionDenied
    form = TermForm(request.POST)
    if not form.is_valid():
        return _plan_list_page(request, form)
    services.term_set(actor=request.user, starts_on=form.cleaned_data["starts_on"])
    messages.success(request, _("Saved."))
    return redirect("plan_list")


@login_required
@require_http_methods(["GET", "POST"])
def plan_mine(request: HttpRequest) -> HttpResponse:
    """The school's own plan: write, attach, submit. A refusal shows every cell as
    typed, and an accepted PDF stays attached."""
    if request.user.role != "school":
        raise PermissionDenied
    school = core_selectors.school_get_for_user(user=request.user, pk=request.user.school_id)
    plan = selectors.plan_of_school(user=request.user)
    form = PlanForm(*posted(request), plan=plan, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_save(
                actor=request.user,
                school=school,
                factors=data["factors"],
                considerations=data["considerations"],
                stages=data["stages"],
                parts=data["parts"],
                emergency_plan=data["emergency_plan"],
                submit=data["submit"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if data["submit"]:
                messages.success(request, _("The plan is submitted for review."))
            else:
                messages.success(request, _("Saved."))
            return redirect("plan_mine")
    context = {
        "school": school,
        "plan": plan,
        "form": form,
        "factors": ReopeningPlan.FACTORS,
        "term_start": selectors.term_start(),
        "history": selectors.plan_history(plan=plan) if plan else [],
    }
    return render(request, "plans/mine.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    return _detail(request, plan, PlanDecisionForm())


def _detail(request: HttpRequest, plan: ReopeningPlan, form: PlanDecisionForm) -> HttpResponse:
    context = {
        "plan": plan,
        "form": form,
        "may_decide": may_edit_school(request.user, plan.school),
        "factors": dict(ReopeningPlan.FACTORS),
        "history": selectors.plan_history(plan=plan),
    }
    return render(request, "plans/detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    form = PlanDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.plan_decide(
                actor=request.user,
                plan=plan,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("plan_detail", pk=pk)
    return _detail(request, plan, form)


@login_required
@require_GET
def plan_file(request: HttpRequest, pk: int) -> FileResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not plan.emergency_plan:
        raise Http404
    return FileResponse(plan.emergency_plan.open("rb"), content_type="application/pdf")


@login_required
@require_http_methods(["GET", "POST"])
def drills(request: HttpRequest) -> HttpResponse:
    can_record = has_right(request.user, Right.DRILL_RECORD)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    schools = core_selectors.school_list(user=request.user)
    form = DrillForm(posted(request)[0], schools=schools)
    if form.is_valid():
        try:
            services.drill_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect("drills")
    context = {
        "form": form,
        "drills": selectors.drill_list(user=request.user).prefetch_related("attendees")[:100],
        "coverage": selectors.principal_coverage(user=request.user),
        "can_record": can_record,
        "today": timezone.localdate(),
        "demonstration": selectors.demonstration_school(),
    }
    return render(request, "plans/drills.html", context, status=400 if form.errors else 200)
