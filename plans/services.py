"""Writes of return plans and drills: one function per use case."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from readiness.access import may_edit_school, require_right, scope_of
from readiness.audit import audited
from readiness.models import School, User
from readiness.services import readiness_follow
from readiness.uploads import sniff_evidence

from . import selectors
from .access import Right
from .models import Drill, PlanPart, PlanStage, ReopeningPlan, Term

EMERGENCY_PLAN_MAX_BYTES = 10 * 1024 * 1024


def return_date_problem(day: dt.date, *, term_start: dt.date | None) -> str | None:
    """Why ``day`` cannot be a return date, or None: not in the past, not before the
    term starts (once the city bureau has set it)."""
    if day < timezone.localdate():
        return _("The return date %(day)s is in the past.") % {"day": day.isoformat()}
    if term_start is not None and day < term_start:
        return _("The return date %(day)s is before the term starts (%(start)s).") % {
            "day": day.isoformat(),
            "start": term_start.isoformat(),
        }
    return None


@audited("plan.save")
@transaction.atomic
def plan_save(
    *,
    actor: User,
    school: School,
    factors: list[str],
    considerations: str,
    stages: list[tuple[str, dt.date]],
    parts: list[tuple[str, str, str]],
    emergency_plan: tuple[str, bytes] | None = None,
    submit: bool = False,
) -> ReopeningPlan:
    """The school writes its plan and, with ``submit``, hands it in, in one step: a
    plan that cannot be submitted is not saved either, so a refusal changes nothing.
    A returned plan stays returned (its reason in view) until it is submitted again;
    a submitted or approved plan no longer changes."""
    if actor.role != User.Role.SCHOOL or actor.school_id != school.pk:
        raise PermissionDenied
    plan, _created = ReopeningPlan.objects.select_for_update().get_or_create(school=school)
    if plan.status in (ReopeningPlan.Status.SUBMITTED, ReopeningPlan.Status.APPROVED):
        raise ValidationError(_("A submitted plan no longer changes."))
    term = selectors.term_start()
    problems = [p for _g, day in stages if (p := return_date_problem(day, term_start=term))]
    if problems:
        raise ValidationError(problems)
    known = {code for code, _label in ReopeningPlan.FACTORS}
    plan.factors = [f for f in factors if f in known]
    plan.considerations = considerations.strip()[:5000]
    if emergency_plan is not None:
        _name, data = emergency_plan
        if not is_emergency_plan(data):
            raise ValidationError(_("The emergency plan must be a PDF of at most 10 MB."))
        plan.emergency_plan.save(f"{uuid.uuid4().hex}.pdf", ContentFile(data), save=False)
    if plan.status != ReopeningPlan.Status.RETURNED:
        plan.status = ReopeningPlan.Status.DRAFT
    plan._history_user = actor
    plan.save()
    plan.stages.all().delete()
    PlanStage.objects.bulk_create(
        PlanStage(plan=plan, grades=g[:50], return_on=d) for g, d in stages
    )
    plan.parts.all().delete()
    PlanPart.objects.bulk_create(
        PlanPart(plan=plan, part=p[:50], person=n[:50], phone=t[:20]) for p, n, t in parts
    )
    if submit:
        _submit(actor, plan)
    return plan


def is_emergency_plan(data: bytes) -> bool:
    return len(data) <= EMERGENCY_PLAN_MAX_BYTES and sniff_evidence(data) == (
        "application/pdf",
        "pdf",
    )


@audited("plan.submit")
@transaction.atomic
def plan_submit(*, actor: User, plan: ReopeningPlan) -> ReopeningPlan:
    plan = ReopeningPlan.objects.select_for_update().get(pk=plan.pk)
    if actor.role != User.Role.SCHOOL or actor.school_id != plan.school_id:
        raise PermissionDenied
    return _submit(actor, plan)


def _submit(actor: User, plan: ReopeningPlan) -> ReopeningPlan:
    """Hands in a locked plan that is complete; the reason of an earlier return
    stays on it until the plan is approved."""
    if plan.status not in (ReopeningPlan.Status.DRAFT, ReopeningPlan.Status.RETURNED):
        raise ValidationError(_("This plan has already been submitted."))
    missing = []
    stages = list(plan.stages.all())
    if not stages:
        missing.append(_("the staggered return by grade"))
    if not plan.parts.exists():
        missing.append(_("a person responsible for each part"))
    if not plan.emergency_plan:
        missing.append(_("the emergency plan"))
    if missing:
        raise ValidationError(
            _("The plan still needs: %(items)s.") % {"items": "、".join(missing)}
        )
    term = selectors.term_start()
    problems = [p for s in stages if (p := return_date_problem(s.return_on, term_start=term))]
    if problems:
        raise ValidationError(problems)
    plan.status, plan.submitted_at = ReopeningPlan.Status.SUBMITTED, timezone.now()
    plan._history_user = actor
    plan.save(update_fields=["status", "submitted_at"])
    return plan


@audited("term.set")
def term_set(*, actor: User, starts_on: dt.date) -> Term:
    """The city bureau sets the day the term starts; the earlier settings are kept."""
    require_right(actor, Right.TERM_SET)
    return Term.objects.create(starts_on=starts_on, set_by=actor)


@audited("plan.decide")
@transaction.atomic
def plan_decide(
    *, actor: User, plan: ReopeningPlan, approve: bool, reason: str = ""
) -> ReopeningPlan:
    """The county approves its schools' plans (the city bureau those of city-direct
    schools), or returns them with a reason."""
    plan = ReopeningPlan.objects.select_for_update().select_related("school").get(pk=plan.pk)
    if not may_edit_school(actor, plan.school):
        raise PermissionDenied
    if plan.status != ReopeningPlan.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted plan can be approved or returned."))
    if not approve and not reason.strip():
        raise ValidationError(_("Say why the plan is returned."))
    plan.status = ReopeningPlan.Status.APPROVED if approve else ReopeningPlan.Status.RETURNED
    plan.return_reason = "" if approve else reason.strip()[:2000]
    plan.decided_by, plan.decided_at = actor, timezone.now()
    plan._history_user = actor
    plan.save()
    readiness_follow(school_ids=[plan.school_id])
    return plan


@audited("drill.record")
def drill_record(
    *, actor: User, kind: str, title: str, on_date: dt.date, host: School, attendees: list[School]
) -> Drill:
    """Records a drill observation or training; every school must be in the actor's scope."""
    require_right(actor, Right.DRILL_RECORD)
    schools = [host, *attendees]
    visible = set(
        School.objects.filter(
            scope_of(actor).school_q(), pk__in=[s.pk for s in schools]
        ).values_list("pk", flat=True)
    )
    if any(s.pk not in visible for s in schools):
        raise PermissionDenied
    if kind not in Drill.Kind.values or not title.strip():
        raise ValidationError(_("Give the kind and the title."))
    if on_date > timezone.localdate():
        raise ValidationError(_("Record a drill once it has taken place."))
    with transaction.atomic():
        drill = Drill.objects.create(
            kind=kind, title=title.strip()[:100], on_date=on_date, host=host, recorded_by=actor
        )
        drill.attendees.set(attendees)
    return drill
