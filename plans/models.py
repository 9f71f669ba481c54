"""Return plans (开学返校工作预案), drills and trainings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from readiness.models import School, User


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


class Term(models.Model):
    """The day the term starts (开学日期), set by the city bureau: no stage of a
    return plan comes before it. The latest row is in force; the earlier rows are
    its history."""

    starts_on = models.DateField(_("term starts on"))
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-set_at", "-pk"]

    def __str__(self) -> str:
        return self.starts_on.isoformat()


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
