"""Pages of return plans (开学返校工作预案) and drills (演练观摩, 培训)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .access import Right, has_right, may_edit_school
from .http import form_date
from .models import Drill, ReopeningPlan, School


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    if request.user.role == "school":
        return redirect("plan_mine")
    plans = selectors.plan_list(user=request.user).order_by("status", "school__code")
    return render(request, "readiness/plans/list.html", {"plans": plans})


@login_required
@require_http_methods(["GET", "POST"])
def plan_mine(request: HttpRequest) -> HttpResponse:
    """The school's own plan: write, attach, submit."""
    if request.user.role != "school":
        raise PermissionDenied
    school = selectors.school_get_for_user(user=request.user, pk=request.user.school_id)
    plan = ReopeningPlan.objects.filter(school=school).first()
    if request.method == "POST":
        stages = [
            (g.strip(), form_date(d))
            for g, d in zip(
                request.POST.getlist("grades"), request.POST.getlist("return_on"), strict=False
            )
            if g.strip() and form_date(d)
        ]
        parts = [
            (p.strip(), n.strip(), t.strip())
            for p, n, t in zip(
                request.POST.getlist("part"),
                request.POST.getlist("person"),
                request.POST.getlist("phone"),
                strict=False,
            )
            if p.strip() and n.strip()
        ]
        upload = request.FILES.get("emergency_plan")
        try:
            plan = services.plan_save(
                actor=request.user,
                school=school,
                factors=request.POST.getlist("factors"),
                considerations=request.POST.get("considerations", ""),
                stages=stages,
                parts=parts,
                emergency_plan=(upload.name, upload.read()) if upload else None,
            )
            if request.POST.get("submit"):
                services.plan_submit(actor=request.user, plan=plan)
                messages.success(request, _("The plan is submitted for review."))
            else:
                messages.success(request, _("Saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("plan_mine")
    return render(
        request,
        "readiness/plans/mine.html",
        {"school": school, "plan": plan, "factors": ReopeningPlan.FACTORS, "blank_rows": range(3)},
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "readiness/plans/detail.html",
        {
            "plan": plan,
            "may_decide": may_edit_school(request.user, plan.school),
            "factors": dict(ReopeningPlan.FACTORS),
        },
    )


@login_required
@require_POST
def plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    try:
        services.plan_decide(
            actor=request.user,
            plan=plan,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("plan_detail", pk=pk)


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
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        schools = selectors.school_list(user=request.user)
        codes = [
            c.strip()
            for c in request.POST.get("attendees", "").replace("，", ",").split(",")
            if c.strip()
        ]
        host = schools.filter(code=request.POST.get("host", "").strip()).first()
        attendees = list(schools.filter(code__in=codes))
        try:
            if host is None or len(attendees) != len(set(codes)):
                raise ValidationError(_("A school code is unknown or outside your scope."))
            on_date = form_date(request.POST.get("on_date"))
            if on_date is None:
                raise ValidationError(_("Give the date."))
            services.drill_record(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                on_date=on_date,
                host=host,
                attendees=attendees,
            )
            messages.success(request, _("Recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("drills")
    return render(
        request,
        "readiness/plans/drills.html",
        {
            "drills": selectors.drill_list(user=request.user).prefetch_related("attendees")[:100],
            "coverage": selectors.principal_coverage(user=request.user),
            "can_record": can_record,
            "kinds": Drill.Kind.choices,
            "today": timezone.localdate(),
            "demonstration": School.objects.filter(demonstration=True).first(),
        },
    )
