"""Writes of the verification workflow; every page, API call and task uses these.

assigned → in progress (first answer) → submitted (all departments confirmed)
→ approved (result computed) or returned (with a reason, back to the team).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from readiness.audit import audited
from readiness.exceptions import Conflict
from readiness.models import School, User
from readiness.services import readiness_follow
from readiness.uploads import attach_thumbnail, sniff_evidence

from . import selectors
from .access import in_remit, may_answer, may_assign, membership
from .models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    DepartmentSignoff,
    Evidence,
    Response,
    TeamMember,
    Verification,
    VerificationTeam,
)

CONDITIONAL_DAYS = 7


class StaleAnswer(Conflict):
    """Someone changed the answer since the page was loaded; carries the newer one."""

    def __init__(self, current: Response) -> None:
        super().__init__("stale answer")
        self.current = current

    def payload(self) -> dict:
        return {
            "answer": self.current.answer,
            "note": self.current.note,
            "revision": self.current.revision,
        }


def _locked(verification: Verification) -> Verification:
    """The verification read again under its row's lock, with its school, team and
    rules (which are not locked: every save of the city would wait on its rules)."""
    return (
        Verification.objects.select_for_update(of=("self",))
        .select_related("school", "team", "template")
        .get(pk=verification.pk)
    )


def _require_member(actor: User, verification: Verification):
    member = membership(actor, verification.team_id)
    if member is None:
        raise PermissionDenied
    return member


def _require_answerable(member: TeamMember, verification: Verification, item) -> None:
    if not may_answer(member, verification.team, item):
        raise ValidationError(
            _("Item %(code)s belongs to %(department)s: its members or the team leader answer it.")
            % {"code": item.code, "department": item.department.name}
        )


def _require_editable(verification: Verification) -> None:
    if not verification.editable:
        raise ValidationError(
            _("This verification is %(status)s: answers can no longer be changed.")
            % {"status": verification.get_status_display()}
        )


# --- assignment ---------------------------------------------------------------------


@audited("verification.assign")
@transaction.atomic
def verification_assign(
    *,
    actor: User,
    team: VerificationTeam,
    schools: Iterable[School],
    planned_on: dt.date,
    previous: Verification | None = None,
) -> list[Verification]:
    """Assigns ``team`` to verify each of ``schools``: all of them or none.

    ``schools`` must come from the actor's scope (a selector); the team's remit
    and open verifications are checked here.
    """
    if not may_assign(actor, team):
        raise PermissionDenied
    schools = list(schools)
    if not schools:
        raise ValidationError(_("Choose at least one school."))
    if planned_on < timezone.localdate():
        raise ValidationError(_("The planned date may not be in the past."))
    outside = [s.name for s in schools if not in_remit(team, s)]
    if outside:
        raise ValidationError(
            _("%(team)s may not verify: %(schools)s.")
            % {"team": team.name, "schools": "、".join(outside)}
        )
    busy = list(
        Verification.objects.filter(school__in=schools, status__in=Verification.OPEN).values_list(
            "school__name", flat=True
        )
    )
    if busy:
        raise ValidationError(
            _("These schools already have a verification under way: %(schools)s.")
            % {"schools": "、".join(busy)}
        )
    template = selectors.template_in_force()
    if template is None:
        raise ValidationError(_("No published verification rules: publish a template first."))
    created = [
        Verification(
            school=school, team=team, template=template, planned_on=planned_on, previous=previous
        )
        for school in schools
    ]
    try:
        with transaction.atomic():
            return bulk_create_with_history(created, Verification, default_user=actor)
    except IntegrityError:  # another assignment of one of the schools won the race
        raise ValidationError(
            _("These schools already have a verification under way: %(schools)s.")
            % {"schools": "、".join(s.name for s in schools)}
        ) from None


@audited("verification.reverify")
@transaction.atomic
def verification_reverify(
    *, actor: User, previous: Verification, planned_on: dt.date
) -> Verification:
    """A new verification of the same school by the same team, linked to ``previous``."""
    previous = _locked(previous)
    if previous.status != Verification.Status.APPROVED:
        raise ValidationError(_("Only an approved verification can be verified again."))
    if previous.reverifications.exists():
        raise ValidationError(_("A re-verification of this verification already exists."))
    return verification_assign(
        actor=actor,
        team=previous.team,
        schools=[previous.school],
        planned_on=planned_on,
        previous=previous,
    )[0]


# --- answering -----------------------------------------------------------------------


@audited("verification.answer")
@transaction.atomic
def response_save(
    *,
    actor: User,
    verification: Verification,
    item_id: int,
    answer: str,
    note: str = "",
    revision: int | None = None,
) -> Response:
    """Saves one answer.

    ``revision`` is the revision the user saw (0 for no answer yet); when the
    stored answer has moved on, StaleAnswer carries the newer one and nothing
    is written. A changed answer withdraws its department's confirmation.
    """
    verification = _locked(verification)
    member = _require_member(actor, verification)
    _require_editable(verification)
    if answer not in Response.Answer.values:
        raise ValidationError(_("Answer pass, fail or not applicable."))
    item = selectors.applicable_item(verification=verification, item_id=item_id)
    if item is None:
        raise ValidationError(_("This item does not apply to this school."))
    _require_answerable(member, verification, item)
    if item.veto and answer == Response.Answer.NOT_APPLICABLE:
        # Rules that apply to a school are verified: a veto item is never waived.
        raise ValidationError(_("A veto item must be answered pass or fail."))
    reading = selectors.item_reading(verification=verification, item=item)
    if (
        reading
        and reading.proposal
        and answer != reading.proposal
        and answer != Response.Answer.NOT_APPLICABLE
        and not note.strip()
    ):
        raise ValidationError(
            _(
                "The reading (%(value)s) proposes “%(proposal)s”: say in the note why you answer otherwise."
            )
            % {
                "value": f"{reading.fact.value}{reading.fact.spec.unit}",
                "proposal": Response.Answer(reading.proposal).label,
            }
        )
    response = Response.objects.select_for_update().filter(verification=verification, item=item)
    response = response.first()
    if revision is not None and (response.revision if response else 0) != revision:
        if response is None:  # the user saw an answer that has since been removed
            raise ValidationError(_("The page is out of date: reload it."))
        raise StaleAnswer(response)
    note = note.strip()[:2000]
    if response is None:
        response = Response(verification=verification, item=item)
    elif (response.answer, response.note) == (answer, note):
        return response
    else:
        response.revision += 1
    response.answer, response.note, response.answered_by = answer, note, actor
    response.by_leader = item.department_id != member.department_id
    if reading is not None:  # what the verifier saw, kept with the answer
        response.fact_value = reading.fact.value
        response.fact_read_at = reading.fact.read_at
        response.fact_proposed = reading.proposal
    response._history_user = actor
    response.save()
    DepartmentSignoff.objects.filter(
        verification=verification, department_id=item.department_id
    ).delete()
    if verification.status == Verification.Status.ASSIGNED:
        verification.status = Verification.Status.IN_PROGRESS
        verification._history_user = actor
        verification.save(update_fields=["status"])
    return response


EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


@audited("verification.evidence")
@transaction.atomic
def evidence_add(
    *, actor: User, verification: Verification, item_id: int, name: str, data: bytes
) -> Evidence:
    """Attaches a photo or PDF to an answered item; the content decides what it is."""
    verification = _locked(verification)
    member = _require_member(actor, verification)
    _require_editable(verification)
    response = (
        Response.objects.filter(verification=verification, item_id=item_id)
        .select_related("item__department")
        .first()
    )
    if response is None:
        raise ValidationError(_("Answer the item before attaching evidence."))
    _require_answerable(member, verification, response.item)
    if len(data) > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("Evidence may be at most 10 MB."))
    kind = sniff_evidence(data)
    if kind is None:
        raise ValidationError(_("Evidence must be a photo (JPEG, PNG, WebP) or a PDF."))
    content_type, extension = kind
    evidence = Evidence(
        response=response,
        content_type=content_type,
        size=len(data),
        original_name=PurePath(name).name[:255],
        uploaded_by=actor,
    )
    evidence.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    attach_thumbnail(evidence, data)
    evidence.save()
    return evidence


# --- sign-off ------------------------------------------------------------------------


@audited("verification.confirm")
@transaction.atomic
def department_confirm(*, actor: User, verification: Verification) -> DepartmentSignoff:
    """Confirms the actor's department's part: every item answered, evidence attached."""
    verification = _locked(verification)
    member = _require_member(actor, verification)
    _require_editable(verification)
    sheet = selectors.checklist(verification=verification)
    part = sheet.department(member.department_id)
    require_part_complete(part, member.department)
    require_part_answered_within(part, verification)
    signoff, _created = DepartmentSignoff.objects.get_or_create(
        verification=verification,
        department=member.department,
        defaults={"confirmed_by": actor},
    )
    return signoff


@audited("verification.submit")
@transaction.atomic
def verification_submit(*, actor: User, verification: Verification) -> Verification:
    verification = _locked(verification)
    _require_member(actor, verification)
    _require_editable(verification)
    require_every_part_confirmed(selectors.checklist(verification=verification))
    verification.status = Verification.Status.SUBMITTED
    verification.submitted_at = timezone.now()
    verification.return_reason = ""
    verification._history_user = actor
    verification.save(update_fields=["status", "submitted_at", "return_reason"])
    return verification


# The sign-off rules, apart from the services that apply them (and that carry their
# transaction and audit), so that each can be tried alone.


def require_part_complete(part: selectors.DepartmentPart | None, department) -> None:
    """A department confirms its part when every item is answered and has its evidence."""
    if part is None:
        raise ValidationError(_("No item of this verification belongs to your department."))
    if part.unanswered:
        raise ValidationError(
            _("Answer every item of %(department)s first: %(codes)s.")
            % {"department": department.name, "codes": "、".join(part.unanswered)}
        )
    if part.missing_evidence:
        raise ValidationError(
            _("These items need evidence: %(codes)s.")
            % {"codes": "、".join(part.missing_evidence)}
        )


def require_part_answered_within(part: selectors.DepartmentPart, verification) -> None:
    """A department confirms only what its own members answered, or what the team
    leader answered for it (marked on the answer)."""
    own = set(
        TeamMember.objects.filter(
            team_id=verification.team_id, department=part.department
        ).values_list("user_id", flat=True)
    )
    foreign = [
        row.item.code
        for row in part.rows
        if row.response and not row.response.by_leader and row.response.answered_by_id not in own
    ]
    if foreign:
        raise ValidationError(
            _(
                "Answered outside %(department)s: %(codes)s. Its members answer them before it confirms."
            )
            % {"department": part.department.name, "codes": "、".join(foreign)}
        )


def require_every_part_confirmed(sheet: selectors.Checklist) -> None:
    """The team submits once every department with items has confirmed."""
    waiting = [part.department.name for part in sheet.departments if not part.signoff]
    if waiting:
        raise ValidationError(
            _("Waiting for these departments to confirm: %(departments)s.")
            % {"departments": "、".join(waiting)}
        )


def reverify_due_for(result: str, requested: dt.date | None, *, today: dt.date) -> dt.date | None:
    """A conditional result is verified again by ``requested``, which the leader
    gives (the page suggests CONDITIONAL_DAYS from today), never today or earlier;
    other results by no date."""
    if result != Verification.Result.CONDITIONAL:
        return None
    if requested is None:
        raise ValidationError(
            {
                "reverify_due": _(
                    "Items failed: give the date by which the school is verified again."
                )
            }
        )
    if requested <= today:
        raise ValidationError(
            {"reverify_due": _("The re-verification date must be in the future.")}
        )
    return requested


def _require_leader(actor: User, verification: Verification) -> None:
    """The team's leader, who must also be one of its members."""
    if verification.team.leader_id != actor.pk or membership(actor, verification.team_id) is None:
        raise PermissionDenied
    if verification.status != Verification.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted verification can be approved or returned."))


def compute_result(sheet: selectors.Checklist) -> str:
    """``selectors.result_of``; every applicable item must be answered first."""
    result = selectors.result_of(sheet)
    if result is None:
        raise ValidationError(_("Every applicable item must be answered."))
    return result


@audited("verification.approve")
@transaction.atomic
def verification_approve(
    *, actor: User, verification: Verification, reverify_due: dt.date | None = None
) -> Verification:
    """Approves and computes the result; the school's readiness is judged again."""
    verification = _locked(verification)
    _require_leader(actor, verification)
    sheet = selectors.checklist(verification=verification)
    result = compute_result(sheet)
    reverify_due = reverify_due_for(result, reverify_due, today=timezone.localdate())
    verification.status = Verification.Status.APPROVED
    verification.result = result
    verification.reverify_due = reverify_due
    verification.approved_at = timezone.now()
    verification.approved_by = actor
    verification._history_user = actor
    verification.save()
    readiness_follow(school_ids=[verification.school_id])
    return verification


@audited("verification.return")
@transaction.atomic
def verification_return(*, actor: User, verification: Verification, reason: str) -> Verification:
    """Sends the verification back to the team; departments confirm again."""
    verification = _locked(verification)
    _require_leader(actor, verification)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the verification is returned."))
    verification.status = Verification.Status.RETURNED
    verification.return_reason = reason[:2000]
    verification._history_user = actor
    verification.save(update_fields=["status", "return_reason"])
    DepartmentSignoff.objects.filter(verification=verification).delete()
    return verification


# --- rules (核验细则) ---------------------------------------------------------------------


@transaction.atomic
def template_publish(*, template: ChecklistTemplate) -> ChecklistTemplate:
    """Freezes a draft; the version in force before it retires.

    Verifications keep the version they were assigned with.
    """
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status != ChecklistTemplate.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    if not template.items.exists():
        raise ValidationError(_("A template without items cannot be published."))
    ChecklistTemplate.objects.filter(
        name=template.name, status=ChecklistTemplate.Status.PUBLISHED
    ).update(status=ChecklistTemplate.Status.RETIRED)
    template.status = ChecklistTemplate.Status.PUBLISHED
    template.published_at = timezone.now()
    template.save(update_fields=["status", "published_at"])
    return template


@transaction.atomic
def template_new_draft(*, template: ChecklistTemplate) -> ChecklistTemplate:
    """Copies a version into the next draft, the only way to change the rules."""
    if ChecklistTemplate.objects.filter(name=template.name, status="draft").exists():
        raise ValidationError(_("A draft of these rules already exists: edit that one."))
    latest = ChecklistTemplate.objects.filter(name=template.name).order_by("-version").first()
    draft = ChecklistTemplate.objects.create(
        name=template.name, version=latest.version + 1, based_on=template
    )
    sections = {}
    for section in template.sections.all():
        sections[section.pk] = ChecklistSection.objects.create(
            template=draft, code=section.code, title=section.title, order=section.order
        )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            template=draft,
            section=sections[item.section_id],
            code=item.code,
            text=item.text,
            guidance=item.guidance,
            department_id=item.department_id,
            veto=item.veto,
            evidence_required=item.evidence_required,
            levels=item.levels,
            boarding_only=item.boarding_only,
            order=item.order,
            fact=item.fact,
            threshold=item.threshold,
        )
        for item in template.items.all()
    )
    return draft
