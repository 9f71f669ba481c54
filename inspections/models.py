"""Unannounced inspections (督查, 四不两直) and the rectification loop.

Squads plan visits that stay hidden until recorded, record findings on site,
issue numbered rectification notices (整改通知书), and close findings once the
school's rectification report (整改上报) is accepted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from readiness.models import County, Job, School
from readiness.uploads import StoredUpload


class KeyArea(models.Model):
    """One of the five key areas (重点区域): gate, classrooms, infirmary, canteen, dormitories."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("key area")
        verbose_name_plural = _("key areas")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Aspect(models.Model):
    """One of the seven important aspects (重要方面) checked on a visit."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class InspectionSquad(models.Model):
    """An inspection squad (督查小组) and the counties it covers."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_squads",
        verbose_name=_("leader"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="squads", blank=True, verbose_name=_("members")
    )
    counties = models.ManyToManyField(County, related_name="squads", verbose_name=_("counties"))

    class Meta:
        verbose_name = _("inspection squad")
        verbose_name_plural = _("inspection squads")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """One unannounced inspection of one school. Planned visits are secret."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RECORDED = "recorded", _("Recorded")

    squad = models.ForeignKey(
        InspectionSquad, on_delete=models.PROTECT, related_name="visits", verbose_name=_("squad")
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="visits", verbose_name=_("school")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default="planned"
    )
    planned_on = models.DateField(_("planned date"))
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("members present")
    )
    summary = models.TextField(_("summary"), blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["summary"])

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-planned_on", "pk"]
        indexes = [models.Index(fields=["school", "status", "visited_at"], name="visit_school")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned", visited_at__isnull=True)
                | Q(status="recorded", visited_at__isnull=False),
                name="visit_recorded_has_time",
            ),
            # A school is planned at most once for a day, by any squad, by draw or by code.
            models.UniqueConstraint(fields=["school", "planned_on"], name="visit_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.planned_on}"

    def get_absolute_url(self) -> str:
        return reverse("visit_detail", args=[self.pk])


class VisitCheck(models.Model):
    """The result of a visit for one key area or one aspect."""

    class Result(models.TextChoices):
        OK = "ok", _("In order")
        PROBLEM = "problem", _("Problems found")
        NOT_APPLICABLE = "na", _("Not applicable")
        NOT_CHECKED = "skipped", _("Not checked")  # the note says why

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="checks")
    key_area = models.ForeignKey(KeyArea, on_delete=models.PROTECT, null=True, blank=True)
    aspect = models.ForeignKey(Aspect, on_delete=models.PROTECT, null=True, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("visit check")
        verbose_name_plural = _("visit checks")
        constraints = [
            models.CheckConstraint(
                condition=Q(key_area__isnull=True) ^ Q(aspect__isnull=True),
                name="check_area_xor_aspect",
            ),
            models.UniqueConstraint(fields=["visit", "key_area"], name="check_area_once"),
            models.UniqueConstraint(fields=["visit", "aspect"], name="check_aspect_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key_area or self.aspect}: {self.result}"


class Finding(models.Model):
    """A problem found on a visit, with its rectification requirement and deadline."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("finding status", "Open")
        REPORTED = "reported", _("Rectification reported")
        CLOSED = "closed", _("Closed")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="findings")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="findings")
    description = models.TextField(_("description"))
    key_area = models.ForeignKey(
        KeyArea, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("key area")
    )
    aspect = models.ForeignKey(
        Aspect, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("aspect")
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    requirement = models.TextField(_("rectification requirement"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    overdue = models.BooleanField(_("overdue"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="finding_status_deadline"),
            models.Index(fields=["school", "status"], name="finding_school_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_area__isnull=True) ^ Q(aspect__isnull=True),
                name="finding_area_xor_aspect",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def place(self):
        return self.key_area or self.aspect

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.CLOSED and self.deadline < timezone.localdate()


class FindingPhoto(StoredUpload, models.Model):
    KIND = "finding"  # its name in the URL of the files view

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="findings/%Y/%m/")
    # The photo's small JPEG, made at upload (readiness.uploads.thumbnail).
    thumbnail = models.FileField(upload_to="thumbnails/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("finding photo")
        verbose_name_plural = _("finding photos")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.file.name

    def get_absolute_url(self) -> str:
        return reverse("inspection_file", args=[self.KIND, self.pk])

    def get_thumbnail_url(self) -> str:
        return reverse("inspection_file_thumbnail", args=[self.KIND, self.pk])


class NoticeCounter(models.Model):
    """The last notice number of a year; its row lock makes numbers gap-free."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class RectificationNotice(models.Model):
    """A numbered rectification notice (整改通知书). Never changed once issued:
    a correction is a new version that supersedes it."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="notices")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    findings = models.ManyToManyField(Finding, related_name="notices", verbose_name=_("findings"))
    pdf = models.FileField(upload_to="notices/%Y/")
    sha256 = models.CharField(max_length=64)
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-year", "-number", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number", "version"], name="notice_number_once"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notice_detail", args=[self.pk])

    @property
    def title(self) -> str:
        suffix = f"（更正{self.version - 1}）" if self.version > 1 else ""
        return f"临教督整〔{self.year}〕第{self.number:03d}号{suffix}"


class RectificationReport(models.Model):
    """A school's report that it has fixed a finding (整改上报)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("what was done"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default="pending"
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding"], condition=Q(decision="pending"), name="report_one_pending"
            ),
            models.CheckConstraint(
                condition=~Q(decision="rejected") | ~Q(reason=""),
                name="report_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding}: {self.decision}"


class ReportEvidence(StoredUpload, models.Model):
    KIND = "report"  # its name in the URL of the files view

    report = models.ForeignKey(
        RectificationReport, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to="rectification/%Y/%m/")
    # A photo's small JPEG, made at upload; none for a PDF.
    thumbnail = models.FileField(upload_to="thumbnails/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.file.name

    def get_absolute_url(self) -> str:
        return reverse("inspection_file", args=[self.KIND, self.pk])

    def get_thumbnail_url(self) -> str:
        return reverse("inspection_file_thumbnail", args=[self.KIND, self.pk])


class NoticeArchive(Job):
    """A ZIP of notices built in the background for one user; ``done`` counts
    the notices written into it so far."""

    notice_ids = models.JSONField(default=list)
    file = models.FileField(upload_to="archives/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("notice archive")
        verbose_name_plural = _("notice archives")

    def __str__(self) -> str:
        return f"{self.owner}: {len(self.notice_ids)}"
