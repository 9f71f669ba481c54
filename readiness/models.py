"""Counties, schools, users with their role and scope, the daily report, uploads."""

from __future__ import annotations

import functools

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class County(models.Model):
    """One of the city's counties or districts (县区)."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        ZONE = "zone", _("Development zone")

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    # Its place on the dashboard's tile map, by rough geography (north at the top).
    map_row = models.PositiveSmallIntegerField(_("map row"), null=True, blank=True)
    map_column = models.PositiveSmallIntegerField(_("map column"), null=True, blank=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"), name="county_code_six_digits"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["district", "county", "zone"]), name="county_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChoiceLabels(models.Model):
    """``get_FOO_display()`` by one lookup, for models listed by the page.

    Django's own builds a dict of the field's choices on every call, and hashing
    each lazy label on the way translates it: on a page of 50 schools its 200
    calls took a fifth of the page's time. Here each field's labels are
    translated once per language and kept by the worker (the translations are
    read once per process, too); a call looks up the language and then the
    label: the 200 labels of that page cost 9.3 million instructions through
    Django's gettext, one each (callgrind)."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return _labels(field, get_language()).get(make_hashable(value), value)

    @classmethod
    def choice_labels(cls, *names: str) -> dict[str, Labels]:
        """Field name → value → label in the active language, for a list's rows: the
        language looked up once for all of them (a look-up costs a third of a label)."""
        language = get_language()
        return {name: _labels(cls._meta.get_field(name), language) for name in names}


class Labels(dict):
    """A field's labels by value; a value outside the choices reads as itself, as
    ``get_FOO_display()`` shows it."""

    def __missing__(self, value):
        return value


@functools.cache
def _labels(field: models.Field, language: str | None) -> Labels:
    """The field's labels in ``language``, the active one when it is asked for first."""
    return Labels({make_hashable(value): str(label) for value, label in field.flatchoices})


class SchoolLevel(models.TextChoices):
    UNIVERSITY = "university", _("University")
    VOCATIONAL = "vocational", _("Vocational school")
    HIGH = "high", _("High school")
    MIDDLE = "middle", _("Middle school")
    PRIMARY = "primary", _("Primary school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SPECIAL = "special", _("Special education school")


class School(ChoiceLabels):
    """A school or kindergarten (学校), identified by its national school code."""

    Level = SchoolLevel

    class Jurisdiction(models.TextChoices):
        CITY = "city", _("City-direct")
        COUNTY = "county", _("County")

    class Risk(models.TextChoices):
        LOW = "low", _("Low risk")
        MEDIUM = "medium", _("Medium risk")
        HIGH = "high", _("High risk")

    class Readiness(models.TextChoices):
        UNVERIFIED = "unverified", _("Not yet verified")
        PASSED = "passed", _("Ready to reopen")
        CONDITIONAL = "conditional", _("Conditionally ready")
        FAILED = "failed", _("Not ready")

    code = models.CharField(_("school code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="schools", verbose_name=_("county")
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=10, choices=Jurisdiction.choices, default="county"
    )
    boarding = models.BooleanField(_("boarding"), default=False)
    beds = models.PositiveIntegerField(_("boarding beds"), default=0)
    students = models.PositiveIntegerField(_("students"), default=0)
    staff = models.PositiveIntegerField(_("staff"), default=0)
    principal = models.CharField(_("principal"), max_length=50, blank=True)
    phone = models.CharField(_("principal's phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    risk_level = models.CharField(
        _("regional risk level"), max_length=10, choices=Risk.choices, default="low"
    )
    demonstration = models.BooleanField(_("demonstration school"), default=False)
    # Computed from the criteria of every line of work (readiness/criteria.py), never typed.
    readiness = models.CharField(
        _("readiness"), max_length=12, choices=Readiness.choices, default="unverified"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["county__order", "code"]
        indexes = [
            models.Index(fields=["county", "level"], name="school_county_level"),
            models.Index(fields=["county", "jurisdiction"], name="school_county_jurisdiction"),
            models.Index(fields=["name"], name="school_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{10}$"), name="school_code_ten_digits"
            ),
            models.CheckConstraint(
                condition=Q(level__in=SchoolLevel.values), name="school_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(jurisdiction__in=["city", "county"]),
                name="school_jurisdiction_valid",
            ),
            models.CheckConstraint(
                condition=Q(risk_level__in=["low", "medium", "high"]), name="school_risk_valid"
            ),
            models.CheckConstraint(
                condition=Q(readiness__in=["unverified", "passed", "conditional", "failed"]),
                name="school_readiness_valid",
            ),
            # Universities located in the city are verified by city teams.
            models.CheckConstraint(
                condition=~Q(level="university") | Q(jurisdiction="city"),
                name="school_university_is_city_direct",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A portal user with a role and a scope (the city, one county or one school).

    Role and scope live on the user row itself rather than in a separate profile
    table: every request reads them, and this saves a join each time.
    """

    class Role(models.TextChoices):
        TASK_FORCE = "task_force", _("City task force")
        CITY_STAFF = "city_staff", _("City education bureau")
        COUNTY_OFFICIAL = "county_official", _("County education bureau")
        VERIFIER = "verifier", _("Verification team member")
        INSPECTOR = "inspector", _("Inspection squad member")
        SCHOOL = "school", _("School contact")
        SUPPLIES = "supplies", _("Supplies officer")

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("county"),
        help_text=_("For a county-level scope."),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("school"),
        help_text=_("For a school contact."),
    )
    # API tokens issued before this moment no longer work (readiness.api_auth).
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    # Set when someone else chose the password (an initial or a reset one): the user
    # changes it before anything else (readiness.middleware.PasswordChangeRequired).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A scope is the city (neither), one county, or one school, never both.
            models.CheckConstraint(
                condition=Q(county__isnull=True) | Q(school__isnull=True),
                name="user_scope_one_level",
            ),
            models.CheckConstraint(
                condition=~Q(role="school") | Q(school__isnull=False),
                name="user_school_contact_has_school",
            ),
            models.CheckConstraint(
                condition=Q(school__isnull=True) | Q(role="school"),
                name="user_school_scope_only_for_contacts",
            ),
            models.CheckConstraint(
                condition=~Q(role="county_official") | Q(county__isnull=False),
                name="user_county_official_has_county",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["task_force", "city_staff"]) | Q(county__isnull=True),
                name="user_city_roles_have_city_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self.password_changed_at = timezone.now()


class DispatchReport(models.Model):
    """The frozen daily dispatch report (每日调度) for the city task force.

    One per date: building it twice for the same date returns the first one.
    """

    on_date = models.DateField(_("date"), unique=True)
    data = models.JSONField(_("figures"))
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)
    # Rendered once, when the report is built (or on first demand for one built
    # before): the snapshot never changes, so neither does its PDF.
    pdf = models.FileField(upload_to="dispatch/%Y/", blank=True)

    class Meta:
        verbose_name = _("daily dispatch report")
        verbose_name_plural = _("daily dispatch reports")
        ordering = ["-on_date"]

    def __str__(self) -> str:
        return str(self.on_date)


class DispatchReportRevision(models.Model):
    """A snapshot a rebuild replaced: what the report said, when it was built,
    and who rebuilt it and why."""

    report = models.ForeignKey(DispatchReport, on_delete=models.CASCADE, related_name="revisions")
    data = models.JSONField()
    built_at = models.DateTimeField()
    replaced_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # None: from the shell
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report_id} @ {self.built_at:%Y-%m-%d %H:%M}"


class Job(models.Model):
    """A long piece of work done in the background for one user (an import, a ZIP).

    Abstract: each line of work keeps its own table with its own parameters and
    results; the claim, the progress, the lease and the status page are shared
    (``readiness/jobs.py``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Working")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Not imported: the file has errors")
        FAILED = "failed", _("Failed")

    FINAL = ("done", "refused", "failed")

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default="pending")
    done = models.PositiveIntegerField(default=0)  # rows read, files written: the progress
    total = models.PositiveIntegerField(null=True, blank=True)  # when known in advance
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.status in self.FINAL


class AuditEntry(models.Model):
    """One write (or one read of what needs watching: whole identity numbers,
    exports of person files): who, when, what, on what, from which address.

    Rows are only ever added (``readiness.audit``); the portal offers no way to
    change or remove one, and on PostgreSQL a trigger refuses it outright."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    # PROTECT: a user or county with entries is deactivated, never deleted.
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)  # kept if the user goes
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target = models.CharField(_("on"), max_length=120, blank=True)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["actor", "at"], name="audit_actor_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"


class CheckedImport(Job):
    """A spreadsheet read in the background twice: checked first (stage
    "preview", nothing written), then, once its uploader confirms, imported
    (stage "confirm"), the whole file or nothing. ``done`` counts rows.

    Abstract: each line of work keeps its own table with its own parameters;
    the steps are shared (``readiness/imports.py``)."""

    class Stage(models.TextChoices):
        PREVIEW = "preview", _("Checking")
        CONFIRM = "confirm", _("Importing")

    file = models.FileField(upload_to="uploads/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255)
    language = models.CharField(max_length=10)  # the uploader's, for the messages
    stage = models.CharField(max_length=8, choices=Stage.choices, default="preview")
    outcome = models.JSONField(default=dict, blank=True)  # errors, preview rows, counts

    class Meta:
        abstract = True


class SchoolImport(CheckedImport):
    """A spreadsheet of schools (``readiness.resources.SchoolResource``)."""

    update_existing = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("school import")
        verbose_name_plural = _("school imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class AccountImport(CheckedImport):
    """A spreadsheet of accounts, one per school contact (``readiness/accounts/imports.py``).

    ``delivery`` says how the new users get their first password: a one-time link
    by mail, or a printed sheet of initial passwords changed at first login."""

    class Delivery(models.TextChoices):
        LINK = "link", _("A link by mail to set the password")
        SHEET = "sheet", _("A printed sheet of initial passwords")

    delivery = models.CharField(_("first password"), max_length=5, choices=Delivery.choices)
    accounts = models.ManyToManyField(User, related_name="+", blank=True)  # those it created

    class Meta:
        verbose_name = _("account import")
        verbose_name_plural = _("account imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


# --- Readiness as a computed fact (readiness/criteria.py) -------------------------


class Criterion(models.TextChoices):
    """The state of one criterion for one school."""

    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NO_DATA = "no_data", _("No data")


class ReadinessPolicy(models.Model):
    """The city's rules for readiness, one row per version (the latest applies):
    for each criterion whether it is required for "ready" (``required``), only
    makes a school "conditionally ready" (``conditional``) or is not counted
    (``off``); and the targets the criteria read (coverage %, days of cover)."""

    class Level(models.TextChoices):
        REQUIRED = "required", _("Required for ready")
        CONDITIONAL = "conditional", _("Conditionally ready without it")
        OFF = "off", _("Not counted")

    levels = models.JSONField(default=dict)
    targets = models.JSONField(default=dict)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("readiness policy")
        verbose_name_plural = _("readiness policies")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.pk}"


class SchoolJudgement(models.Model):
    """Each criterion's state for one school, as last computed: one row per school,
    ``criteria`` maps a criterion's key to its ``state``, ``conditional``,
    ``reason`` and ``link``. One row (not one per criterion) because a recompute of
    the city reads them all and compares each school's whole judgement at once."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, primary_key=True, related_name="judgement"
    )
    criteria = models.JSONField(default=dict)
    digest = models.CharField(max_length=32)  # readiness.criteria.digest_of
    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.school_id}: {self.checked_at}"


class ReadinessChange(models.Model):
    """A school's readiness changed: from, to, when, and the criterion that changed it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="readiness_changes")
    before = models.CharField(max_length=12, choices=School.Readiness.choices)
    after = models.CharField(max_length=12, choices=School.Readiness.choices)
    key = models.CharField(max_length=30, blank=True)  # the criterion; "" for the policy
    reason = models.CharField(max_length=200, blank=True)
    link = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["school", "-at"], name="readiness_change_school")]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.before} → {self.after}"

    @property
    def lost(self) -> bool:
        """The school was ready (or conditionally) and no longer is."""
        was = self.before in (School.Readiness.PASSED, School.Readiness.CONDITIONAL)
        return was and self.after == School.Readiness.FAILED


class ReadinessNotice(models.Model):
    """A school lost its readiness: shown to a user at the top of the home page
    until they open it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    change = models.ForeignKey(ReadinessChange, on_delete=models.CASCADE, related_name="notices")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "read_at"], name="readiness_notice_unread")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.change_id}"


class DashboardTargets(models.Model):
    """The thresholds the city bureau sets for the dashboard's county table, one
    row per version (the latest applies): for each measure (``dispatch.Measure``),
    ``{"green": x, "amber": y}``; and the days after which a school's data is
    listed as stale in the report."""

    STALE_DAYS = 7

    thresholds = models.JSONField(default=dict)
    stale_days = models.PositiveSmallIntegerField(
        _("days before data is stale"),
        default=STALE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.pk}"


class CitySettings(models.Model):
    """One version of the settings the city bureau sets (``readiness/city_settings.py``):
    every value, and those this version changed ({key: [before, after]}); the latest
    row is in force."""

    values = models.JSONField(default=dict)
    changed = models.JSONField(default=dict)
    note = models.CharField(_("what changed"), max_length=200)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("city settings")
        verbose_name_plural = _("city settings")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.note}"


class IdempotentRequest(models.Model):
    """A write the API has done under a client's ``Idempotency-Key``: the same key sent
    again by the same user is answered with the stored response and does nothing
    (``readiness.idempotency``). Kept ``IDEMPOTENCY_DAYS`` days."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
