"""Writes of inspections: planning, recording, findings, notices, the rectification loop."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import secrets
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from readiness import city_settings
from readiness.audit import audited
from readiness.jobs import job_claim, job_fail, job_progress
from readiness.models import School, User
from readiness.services import readiness_follow
from readiness.uploads import attach_thumbnail, sniff_evidence

from .access import require_member, require_reporter
from .models import (
    Aspect,
    Finding,
    FindingPhoto,
    InspectionSquad,
    KeyArea,
    NoticeArchive,
    NoticeCounter,
    RectificationNotice,
    RectificationReport,
    ReportEvidence,
    Visit,
    VisitCheck,
)
from .pdf import render_notice_pdf
from .selectors import REJECTED, notice_list

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


# Default days to rectify, by severity; the inspector may set another deadline.
def deadline_days(severity: str) -> int:
    """Days to rectify a finding of ``severity``, as the city bureau set them."""
    return int(city_settings.value(f"inspections.deadline.{severity}"))


RISK_WEIGHT = {"low": 1.0, "medium": 2.0, "high": 4.0}


def _locked_visit(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().select_related("squad", "school").get(pk=visit.pk)


# --- planning ------------------------------------------------------------------------


@audited("visit.plan")
@transaction.atomic
def visit_plan(
    *, actor: User, squad: InspectionSquad, schools: Iterable[School], planned_on: dt.date
) -> list[Visit]:
    """Plans visits of ``schools``, all in the squad's counties, or none."""
    require_member(actor, squad)
    schools = list(schools)
    if not schools:
        raise ValidationError(_("Choose at least one school."))
    if planned_on < timezone.localdate():
        raise ValidationError(_("The planned date may not be in the past."))
    counties = set(squad.counties.values_list("pk", flat=True))
    outside = [s.name for s in schools if s.county_id not in counties]
    if outside:
        raise ValidationError(
            _("Outside the squad's counties: %(schools)s.") % {"schools": "、".join(outside)}
        )
    if len({s.pk for s in schools}) != len(schools):
        raise ValidationError(_("A school is listed twice."))
    taken = list(
        Visit.objects.filter(school__in=schools, planned_on=planned_on)
        .order_by("school__code")
        .values_list("school__name", flat=True)
    )
    if taken:
        raise ValidationError(
            _("Already planned for %(day)s: %(schools)s.")
            % {"day": planned_on.isoformat(), "schools": "、".join(taken)}
        )
    visits = [
        Visit(squad=squad, school=s, planned_on=planned_on, planned_by=actor) for s in schools
    ]
    try:
        with transaction.atomic():
            Visit.objects.bulk_create(visits)
    except IntegrityError:  # planned meanwhile by another request: the constraint holds
        raise ValidationError(
            _("Already planned for %(day)s: %(schools)s.")
            % {"day": planned_on.isoformat(), "schools": "、".join(s.name for s in schools)}
        ) from None
    return visits


def draw_candidates(
    *, squad: InspectionSquad, skip_days: int, today: dt.date
) -> list[tuple[School, float]]:
    """Schools of the squad's counties with their weights: risk level times one plus
    the findings of past visits; schools visited within ``skip_days`` or with a
    visit planned are left out. One query."""
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=skip_days), dt.time())
    )
    schools = (
        School.objects.filter(county__in=squad.counties.all())
        .exclude(visits__status="planned")
        .exclude(visits__visited_at__gte=since)
        .annotate(past_findings=Count("findings", distinct=True))
    )
    return [(s, RISK_WEIGHT[s.risk_level] * (1 + s.past_findings)) for s in schools]


def weighted_sample(
    candidates: Sequence[tuple[School, float]], count: int, rng: random.Random
) -> list[School]:
    """Draws ``count`` schools without replacement, each in proportion to its weight
    (Efraimidis–Spirakis: the largest u ** (1 / w) keys win)."""
    keyed = [(rng.random() ** (1.0 / weight), school) for school, weight in candidates]
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return [school for _key, school in keyed[:count]]


def visit_draw_propose(
    *,
    actor: User,
    squad: InspectionSquad,
    count: int,
    skip_days: int = 30,
    rng: random.Random | None = None,
) -> list[tuple[School, float]]:
    """Draws schools at random, weighted by risk and past findings, and proposes
    them with their weights, heaviest first; nothing is planned until the squad
    confirms (``visit_draw_confirm``)."""
    require_member(actor, squad)
    if not 1 <= count <= 50:
        raise ValidationError(_("Draw between 1 and 50 schools."))
    rng = rng or random.SystemRandom()
    candidates = draw_candidates(squad=squad, skip_days=skip_days, today=timezone.localdate())
    if not candidates:
        raise ValidationError(_("No school is left to draw in the squad's counties."))
    weights = {school.pk: weight for school, weight in candidates}
    drawn = weighted_sample(candidates, count, rng)
    return sorted(((s, weights[s.pk]) for s in drawn), key=lambda pair: (-pair[1], pair[0].code))


@audited("visit.draw")
def visit_draw_confirm(
    *, actor: User, squad: InspectionSquad, schools: Iterable[School], planned_on: dt.date
) -> list[Visit]:
    """Plans the visits of a draw the squad has seen and confirmed."""
    return visit_plan(actor=actor, squad=squad, schools=schools, planned_on=planned_on)


# --- on site -------------------------------------------------------------------------


@dataclass
class CheckInput:
    result: str
    note: str = ""
    key_area: KeyArea | None = None
    aspect: Aspect | None = None


@audited("visit.record")
@transaction.atomic
def visit_record(
    *,
    actor: User,
    visit: Visit,
    visited_at: dt.datetime,
    present: Iterable[User],
    checks: Iterable[CheckInput] = (),
    summary: str = "",
) -> Visit:
    """Records the visit: when, who was there, and a result for every key area and
    aspect (“not checked” with the reason is a result; silence is not)."""
    visit = _locked_visit(visit)
    require_member(actor, visit.squad)
    if visit.notices.exists():
        raise ValidationError(
            _("A notice was issued for this visit: its record no longer changes.")
        )
    if visited_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("The visit cannot be recorded for a time still to come."))
    present = list(present)
    members = set(visit.squad.members.values_list("pk", flat=True)) | {visit.squad.leader_id}
    if not present or any(user.pk not in members for user in present):
        raise ValidationError(_("Name the squad members who were present."))
    checks = list(checks)
    require_every_place(checks)
    visit.status = Visit.Status.RECORDED
    visit.visited_at = visited_at
    visit.summary = summary.strip()
    visit._history_user = actor
    visit.save()
    visit.present.set(present)
    VisitCheck.objects.filter(visit=visit).delete()
    VisitCheck.objects.bulk_create(
        VisitCheck(
            visit=visit, key_area=c.key_area, aspect=c.aspect, result=c.result, note=c.note[:500]
        )
        for c in checks
    )
    return visit


def require_every_place(checks: list[CheckInput]) -> None:
    """A result for each key area and aspect, and a reason for each one not checked."""
    given = {
        (c.key_area.pk if c.key_area else None, c.aspect.pk if c.aspect else None) for c in checks
    }
    missing = [a.name for a in KeyArea.objects.all() if (a.pk, None) not in given]
    missing += [a.name for a in Aspect.objects.all() if (None, a.pk) not in given]
    if missing:
        raise ValidationError(
            _("Give a result for every key area and aspect; missing: %(places)s.")
            % {"places": "、".join(missing)}
        )
    unexplained = [
        str(c.key_area or c.aspect)
        for c in checks
        if c.result == VisitCheck.Result.NOT_CHECKED and not c.note.strip()
    ]
    if unexplained:
        raise ValidationError(
            _("Say why these were not checked: %(places)s.") % {"places": "、".join(unexplained)}
        )


@audited("finding.add")
@transaction.atomic
def finding_add(
    *,
    actor: User,
    visit: Visit,
    description: str,
    severity: str,
    requirement: str,
    key_area: KeyArea | None = None,
    aspect: Aspect | None = None,
    deadline: dt.date | None = None,
    photos: Sequence[tuple[str, bytes]] = (),
) -> Finding:
    """Records a finding, with its photos: all of it or, on a bad photo, none."""
    visit = _locked_visit(visit)
    require_member(actor, visit.squad)
    if visit.status != Visit.Status.RECORDED:
        raise ValidationError(_("Record the visit before adding findings."))
    if (key_area is None) == (aspect is None):
        raise ValidationError(_("Choose a key area or an aspect."))
    if severity not in Finding.Severity.values:
        raise ValidationError(_("Choose the severity."))
    if not description.strip() or not requirement.strip():
        raise ValidationError(_("Describe the problem and what must be done."))
    today = timezone.localdate()
    deadline = deadline or today + dt.timedelta(days=deadline_days(severity))
    if deadline < today:
        raise ValidationError(_("The deadline may not be in the past."))
    finding = Finding(
        visit=visit,
        school=visit.school,
        description=description.strip(),
        key_area=key_area,
        aspect=aspect,
        severity=severity,
        requirement=requirement.strip(),
        deadline=deadline,
        created_by=actor,
    )
    finding._history_user = actor
    finding._change_reason = "found on the visit"
    finding.save()
    for name, data in photos:
        _save_photo(actor, finding, name, data)
    readiness_follow(school_ids=[finding.school_id])  # a critical finding revokes readiness
    return finding


def is_photo(data: bytes) -> bool:
    """A JPEG, PNG or WebP of at most EVIDENCE_MAX_BYTES, judged by its content."""
    kind = sniff_evidence(data)
    return len(data) <= EVIDENCE_MAX_BYTES and kind is not None and kind[0].startswith("image/")


def _stored_evidence(
    data: bytes, name: str, *, photos_only: bool = False
) -> tuple[ContentFile, str]:
    if len(data) > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("Evidence may be at most 10 MB."))
    kind = sniff_evidence(data)
    if kind is None or (photos_only and not kind[0].startswith("image/")):
        raise ValidationError(
            _("A photo must be JPEG, PNG or WebP.")
            if photos_only
            else _("Evidence must be a photo (JPEG, PNG, WebP) or a PDF.")
        )
    content_type, extension = kind
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}"), content_type


def _save_photo(actor: User, finding: Finding, name: str, data: bytes) -> FindingPhoto:
    # Photos are printed in the notice: images only, never a PDF.
    content, content_type = _stored_evidence(data, name, photos_only=True)
    photo = FindingPhoto(
        finding=finding, content_type=content_type, size=len(data), uploaded_by=actor
    )
    photo.file.save(content.name, content, save=False)
    attach_thumbnail(photo, data)
    photo.save()
    return photo


@audited("finding.photo")
@transaction.atomic
def finding_photo_add(*, actor: User, finding: Finding, name: str, data: bytes) -> FindingPhoto:
    """Adds a photo; the visit's lock keeps it out of a notice being issued."""
    visit = _locked_visit(finding.visit)
    require_member(actor, visit.squad)
    if finding.notices.exists():
        raise ValidationError(_("A finding on an issued notice no longer changes."))
    return _save_photo(actor, finding, name, data)


# --- notices -------------------------------------------------------------------------


def _next_number(year: int) -> int:
    """The next notice number of ``year``. Must run inside the transaction that
    creates the notice: the counter row stays locked until it commits, and a
    rollback gives the number back, so numbers have neither gaps nor repeats."""
    NoticeCounter.objects.get_or_create(year=year)  # handles a concurrent creation itself
    counter = NoticeCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _notice_findings(visit: Visit, finding_ids: Iterable[int]) -> list[Finding]:
    """The open findings of ``visit`` a notice is for: all of them, or a refusal."""
    ids = set(finding_ids)
    findings = list(visit.findings.filter(pk__in=ids).order_by("pk"))
    if not findings or len(findings) != len(ids):
        raise ValidationError(_("A notice needs at least one finding of this visit."))
    if any(f.status == Finding.Status.CLOSED for f in findings):
        raise ValidationError(_("A closed finding needs no rectification notice."))
    return findings


def _notice_numbering(
    visit: Visit, findings: list[Finding], corrects: RectificationNotice | None
) -> tuple[int, int | None, int, RectificationNotice | None]:
    """Year, number (None: the next of the year), version, and the notice corrected,
    locked. A finding is on one notice in force; only that notice is corrected."""
    current = RectificationNotice.objects.filter(
        findings__in=findings, superseded_by__isnull=True
    ).distinct()
    if corrects is None:
        if current.exists():
            raise ValidationError(
                _("A notice was already issued for these findings: issue a correction instead.")
            )
        return timezone.localdate().year, None, 1, None
    corrects = RectificationNotice.objects.select_for_update().get(pk=corrects.pk)
    if corrects.visit_id != visit.pk or hasattr(corrects, "superseded_by"):
        raise ValidationError(_("Only the notice in force for this visit can be corrected."))
    if current.exclude(pk=corrects.pk).exists():
        raise ValidationError(_("Some findings are on another notice in force."))
    return corrects.year, corrects.number, corrects.version + 1, corrects


@audited("notice.issue")
@transaction.atomic
def notice_issue(
    *,
    actor: User,
    visit: Visit,
    finding_ids: Iterable[int],
    corrects: RectificationNotice | None = None,
) -> RectificationNotice:
    """Issues a numbered notice for findings of the visit, rendered and sealed with
    its SHA-256. A correction keeps the number, takes the next version, and
    supersedes the notice it corrects."""
    visit = _locked_visit(visit)
    require_member(actor, visit.squad)
    findings = _notice_findings(visit, finding_ids)
    year, number, version, corrects = _notice_numbering(visit, findings, corrects)
    notice = RectificationNotice(
        visit=visit,
        year=year,
        number=number or _next_number(year),
        version=version,
        supersedes=corrects,
        code=secrets.token_hex(8),
        issued_by=actor,
        issued_at=timezone.now(),
    )
    notice.save()
    notice.findings.set(findings)
    pdf = render_notice_pdf(notice)
    notice.sha256 = hashlib.sha256(pdf).hexdigest()
    notice.pdf.save(f"{notice.year}-{notice.number:03d}-v{notice.version}.pdf", ContentFile(pdf))
    return notice


@audited("notice.archive")
@transaction.atomic
def notice_archive_create(*, actor: User, notices: Iterable[RectificationNotice]) -> NoticeArchive:
    """An archive of ``notices`` waiting to be built. The caller queues the build
    (``tasks.notices_zip_build``) once this has committed."""
    ids = sorted({notice.pk for notice in notices})
    if not ids or notice_list(user=actor).filter(pk__in=ids).count() != len(ids):
        raise ValidationError(_("Choose notices you may see."))
    return NoticeArchive.objects.create(owner=actor, notice_ids=ids)


def notice_archive_build(*, archive_id: int) -> bool:
    """Builds the ZIP of a waiting archive (or one whose worker died), counting
    progress as it goes; False when another worker holds it. The notices'
    stored PDFs are copied, never rendered again."""
    if not job_claim(model=NoticeArchive, pk=archive_id):
        return False
    archive = NoticeArchive.objects.get(pk=archive_id)
    notices = RectificationNotice.objects.filter(pk__in=archive.notice_ids).order_by(
        "year", "number", "version"
    )
    NoticeArchive.objects.filter(pk=archive_id).update(total=len(archive.notice_ids))
    buffer = io.BytesIO()
    try:
        with (
            job_progress(model=NoticeArchive, pk=archive_id) as progress,
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle,
        ):
            for done, notice in enumerate(notices, 1):
                with notice.pdf.open("rb") as pdf:
                    bundle.writestr(f"{notice.title}.pdf", pdf.read())
                progress(done)
        archive.file.save(f"notices-{archive_id}.zip", ContentFile(buffer.getvalue()), save=False)
    except Exception as error:
        job_fail(model=NoticeArchive, pk=archive_id, message=type(error).__name__)
        raise
    archive.status, archive.finished_at = NoticeArchive.Status.DONE, timezone.now()
    archive.done = archive.total = len(archive.notice_ids)
    archive.save(update_fields=["file", "status", "done", "total", "finished_at"])
    return True


# --- rectification loop -------------------------------------------------------------------


@audited("report.submit")
@transaction.atomic
def report_submit(
    *, actor: User, finding: Finding, text: str, files: Sequence[tuple[str, bytes]] = ()
) -> RectificationReport:
    """The school reports what it did; the finding waits for the squad's review."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    require_reporter(actor, finding)
    if finding.status != Finding.Status.OPEN:
        raise ValidationError(_("Only an open finding can be reported as rectified."))
    if not text.strip():
        raise ValidationError(_("Say what was done."))
    stored = [(*_stored_evidence(data, name), data) for name, data in files]
    report = RectificationReport.objects.create(
        finding=finding, text=text.strip(), submitted_by=actor
    )
    for content, content_type, data in stored:
        evidence = ReportEvidence(report=report, content_type=content_type, size=len(data))
        evidence.file.save(content.name, content, save=False)
        attach_thumbnail(evidence, data)
        evidence.save()
    finding.status = Finding.Status.REPORTED
    finding._history_user = actor
    finding._change_reason = "rectification reported"
    finding.save(update_fields=["status"])
    return report


def _decide(actor: User, report: RectificationReport) -> RectificationReport:
    report = (
        RectificationReport.objects.select_for_update()
        .select_related("finding__visit__squad")
        .get(pk=report.pk)
    )
    require_member(actor, report.finding.visit.squad)
    if report.decision != RectificationReport.Decision.PENDING:
        raise ValidationError(_("This report has already been reviewed."))
    return report


@audited("report.accept")
@transaction.atomic
def report_accept(*, actor: User, report: RectificationReport) -> RectificationReport:
    """Accepting the report closes the finding."""
    report = _decide(actor, report)
    report.decision = RectificationReport.Decision.ACCEPTED
    report.decided_by, report.decided_at = actor, timezone.now()
    report._history_user = actor
    report.save()
    finding = report.finding
    finding.status, finding.overdue = Finding.Status.CLOSED, False
    finding._history_user = actor
    finding._change_reason = "rectification accepted"
    finding.save(update_fields=["status", "overdue"])
    readiness_follow(school_ids=[finding.school_id])  # closed: readiness may come back
    return report


@audited("report.reject")
@transaction.atomic
def report_reject(*, actor: User, report: RectificationReport, reason: str) -> RectificationReport:
    """Rejecting the report, with a reason, opens the finding again."""
    report = _decide(actor, report)
    if not reason.strip():
        raise ValidationError(_("Say why the report is rejected."))
    report.decision = RectificationReport.Decision.REJECTED
    report.reason = reason.strip()
    report.decided_by, report.decided_at = actor, timezone.now()
    report._history_user = actor
    report.save()
    finding = report.finding
    finding.status = Finding.Status.OPEN
    finding._history_user = actor
    finding._change_reason = f"{REJECTED}{report.reason}"[:100]
    finding.save(update_fields=["status"])
    return report


@transaction.atomic
def findings_mark_overdue(*, today: dt.date | None = None) -> int:
    """Flags open findings past their deadline and tells the county and the school.

    Flagging and mailing share one transaction: if the mail cannot be sent, no
    finding is flagged, and the next run tries again. A finding is mailed about
    once. Findings reported and waiting for review are not chased.
    """
    today = today or timezone.localdate()
    due = list(
        Finding.objects.select_for_update(of=("self",))
        .filter(overdue=False, status=Finding.Status.OPEN, deadline__lt=today)
        .select_related("school__county")
    )
    if due:
        Finding.objects.filter(pk__in=[f.pk for f in due]).update(overdue=True)
        _mail_overdue(due)
    return len(due)


def _mail_overdue(findings: list[Finding]) -> None:
    schools = {f.school_id for f in findings}
    counties = {f.school.county_id for f in findings}
    recipients = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(role=User.Role.SCHOOL, school_id__in=schools)
            | Q(role=User.Role.COUNTY_OFFICIAL, county_id__in=counties)
        )
    )
    messages = []
    for user in recipients:
        mine = [
            f
            for f in findings
            if f.school_id == user.school_id
            or (user.school_id is None and f.school.county_id == user.county_id)
        ]
        lines = [
            f"{f.school.name}：{f.description}（整改期限 {f.deadline:%Y-%m-%d}）" for f in mine
        ]
        messages.append(
            (
                f"督查问题逾期未整改（{len(mine)} 项）",
                "以下督查问题已超过整改期限，请尽快整改并上报：\n\n" + "\n".join(lines),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        )
    send_mass_mail(messages, fail_silently=False)
