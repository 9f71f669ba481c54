"""Writes of the ledger: imports and the per-school counts."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from readiness.access import require_right
from readiness.audit import audit_record, audited
from readiness.imports import (
    checked_import_confirm,
    checked_import_purge,
    checked_import_run,
    checked_import_start,
)
from readiness.jobs import job_claim, job_fail, job_progress
from readiness.models import School, User
from readiness.selectors import reopening_dates

from . import idcard, screening
from .access import Right, may_enter_for
from .filters import WHOLE
from .importer import PersonImporter
from .models import (
    COUNTS,
    SYMPTOMS,
    HealthAlert,
    HealthCheck,
    HealthCheckImport,
    IllnessCase,
    Person,
    PersonImport,
    SchoolClass,
    Session,
    SessionReport,
    session_begun,
)

KEEP_ERRORS_ON_PAGE = 200
logger = logging.getLogger(__name__)


@audited("person.import_start")
def person_import_start(*, actor: User, upload, upsert: bool = False) -> PersonImport:
    """Keeps the uploaded file as a waiting job; the caller queues its task."""
    require_right(actor, Right.PERSON_IMPORT)
    if upload.size > settings.PEOPLE_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d MB.")
            % {"size": settings.PEOPLE_UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    name = PurePath(upload.name).name
    job = PersonImport(owner=actor, original_name=name[:255], upsert=upsert)
    # A generated name: the uploader's file name never reaches the file system.
    job.file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix[:10]}", upload, save=False)
    job.save()
    return job


def person_import_run(*, job_id: int) -> None:
    """Runs a queued import. Idempotent: only a waiting (or abandoned) job is claimed."""
    if not job_claim(model=PersonImport, pk=job_id):
        return
    job = PersonImport.objects.select_related("owner").get(pk=job_id)
    try:
        with (
            job_progress(model=PersonImport, pk=job_id) as progress,
            job.file.open("rb") as handle,
        ):
            importer = PersonImporter(user=job.owner, upsert=job.upsert, progress=progress)
            outcome = importer.run(handle)
    except Exception as error:
        job_fail(model=PersonImport, pk=job_id, message=type(error).__name__)
        raise
    job.done, job.rows_written, job.error_count = (
        outcome.total,
        outcome.written,
        outcome.error_count,
    )
    job.errors = [
        {"row": e.row, "column": e.column, "message": e.message}
        for e in outcome.errors[:KEEP_ERRORS_ON_PAGE]
    ]
    job.status = PersonImport.Status.DONE if outcome.ok else PersonImport.Status.REFUSED
    job.finished_at = timezone.now()
    if not outcome.ok:
        job.error_report.save(f"errors-{job.pk}.csv", ContentFile(outcome.report), save=False)
    job.save()
    if outcome.ok:
        job.file.delete(save=False)  # the data now lives in the ledger


def person_import_purge(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Deletes the files of imports that never went through, after 24 hours."""
    count = 0
    stale = PersonImport.objects.filter(
        created_at__lt=timezone.now() - older_than, status__in=PersonImport.FINAL
    ).exclude(file="")
    for job in stale:
        job.file.delete(save=False)
        job.error_report.delete(save=False)
        job.save(update_fields=["file", "error_report"])
        count += 1
    return count


@transaction.atomic
def screening_refresh(*, school_ids: list[int] | None = None) -> None:
    """Recounts the ledger per school (all schools when ``school_ids`` is None).

    Imports recount the schools they touch; the nightly task and the morning
    report build recount the whole city, for files changed by other means."""
    screening.refresh(school_ids)


def _filters(params) -> dict:
    """The filters of a search, for the audit trail: a whole identity number
    searched for is kept masked (the trail is never changed, so never erased)."""
    kept = dict(params.items())
    if WHOLE.match((kept.get("q") or "").strip().upper()):
        kept["q"] = idcard.mask(kept["q"].strip().upper())
    return kept


def person_read_audit(*, actor: User, ids: list[int], params) -> None:
    """Records that ``actor`` was shown these files with their whole numbers."""
    audit_record(
        actor=actor,
        action="person.read_whole",
        target=f"{len(ids)} files",
        detail={"files": ids, "filters": _filters(params)},
    )


def person_export_audit(*, actor: User, whole_numbers: bool, params) -> None:
    """Records an export of person files, before it is sent."""
    audit_record(
        actor=actor,
        action="person.export_whole" if whole_numbers else "person.export",
        target="people.Person",
        detail={"filters": _filters(params)},
    )


# --- daily health checks (晨午检) -----------------------------------------------------


@dataclass(frozen=True)
class ClassCount:
    """What a school enters for one class at one session: the absences and the
    symptoms; everyone else was present."""

    class_id: int
    absent: int = 0
    absent_ill: int = 0
    fever: int = 0
    cough: int = 0
    diarrhoea: int = 0
    rash: int = 0
    other: int = 0

    @property
    def anything(self) -> bool:
        return any(getattr(self, f) for f in ("absent", *SYMPTOMS))


def _session_problem(school, on_date: dt.date, session: str) -> str | None:
    """Why nothing may be entered for this school's session, or None."""
    if not session_begun(on_date, session):
        return _("The %(session)s of %(date)s has not begun yet.") % {
            "session": Session(session).label,
            "date": date_format(on_date, "SHORT_DATE_FORMAT"),
        }
    reopens = reopening_dates([school.pk]).get(school.pk)
    if reopens is None:
        return _(
            "%(school)s has no approved return plan yet: health checks begin on the day "
            "its students return."
        ) % {"school": school.name}
    if on_date < reopens:
        return _("%(school)s reopens on %(reopens)s: no health checks before.") % {
            "school": school.name,
            "reopens": date_format(reopens, "SHORT_DATE_FORMAT"),
        }
    return None


def _count_problems(count: ClassCount, school_class: SchoolClass) -> list[str]:
    problems = []
    values = {name: getattr(count, name) for name in COUNTS}
    if any(not isinstance(v, int) or v < 0 for v in values.values()):
        return [_("Counts are whole numbers, 0 or more.")]
    if count.absent > school_class.enrolled:
        problems.append(
            _("%(absent)d absent is more than the %(enrolled)d enrolled.")
            % {"absent": count.absent, "enrolled": school_class.enrolled}
        )
    if count.absent_ill > count.absent:
        problems.append(
            _("%(ill)d absent for illness is more than the %(absent)d absent.")
            % {"ill": count.absent_ill, "absent": count.absent}
        )
    if any(values[s] > school_class.enrolled for s in SYMPTOMS):
        problems.append(
            _("A symptom is counted for more than the %(enrolled)d enrolled.")
            % {"enrolled": school_class.enrolled}
        )
    return problems


@audited("health.session")
@transaction.atomic
def session_submit(
    *,
    actor: User,
    school: School,
    on_date: dt.date,
    session: str,
    counts: Sequence[ClassCount] = (),
    nothing_to_report: bool = False,
) -> SessionReport:
    """Enters a school's session: the classes' counts (a class entered again is
    replaced, its history kept), or nothing to report (零报告: every class present,
    no symptom). All of it or, on one bad count, none; a fixed number of queries
    whatever the number of classes. The ValidationError names each bad class by
    ``class-<id>``."""
    if not may_enter_for(actor, school):
        raise PermissionDenied
    if session not in Session.values:
        raise ValidationError(_("Choose the morning, noon or evening check."))
    if problem := _session_problem(school, on_date, session):
        raise ValidationError(problem)
    classes = {c.pk: c for c in SchoolClass.objects.filter(school=school, active=True)}
    if session == Session.EVENING:
        classes = {pk: c for pk, c in classes.items() if c.boarding}
        if not classes:
            raise ValidationError(_("The evening check is for boarders: this school has none."))
    if not classes:
        raise ValidationError(_("Enter the school's classes before its health checks."))
    existing = {
        check.school_class_id: check
        for check in HealthCheck.objects.select_for_update().filter(
            school=school, on_date=on_date, session=session
        )
    }
    if nothing_to_report:
        if any(any(_counted(check).values()) for check in existing.values()):
            raise ValidationError(
                _("Absences or symptoms are already entered for this session: it has "
                  "something to report.")
            )  # fmt: skip
        counts = [ClassCount(class_id=pk) for pk in classes if pk not in existing]
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for count in counts:
        key = f"class-{count.class_id}"
        school_class = classes.get(count.class_id)
        if school_class is None:
            errors[key] = [_("This class is not one of %(school)s's classes for this check.")
                           % {"school": school.name}]  # fmt: skip
        elif count.class_id in seen:
            errors[key] = [_("The class is entered twice.")]
        elif problems := _count_problems(count, school_class):
            errors[key] = problems
        seen.add(count.class_id)
    if errors:
        raise ValidationError(errors)
    if not counts and not nothing_to_report:
        raise ValidationError(_("Enter at least one class, or report nothing to report."))

    created, changed = [], []
    for count in counts:
        values = {f: getattr(count, f) for f in COUNTS}
        check = existing.get(count.class_id)
        if check is None:
            created.append(
                HealthCheck(
                    school=school,
                    county_id=school.county_id,
                    school_class_id=count.class_id,
                    on_date=on_date,
                    session=session,
                    enrolled=classes[count.class_id].enrolled,
                    entered_by=actor,
                    **values,
                )
            )
        elif _counted(check) != values:
            for field, value in values.items():
                setattr(check, field, value)
            check.entered_by = actor
            check.entered_at = timezone.now()
            changed.append(check)
    if created:
        bulk_create_with_history(created, HealthCheck, default_user=actor)
    if changed:
        bulk_update_with_history(
            changed,
            HealthCheck,
            ["absent", "absent_ill", *SYMPTOMS, "entered_by", "entered_at"],
            default_user=actor,
            default_change_reason="entered again",
        )
    totals = HealthCheck.objects.filter(school=school, on_date=on_date, session=session).aggregate(
        classes=Count("pk"),
        enrolled=Sum("enrolled", default=0),
        **{f: Sum(f, default=0) for f in COUNTS},
    )
    report, _created = SessionReport.objects.update_or_create(
        school=school,
        on_date=on_date,
        session=session,
        defaults={
            **totals,
            "nothing_to_report": nothing_to_report,
            "reported_by": actor,
        },
    )
    alerts_raise(school=school, on_date=on_date, session=session)
    return report


def _counted(check: HealthCheck) -> dict[str, int]:
    return {f: getattr(check, f) for f in COUNTS}


# --- health alerts --------------------------------------------------------------------

CLUSTER_SYMPTOMS = ("cough", "diarrhoea", "rash")


def _rule(name: str):
    return settings.HEALTH_ALERTS[name]


def alerts_raise(*, school: School, on_date: dt.date, session: str) -> list[HealthAlert]:
    """Raises what a school's day gives once one of its sessions is entered (each
    alert once); the county's officials are mailed when the write commits."""
    return _raise(_day_alerts(school, on_date, session))


def _day_alerts(school: School, on_date: dt.date, session: str) -> list[HealthAlert]:
    """The alerts a school's day gives after one of its sessions is entered (not yet
    saved; the caller keeps those not raised before)."""
    alerts = []
    peaks: dict[int, dict[str, int]] = {}  # per class, each symptom's most in a session
    for check in HealthCheck.objects.filter(school=school, on_date=on_date).select_related(
        "school_class"
    ):
        peak = peaks.setdefault(check.school_class_id, {"class": check.school_class})
        for symptom in SYMPTOMS:
            peak[symptom] = max(peak.get(symptom, 0), getattr(check, symptom))
    for class_id, peak in peaks.items():
        if peak["fever"] >= _rule("fever"):
            alerts.append(
                HealthAlert(
                    key=f"fever:{class_id}:{on_date}", school=school,
                    school_class=peak["class"], on_date=on_date, rule=HealthAlert.Rule.FEVER,
                    symptom="fever", figure=peak["fever"], threshold=_rule("fever"),
                )
            )  # fmt: skip
        for symptom in CLUSTER_SYMPTOMS:
            if peak[symptom] >= _rule("class_cluster"):
                alerts.append(
                    HealthAlert(
                        key=f"cluster:{class_id}:{on_date}:{symptom}", school=school,
                        school_class=peak["class"], on_date=on_date,
                        rule=HealthAlert.Rule.CLASS_CLUSTER, symptom=symptom,
                        figure=peak[symptom], threshold=_rule("class_cluster"),
                    )
                )  # fmt: skip
    if rate_alert := _rate_alert(school, on_date, session):
        alerts.append(rate_alert)
    return alerts


def _rate_alert(school: School, on_date: dt.date, session: str) -> HealthAlert | None:
    """The school's illness absence at this session against its own average at the
    same session over the days before: raised above ``rate_factor`` times it."""
    days = _rule("baseline_days")
    reports = {
        r.on_date: r
        for r in SessionReport.objects.filter(
            school=school, session=session, on_date__range=(on_date - dt.timedelta(days), on_date)
        ).only("on_date", "enrolled", "absent_ill")
    }
    today = reports.pop(on_date, None)
    if today is None or not today.enrolled or today.absent_ill < _rule("rate_min_ill"):
        return None
    before = [r.absent_ill / r.enrolled for r in reports.values() if r.enrolled]
    if not before:
        return None  # no baseline yet: the first day after reopening
    baseline = 100 * sum(before) / len(before)
    now = 100 * today.absent_ill / today.enrolled
    limit = _rule("rate_factor") * baseline
    if now <= limit:
        return None
    return HealthAlert(
        key=f"rate:{school.pk}:{on_date}", school=school, on_date=on_date, session=session,
        rule=HealthAlert.Rule.RATE, figure=round(now, 1), threshold=round(limit, 1),
    )  # fmt: skip


def _raise(alerts: list[HealthAlert]) -> list[HealthAlert]:
    """Saves the alerts not raised before, and mails the officials of their counties
    once the write has committed."""
    known = set(
        HealthAlert.objects.filter(key__in=[a.key for a in alerts]).values_list("key", flat=True)
    )
    new = [a for a in alerts if a.key not in known]
    if not new:
        return []
    bulk_create_with_history(new, HealthAlert, default_change_reason="raised")
    counties = {a.school.county_id for a in new}
    mails = []
    for official in User.objects.filter(
        is_active=True, role=User.Role.COUNTY_OFFICIAL, county_id__in=counties
    ).exclude(email=""):
        mine = [a for a in new if a.school.county_id == official.county_id]
        if mine:
            lines = [a.summary() for a in mine]
            subject = _("Health check alerts: %(n)d") % {"n": len(mine)}
            mails.append((subject, "\n".join(lines), None, [official.email]))
    if mails:
        transaction.on_commit(lambda: _send_alert_mails(mails))
    return new


def _send_alert_mails(mails: list[tuple]) -> None:
    try:
        send_mass_mail(mails)
    except Exception:  # the alert is on the pages; a mail server down loses nothing
        logger.exception("health alert mails not sent")


@audited("health.silence_check")
@transaction.atomic
def health_silence_check(*, session: str, on_date: dt.date | None = None) -> list[HealthAlert]:
    """Raises a "not reported" alert for each open school with classes that has not
    reported the session of the day: run at the hour the city set."""
    on_date = on_date or timezone.localdate()
    classes = SchoolClass.objects.filter(active=True)
    if session == Session.EVENING:
        classes = classes.filter(boarding=True)
    with_classes = classes.values("school_id")
    open_schools = {pk for pk, day in reopening_dates(with_classes).items() if day <= on_date}
    reported = set(
        SessionReport.objects.filter(on_date=on_date, session=session).values_list(
            "school_id", flat=True
        )
    )
    silent = School.objects.filter(pk__in=open_schools - reported)
    return _raise(
        [
            HealthAlert(
                key=f"silent:{school.pk}:{on_date}:{session}",
                school=school,
                on_date=on_date,
                session=session,
                rule=HealthAlert.Rule.SILENT,
                figure=0,
                threshold=0,
            )
            for school in silent
        ]
    )


def _may_follow(user: User, alert: HealthAlert) -> None:
    """The county of the alert's school follows it; no one else."""
    if not may_enter_for(user, alert.school, Right.HEALTH_ALERT):
        raise PermissionDenied


@audited("health.alert_acknowledge")
@transaction.atomic
def alert_acknowledge(*, actor: User, alert: HealthAlert) -> HealthAlert:
    """The county has seen the alert and is on it."""
    alert = HealthAlert.objects.select_for_update().select_related("school").get(pk=alert.pk)
    _may_follow(actor, alert)
    if alert.status != HealthAlert.Status.OPEN:
        raise ValidationError(_("Only an open alert is acknowledged."))
    alert.status = HealthAlert.Status.ACKNOWLEDGED
    alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
    alert._history_user = actor
    alert.save()
    return alert


@audited("health.alert_close")
@transaction.atomic
def alert_close(*, actor: User, alert: HealthAlert, action: str) -> HealthAlert:
    """Closes the alert with what was done (traced, isolated, a false alarm…)."""
    alert = HealthAlert.objects.select_for_update().select_related("school").get(pk=alert.pk)
    _may_follow(actor, alert)
    if alert.status == HealthAlert.Status.CLOSED:
        raise ValidationError(_("The alert is already closed."))
    if not action.strip():
        raise ValidationError({"action": _("Say what was done about the alert.")})
    alert.status = HealthAlert.Status.CLOSED
    alert.closed_by, alert.closed_at, alert.action = actor, timezone.now(), action.strip()
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = actor, alert.closed_at
    alert._history_user = actor
    alert.save()
    return alert


# --- illness cases (因病缺勤病因追查) ------------------------------------------------


@dataclass(frozen=True)
class CaseInput:
    person_id: int
    symptoms: tuple[str, ...]
    onset_on: dt.date
    saw_doctor: bool = False
    diagnosis: str = ""
    isolation: str = IllnessCase.Isolation.HOME


def _case_problems(school: School, data: CaseInput) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not Person.objects.filter(pk=data.person_id, school=school).exists():
        problems["person"] = [
            _("Choose a person from %(school)s's person files.") % {"school": school.name}
        ]
    unknown = [s for s in data.symptoms if s not in SYMPTOMS]
    if unknown:
        problems["symptoms"] = [_("Unknown symptom: %(s)s.") % {"s": "、".join(unknown)}]
    if data.onset_on > timezone.localdate():
        problems["onset_on"] = [_("The onset cannot be after today.")]
    if data.isolation not in IllnessCase.Isolation.values:
        problems["isolation"] = [_("Choose where the person is isolated.")]
    return problems


@audited("health.case_open")
@transaction.atomic
def case_open(*, actor: User, school: School, data: CaseInput) -> IllnessCase:
    """Records a case naming a person of the school's files, followed until closed."""
    if not may_enter_for(actor, school):
        raise PermissionDenied
    if problems := _case_problems(school, data):
        raise ValidationError(problems)
    case = IllnessCase(
        school=school,
        person_id=data.person_id,
        symptoms=list(dict.fromkeys(data.symptoms)),
        onset_on=data.onset_on,
        saw_doctor=data.saw_doctor,
        diagnosis=data.diagnosis.strip(),
        isolation=data.isolation,
        opened_by=actor,
    )
    case._history_user = actor
    case.save()
    return case


@audited("health.case_update")
@transaction.atomic
def case_update(*, actor: User, case: IllnessCase, data: CaseInput) -> IllnessCase:
    """What is learned as the case is followed: the doctor, the diagnosis, isolation."""
    case = IllnessCase.objects.select_for_update().select_related("school").get(pk=case.pk)
    if not may_enter_for(actor, case.school):
        raise PermissionDenied
    if case.status == IllnessCase.Status.CLOSED:
        raise ValidationError(_("A closed case no longer changes."))
    if problems := _case_problems(case.school, data):
        raise ValidationError(problems)
    case.person_id = data.person_id
    case.symptoms = list(dict.fromkeys(data.symptoms))
    case.onset_on, case.saw_doctor = data.onset_on, data.saw_doctor
    case.diagnosis, case.isolation = data.diagnosis.strip(), data.isolation
    case._history_user = actor
    case.save()
    return case


@audited("health.case_close")
@transaction.atomic
def case_close(
    *, actor: User, case: IllnessCase, return_on: dt.date, clearance: str
) -> IllnessCase:
    """The person is back at school, cleared: the date and the clearance note."""
    case = IllnessCase.objects.select_for_update().select_related("school").get(pk=case.pk)
    if not may_enter_for(actor, case.school):
        raise PermissionDenied
    if case.status == IllnessCase.Status.CLOSED:
        raise ValidationError(_("The case is already closed."))
    problems: dict[str, list[str]] = {}
    if return_on < case.onset_on:
        problems["return_on"] = [
            _("The return cannot be before the onset (%(day)s).")
            % {"day": date_format(case.onset_on, "SHORT_DATE_FORMAT")}
        ]
    elif return_on > timezone.localdate():
        problems["return_on"] = [_("The return cannot be after today.")]
    if not clearance.strip():
        problems["clearance"] = [_("Say who cleared the return (a doctor's note, a test).")]
    if problems:
        raise ValidationError(problems)
    case.status = IllnessCase.Status.CLOSED
    case.return_on, case.clearance, case.closed_at = return_on, clearance.strip(), timezone.now()
    case._history_user = actor
    case.save()
    return case


# --- classes -----------------------------------------------------------------------


@audited("health.class_save")
@transaction.atomic
def class_save(
    *,
    actor: User,
    school: School,
    grade: str,
    name: str,
    enrolled: int,
    head_teacher: str = "",
    boarding: bool = False,
    active: bool = True,
    school_class: SchoolClass | None = None,
) -> SchoolClass:
    """Adds a class to the school, or changes one; a class is never deleted (its
    checks keep it), only set inactive."""
    if not may_enter_for(actor, school, Right.CLASS_MANAGE):
        raise PermissionDenied
    grade, name = grade.strip(), name.strip()
    problems: dict[str, list[str]] = {}
    if not grade:
        problems["grade"] = [_("Give the grade.")]
    if not name:
        problems["name"] = [_("Give the class's name.")]
    if not 0 < enrolled <= 200:
        problems["enrolled"] = [_("A class has between 1 and 200 enrolled.")]
    twin = SchoolClass.objects.filter(school=school, grade=grade, name=name)
    if school_class is not None:
        twin = twin.exclude(pk=school_class.pk)
    if grade and name and twin.exists():
        problems["name"] = [_("%(grade)s%(name)s is already a class of the school.")
                            % {"grade": grade, "name": name}]  # fmt: skip
    if problems:
        raise ValidationError(problems)
    if school_class is None:
        school_class = SchoolClass(school=school)
    elif school_class.school_id != school.pk:
        raise PermissionDenied
    school_class.grade, school_class.name, school_class.enrolled = grade, name, enrolled
    school_class.head_teacher, school_class.boarding = head_teacher.strip(), boarding
    school_class.active = active
    school_class._history_user = actor
    school_class.save()
    return school_class


@audited("health.classes_from_files")
@transaction.atomic
def classes_from_files(*, actor: User, school: School) -> tuple[int, int]:
    """The school's classes as its students' person files give them (grade and class,
    counted; boarding if any of its pupils boards): classes missing are added, the
    enrolled count of the others brought up to date. Returns (added, updated)."""
    if not may_enter_for(actor, school, Right.CLASS_MANAGE):
        raise PermissionDenied
    counted = (
        Person.objects.filter(school=school, kind=Person.Kind.STUDENT)
        .exclude(grade="")
        .exclude(class_name="")
        .values("grade", "class_name")
        .annotate(n=Count("pk"), boarders=Count("pk", filter=Q(study_mode="boarding")))
        .order_by()
    )
    existing = {(c.grade, c.name): c for c in SchoolClass.objects.filter(school=school)}
    added, changed = [], []
    for row in counted:
        key = (row["grade"], row["class_name"])
        school_class = existing.get(key)
        if school_class is None:
            added.append(
                SchoolClass(
                    school=school, grade=key[0], name=key[1], enrolled=row["n"],
                    boarding=row["boarders"] > 0,
                )
            )  # fmt: skip
        elif school_class.enrolled != row["n"]:
            school_class.enrolled = row["n"]
            changed.append(school_class)
    if added:
        bulk_create_with_history(added, SchoolClass, default_user=actor)
    if changed:
        bulk_update_with_history(
            changed, SchoolClass, ["enrolled"], default_user=actor,
            default_change_reason="counted from the person files",
        )  # fmt: skip
    return len(added), len(changed)


# --- a day's checks from a spreadsheet ----------------------------------------------


def _import_right(kind: str) -> str:
    return Right.CLASS_MANAGE if kind == HealthCheckImport.Kind.CLASSES else Right.HEALTH_ENTER


def health_import_start(
    *, actor: User, upload, kind: str = HealthCheckImport.Kind.CHECKS
) -> HealthCheckImport:
    """Keeps the uploaded file (checks or classes) as a job to check in the
    background; the caller queues ``tasks.health_import_run`` once this has committed."""
    require_right(actor, _import_right(kind))
    return checked_import_start(HealthCheckImport(owner=actor, kind=kind), upload)


@audited("health.import")
def health_import_confirm(*, actor: User, job: HealthCheckImport) -> HealthCheckImport:
    require_right(actor, _import_right(job.kind))
    return checked_import_confirm(actor=actor, job=job)


def health_import_run(*, job_id: int) -> None:
    """Checks or imports a queued health-check spreadsheet (the task's body)."""
    from .health_import import work  # the importer calls back into this module

    checked_import_run(model=HealthCheckImport, job_id=job_id, work=work)


def health_import_purge(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    return checked_import_purge(model=HealthCheckImport, older_than=older_than)
