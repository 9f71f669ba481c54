"""Counties, schools, users with their role and scope, and the daily report."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
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


class SchoolLevel(models.TextChoices):
    UNIVERSITY = "university", _("University")
    VOCATIONAL = "vocational", _("Vocational school")
    HIGH = "high", _("High school")
    MIDDLE = "middle", _("Middle school")
    PRIMARY = "primary", _("Primary school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SPECIAL = "special", _("Special education school")


class School(models.Model):
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
    students = models.PositiveIntegerField(_("students"), default=0)
    staff = models.PositiveIntegerField(_("staff"), default=0)
    principal = models.CharField(_("principal"), max_length=50, blank=True)
    phone = models.CharField(_("principal's phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    risk_level = models.CharField(
        _("regional risk level"), max_length=10, choices=Risk.choices, default="low"
    )
    demonstration = models.BooleanField(_("demonstration school"), default=False)
    # Follows the school's latest approved verification (set by the verification app).
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
    name = models.CharField(_("name"), max_length=50)
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
    abroad = models.PositiveIntegerField(default=0)
    symptoms = models.PositiveIntegerField(default=0)
    observation = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("screening count")
        verbose_name_plural = _("screening counts")

    def __str__(self) -> str:
        return str(self.school_id)


class DispatchReport(models.Model):
    """The frozen daily dispatch report (每日调度) for the city task force.

    One per date: building it twice for the same date returns the first one.
    """

    on_date = models.DateField(_("date"), unique=True)
    data = models.JSONField(_("figures"))
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily dispatch report")
        verbose_name_plural = _("daily dispatch reports")
        ordering = ["-on_date"]

    def __str__(self) -> str:
        return str(self.on_date)


class Upload(models.Model):
    """A spreadsheet uploaded for import, kept between preview and confirmation."""

    class Kind(models.TextChoices):
        SCHOOLS = "schools", _("Schools")
        PEOPLE = "people", _("Person files")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(upload_to="uploads/%Y/%m/")
    original_name = models.CharField(max_length=255)
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return self.original_name


class PersonImport(models.Model):
    """One upload of person files, imported in the background: the whole file or nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Checking and importing")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Not imported: the file has errors")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="imports/people/%Y/%m/")
    original_name = models.CharField(max_length=255)
    upsert = models.BooleanField(_("update existing files"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default="pending")
    rows_read = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first errors, for the page
    error_report = models.FileField(upload_to="imports/errors/%Y/%m/", blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("person import")
        verbose_name_plural = _("person imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class ReopeningPlan(models.Model):
    """A school's return-to-school plan (开学返校工作预案): staggered return by
    grade, the factors considered, a named person for each part, the emergency
    plan. The school submits it; the county (the city for city-direct schools)
    approves it or returns it with a reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    FACTORS = [
        ("risk", _("Regional risk level")),
        ("stage", _("School stage")),
        ("grade", _("Grade")),
        ("study_mode", _("Mode of study")),
        ("origin", _("Where students come from")),
    ]

    school = models.OneToOneField(
        School, on_delete=models.PROTECT, related_name="plan", verbose_name=_("school")
    )
    factors = models.JSONField(_("factors considered"), default=list, blank=True)
    considerations = models.TextField(_("how the factors were considered"), blank=True)
    emergency_plan = models.FileField(_("emergency plan"), upload_to="plans/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return plan")
        verbose_name_plural = _("return plans")

    def __str__(self) -> str:
        return str(self.school)


class PlanStage(models.Model):
    """One step of the staggered return: which grades come back on which day."""

    plan = models.ForeignKey(ReopeningPlan, on_delete=models.CASCADE, related_name="stages")
    grades = models.CharField(_("grades"), max_length=50)
    return_on = models.DateField(_("return date"))

    class Meta:
        ordering = ["return_on", "pk"]

    def __str__(self) -> str:
        return f"{self.grades} {self.return_on}"


class PlanPart(models.Model):
    """A part of the plan and the person responsible for it (责任到人)."""

    plan = models.ForeignKey(ReopeningPlan, on_delete=models.CASCADE, related_name="parts")
    part = models.CharField(_("part"), max_length=50)
    person = models.CharField(_("person responsible"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.part}: {self.person}"


class Drill(models.Model):
    """A drill observation (演练观摩) or training (培训) and the principals attending,
    counted by their schools."""

    class Kind(models.TextChoices):
        DRILL = "drill", _("Drill observation")
        TRAINING = "training", _("Training")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    on_date = models.DateField(_("date"))
    host = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="hosted_drills",
        verbose_name=_("host school"),
    )
    attendees = models.ManyToManyField(
        School, related_name="drills_attended", verbose_name=_("principals attending (by school)")
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("drill or training")
        verbose_name_plural = _("drills and trainings")
        ordering = ["-on_date", "pk"]

    def __str__(self) -> str:
        return self.title
