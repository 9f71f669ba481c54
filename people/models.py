"""One file per person (一人一档): the screening ledger, its counts and its imports."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from readiness.models import CheckedImport, County, Job, School


class Person(models.Model):
    """One screening file of a staff member or student (一人一档)."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff member")
        STUDENT = "student", _("Student")

    class StudyMode(models.TextChoices):
        DAY = "day", _("Day")
        BOARDING = "boarding", _("Boarding")

    class Origin(models.TextChoices):
        COUNTY = "county", _("Same county")
        CITY = "city", _("Another county of the city")
        PROVINCE = "province", _("Another province")
        ABROAD = "abroad", _("Abroad")

    class Whereabouts(models.TextChoices):
        LOCAL = "local", _("Local")
        OUT_CITY = "out_city", _("Outside the city")
        OUT_PROVINCE = "out_province", _("Outside the province")
        ABROAD = "abroad", _("Abroad")

    class Health(models.TextChoices):
        NORMAL = "normal", _("Normal")
        SYMPTOMS = "symptoms", _("Symptoms")
        OBSERVATION = "observation", _("Under observation")
        CONFIRMED = "confirmed", _("Confirmed case")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="people", verbose_name=_("school")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    # Stored whole; shown and exported masked to everyone without the right.
    id_number = models.CharField(_("identity number"), max_length=18, unique=True)
    gender = models.CharField(
        _("sex"), max_length=1, choices=[("M", _("Male")), ("F", _("Female"))]
    )
    birth_date = models.DateField(_("birth date"))
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    class_name = models.CharField(_("class"), max_length=20, blank=True)
    study_mode = models.CharField(
        _("mode of study"), max_length=8, choices=StudyMode.choices, blank=True
    )
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default="county")
    whereabouts = models.CharField(
        _("whereabouts"), max_length=12, choices=Whereabouts.choices, default="local"
    )
    returned = models.BooleanField(_("returned"), default=False)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    health = models.CharField(_("health"), max_length=12, choices=Health.choices, default="normal")
    screened_on = models.DateField(_("screened on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("person file")
        verbose_name_plural = _("person files")
        ordering = ["school", "kind", "pk"]
        indexes = [
            models.Index(fields=["school", "kind"], name="person_school_kind"),
            models.Index(fields=["school", "whereabouts", "returned"], name="person_abroad"),
            # The city's list of those abroad not yet back (a few dozen of 2.7 million
            # files): without it, each page read the whole index above (8 ms, twice).
            models.Index(
                fields=["school", "name"],
                name="person_abroad_open",
                condition=Q(whereabouts="abroad", returned=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"), name="person_id_shape"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["staff", "student"]), name="person_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(returned=True) | Q(returned_on__isnull=True),
                name="person_returned_date_only_if_returned",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScreeningCount(models.Model):
    """The ledger counted per school: what coverage pages and the dispatch report
    read, instead of counting millions of files on every request. Refreshed for
    the schools of each import, after seeding, and nightly for the whole city."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, primary_key=True, related_name="screening"
    )
    staff_files = models.PositiveIntegerField(default=0)
    student_files = models.PositiveIntegerField(default=0)
    screened = models.PositiveIntegerField(default=0)
    staff_screened = models.PositiveIntegerField(default=0)
    student_screened = models.PositiveIntegerField(default=0)
    abroad = models.PositiveIntegerField(default=0)
    symptoms = models.PositiveIntegerField(default=0)
    observation = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    # The latest screening of any of the school's files: how current they are kept.
    last_screened_on = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("screening count")
        verbose_name_plural = _("screening counts")

    def __str__(self) -> str:
        return str(self.school_id)


class PersonImport(Job):
    """One upload of person files, imported in the background: the whole file or nothing.

    ``done`` counts the rows read so far."""

    file = models.FileField(upload_to="imports/people/%Y/%m/")
    original_name = models.CharField(max_length=255)
    upsert = models.BooleanField(_("update existing files"), default=False)
    rows_written = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first errors, for the page
    error_report = models.FileField(upload_to="imports/errors/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("person import")
        verbose_name_plural = _("person imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


# --- daily health checks (晨午检) and illness absence -------------------------------


class SchoolClass(models.Model):
    """A class of a school, as the health checks count it (grade, name, enrolled)."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="classes", verbose_name=_("school")
    )
    grade = models.CharField(_("grade"), max_length=20)
    name = models.CharField(_("class"), max_length=20)
    head_teacher = models.CharField(_("head teacher"), max_length=50, blank=True)
    enrolled = models.PositiveIntegerField(_("enrolled"))
    # Boarders are checked in the evening as well.
    boarding = models.BooleanField(_("boarding"), default=False)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school", "grade", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "grade", "name"], name="class_once"),
        ]

    def __str__(self) -> str:
        return f"{self.grade}{self.name}"


class Session(models.TextChoices):
    MORNING = "morning", _("Morning check")
    NOON = "noon", _("Noon check")
    EVENING = "evening", _("Evening check")


SYMPTOMS = ("fever", "cough", "diarrhoea", "rash", "other")
# What a class's check counts: its absences and its symptoms.
COUNTS = ("absent", "absent_ill", *SYMPTOMS)


def session_begun(on_date: dt.date, session: str) -> bool:
    """Whether the session of that day has begun (settings.HEALTH_SESSION_STARTS): it
    cannot be entered before."""
    now = timezone.localtime()
    starts = dt.time.fromisoformat(settings.HEALTH_SESSION_STARTS[session])
    return on_date < now.date() or (on_date == now.date() and now.time() >= starts)


class HealthCheck(models.Model):
    """One class at one session of one day: who was there, who was away, who was ill.

    Twenty million rows a semester: the day's pages read the per-school totals of
    SessionReport, and only a school's own page and the API list these rows.

    ``county`` is the school's, copied when the check is written (a school never
    changes county: the import refuses it and the admin shows it read-only), so
    that a county's newest checks are one range of the (county, id) index instead
    of a walk through the whole city's checks looking for its schools."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", editable=False)
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="checks")
    on_date = models.DateField(_("date"))
    session = models.CharField(_("session"), max_length=8, choices=Session.choices)
    enrolled = models.PositiveIntegerField(_("enrolled"))
    absent = models.PositiveIntegerField(_("absent"), default=0)
    absent_ill = models.PositiveIntegerField(_("absent for illness"), default=0)
    fever = models.PositiveIntegerField(_("fever (≥ 37.3 °C)"), default=0)
    cough = models.PositiveIntegerField(_("cough"), default=0)
    diarrhoea = models.PositiveIntegerField(_("diarrhoea"), default=0)
    rash = models.PositiveIntegerField(_("rash"), default=0)
    other = models.PositiveIntegerField(_("other symptoms"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        indexes = [
            models.Index(fields=["school", "on_date"], name="check_school_day"),
            models.Index(fields=["county", "id"], name="check_county_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "on_date", "session"], name="check_once"
            ),
            models.CheckConstraint(condition=Q(absent__lte=F("enrolled")), name="check_absent"),
            models.CheckConstraint(
                condition=Q(absent_ill__lte=F("absent")), name="check_ill_within_absent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_class} {self.on_date} {self.session}"

    @property
    def present(self) -> int:
        return self.enrolled - self.absent

    @property
    def symptom_count(self) -> int:
        return sum(getattr(self, s) for s in SYMPTOMS)


class SessionReport(models.Model):
    """A school's report of one session: the classes' totals, or nothing to report
    (零报告). The day's county and city pages, the alerts on silence and the
    dispatch report read these 5,600 rows a session, not the classes' rows."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    on_date = models.DateField(_("date"))
    session = models.CharField(_("session"), max_length=8, choices=Session.choices)
    nothing_to_report = models.BooleanField(_("nothing to report"), default=False)
    classes = models.PositiveIntegerField(default=0)
    enrolled = models.PositiveIntegerField(default=0)
    absent = models.PositiveIntegerField(default=0)
    absent_ill = models.PositiveIntegerField(default=0)
    fever = models.PositiveIntegerField(default=0)
    cough = models.PositiveIntegerField(default=0)
    diarrhoea = models.PositiveIntegerField(default=0)
    rash = models.PositiveIntegerField(default=0)
    other = models.PositiveIntegerField(default=0)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session report")
        verbose_name_plural = _("session reports")
        indexes = [models.Index(fields=["on_date", "session"], name="report_day_session")]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "on_date", "session"], name="session_report_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.on_date} {self.session}"


class HealthAlert(models.Model):
    """What the checks of a school raise for its county to follow: a class where an
    illness spreads, a school whose illness absence leaps, fevers, or silence. Raised
    once (``key``), acknowledged and closed by the county with what was done."""

    class Rule(models.TextChoices):
        CLASS_CLUSTER = "class_cluster", _("Same symptom in one class")
        FEVER = "fever", _("Fever cluster")
        RATE = "rate", _("Illness absence leaps above its baseline")
        SILENT = "silent", _("Not reported")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("alert status", "Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CLOSED = "closed", pgettext_lazy("alert status", "Closed")

    key = models.CharField(max_length=80, unique=True)
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("class"),
    )  # fmt: skip
    on_date = models.DateField(_("date"))
    session = models.CharField(_("session"), max_length=8, choices=Session.choices, blank=True)
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices)
    symptom = models.CharField(_("symptom"), max_length=10, blank=True)
    figure = models.DecimalField(_("figure"), max_digits=7, decimal_places=1)
    threshold = models.DecimalField(_("threshold"), max_digits=7, decimal_places=1)
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField(null=True, blank=True)
    action = models.TextField(_("what was done about it"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("health alert")
        verbose_name_plural = _("health alerts")
        ordering = ["-on_date", "-raised_at"]
        indexes = [models.Index(fields=["status", "on_date"], name="alert_status_day")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(action=""), name="alert_closed_says_what"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.on_date}"

    def summary(self) -> str:
        """One line saying what was seen, for the mail and the lists."""
        where = self.school.name + (f" {self.school_class}" if self.school_class_id else "")
        day = date_format(self.on_date, "SHORT_DATE_FORMAT")
        if self.rule == self.Rule.SILENT:
            return _("%(where)s: the %(session)s of %(day)s is not reported.") % {
                "where": where, "session": Session(self.session).label, "day": day,
            }  # fmt: skip
        if self.rule == self.Rule.RATE:
            return _(
                "%(where)s: illness absence %(figure)s%% on %(day)s, above %(threshold)s%% "
                "(%(factor)s times its usual)."
            ) % {
                "where": where, "figure": self.figure, "threshold": self.threshold, "day": day,
                "factor": settings.HEALTH_ALERTS["rate_factor"],
            }  # fmt: skip
        symptom = HealthCheck._meta.get_field(self.symptom).verbose_name
        return _("%(where)s: %(figure)s with %(symptom)s on %(day)s.") % {
            "where": where, "figure": int(self.figure), "symptom": symptom, "day": day,
        }  # fmt: skip


class IllnessCase(models.Model):
    """One pupil or staff member absent for illness or with symptoms, followed until
    they come back cleared (因病缺勤病因追查与登记)."""

    class Isolation(models.TextChoices):
        NONE = "none", _("Not isolated")
        HOME = "home", _("At home")
        HOSPITAL = "hospital", _("In hospital")
        SITE = "site", _("At a designated site")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case status", "Followed")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    symptoms = models.JSONField(_("symptoms"), default=list)  # keys of SYMPTOMS
    onset_on = models.DateField(_("onset"))
    saw_doctor = models.BooleanField(_("saw a doctor"), default=False)
    diagnosis = models.CharField(_("diagnosis"), max_length=100, blank=True)
    isolation = models.CharField(
        _("isolation"), max_length=10, choices=Isolation.choices, default=Isolation.HOME
    )
    return_on = models.DateField(_("back at school on"), null=True, blank=True)
    clearance = models.CharField(_("clearance"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("illness case")
        verbose_name_plural = _("illness cases")
        ordering = ["status", "-onset_on", "-pk"]
        indexes = [models.Index(fields=["school", "status"], name="case_school_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (Q(return_on__isnull=False) & ~Q(clearance="")),
                name="case_closed_with_return_and_clearance",
            ),
            models.CheckConstraint(
                condition=Q(return_on__isnull=True) | Q(return_on__gte=F("onset_on")),
                name="case_returns_after_onset",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.onset_on}"

    def symptom_labels(self) -> list[str]:
        return [str(HealthCheck._meta.get_field(s).verbose_name) for s in self.symptoms]


class HealthCheckImport(CheckedImport):
    """A spreadsheet of sessions (a school's day, or a county's schools), or of
    classes, checked then confirmed through the one import pipeline
    (``people/health_import.py``)."""

    class Kind(models.TextChoices):
        CHECKS = "checks", _("Health checks")
        CLASSES = "classes", _("Classes")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CHECKS)

    class Meta:
        verbose_name = _("health check import")
        verbose_name_plural = _("health check imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
