"""Verification of reopening conditions (开学条件核验).

Five departments form verification teams; a team verifies a school against a
published version of the rules (核验细则), each department confirms its part,
the team submits and the leader approves or returns it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from readiness.models import County, School
from readiness.uploads import StoredUpload


class Department(models.Model):
    """One of the five departments taking part in verification (部门)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class VerificationTeam(models.Model):
    """A verification team (核验组): a city team or a county's own team."""

    class Level(models.TextChoices):
        CITY = "city", _("City team")
        COUNTY = "county", _("County team")

    name = models.CharField(_("name"), max_length=50, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verification_teams",
        verbose_name=_("county"),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_teams",
        verbose_name=_("leader"),
    )

    class Meta:
        verbose_name = _("verification team")
        verbose_name_plural = _("verification teams")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="city") & Q(county__isnull=True))
                | (Q(level="county") & Q(county__isnull=False)),
                name="team_county_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A user's place in a team, for one department."""

    team = models.ForeignKey(VerificationTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.department})"


class ChecklistTemplate(models.Model):
    """One version of the verification rules. Published versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="template_version_once"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(status="draft"), name="template_one_draft"
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(status="published"), name="template_one_published"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="template_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ChecklistSection(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="section_code_once"),
        ]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    """One rule to verify; applies to the levels listed (all when empty)."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    text = models.CharField(_("requirement"), max_length=300)
    guidance = models.TextField(_("guidance"), blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    veto = models.BooleanField(_("veto item"), default=False)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    levels = models.JSONField(_("school levels"), default=list, blank=True)
    boarding_only = models.BooleanField(_("boarding schools only"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Bound to a fact of the school (readiness.criteria.fact_specs) and a threshold:
    # the checklist shows the live value and proposes the answer.
    fact = models.CharField(_("fact read"), max_length=60, blank=True)
    threshold = models.DecimalField(
        _("threshold"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["section__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="item_code_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def level_labels(self) -> str:
        """The levels it applies to, named in the active language ("" for all)."""
        return "、".join(str(School.Level(value).label) for value in self.levels or [])

    def applies_to(self, school: School) -> bool:
        if self.levels and school.level not in self.levels:
            return False
        return not (self.boarding_only and not school.boarding)


class Verification(models.Model):
    """One team's verification of one school (核验)."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    class Result(models.TextChoices):
        PASSED = "passed", _("Ready to reopen")
        CONDITIONAL = "conditional", _("Conditionally ready")
        FAILED = "failed", _("Not ready")

    OPEN = ("assigned", "in_progress", "submitted", "returned")
    EDITABLE = ("assigned", "in_progress", "returned")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="verifications", verbose_name=_("school")
    )
    team = models.ForeignKey(
        VerificationTeam,
        on_delete=models.PROTECT,
        related_name="verifications",
        verbose_name=_("team"),
    )
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("rules")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default="assigned"
    )
    planned_on = models.DateField(_("planned date"))
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, blank=True)
    reverify_due = models.DateField(_("re-verification due"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reverifications",
        verbose_name=_("previous verification"),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-planned_on", "school__code"]
        indexes = [
            models.Index(fields=["status", "planned_on"], name="verification_status_date"),
        ]
        constraints = [
            # One verification under way per school at a time.
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(status__in=["assigned", "in_progress", "submitted", "returned"]),
                name="verification_one_open_per_school",
            ),
            models.CheckConstraint(
                condition=(Q(status="approved") & ~Q(result=""))
                | (~Q(status="approved") & Q(result="")),
                name="verification_result_iff_approved",
            ),
            models.CheckConstraint(
                condition=~Q(result="conditional") | Q(reverify_due__isnull=False),
                name="verification_conditional_has_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.planned_on}"

    def get_absolute_url(self) -> str:
        return reverse("verification_detail", args=[self.pk])

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_overdue(self) -> bool:
        """Planned for a day that has passed and still with the team."""
        return self.editable and self.planned_on < timezone.localdate()


class AnswerHistory(HistoricalRecords):
    """The answers' history, indexed for one verification's latest changes: the
    checklist page shows the ten latest, and a verification worked on for days
    has thousands (sorting them all took 17 ms a page)."""

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        latest = models.Index(
            fields=["verification", "-history_date"], name="answer_history_latest"
        )
        meta["indexes"] = (*meta.get("indexes", ()), latest)
        return meta


class Response(models.Model):
    """The answer to one item in one verification."""

    class Answer(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        NOT_APPLICABLE = "na", _("Not applicable")

    verification = models.ForeignKey(
        Verification, on_delete=models.CASCADE, related_name="responses"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=4, choices=Answer.choices)
    note = models.TextField(_("note"), blank=True)
    # Bumped on every change: an edit made against an older revision is stale.
    revision = models.PositiveIntegerField(default=1)
    # For an item bound to a fact: the value read when the answer was saved, when
    # it was read, and the answer it proposed ("" without data).
    fact_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    fact_read_at = models.DateTimeField(null=True, blank=True)
    fact_proposed = models.CharField(max_length=4, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now=True)
    # The team leader may answer an item of any department: such an answer is
    # marked, and it is the only kind a department confirms without having given it.
    by_leader = models.BooleanField(_("answered by the leader for the department"), default=False)

    history = AnswerHistory()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["verification", "item"], name="response_once"),
            models.CheckConstraint(
                condition=Q(answer__in=["pass", "fail", "na"]), name="response_answer_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.answer}"


class Evidence(StoredUpload, models.Model):
    """A photo or PDF attached to an answer; stored under a generated name."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    # A photo's small JPEG, made at upload (readiness.uploads.thumbnail); none for a PDF.
    thumbnail = models.FileField(upload_to="thumbnails/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("verification_evidence", args=[self.pk])

    def get_thumbnail_url(self) -> str:
        return reverse("verification_evidence_thumbnail", args=[self.pk])


class DepartmentSignoff(models.Model):
    """A department's confirmation of its part of a verification."""

    verification = models.ForeignKey(
        Verification, on_delete=models.CASCADE, related_name="signoffs"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department sign-off")
        verbose_name_plural = _("department sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["verification", "department"], name="signoff_once_per_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.confirmed_by}"
