"""factory_boy factories of the inspections app.

They build rows as the services leave them (a recorded visit has its time, a
pending report's finding is reported), without the services' checks, PDFs or
mail: tests of a service call the service itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from io import BytesIO

import factory
from django.utils import timezone

from inspections.models import (
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
from inspections.services import deadline_days
from readiness.models import User
from tests.readiness.factories import SchoolFactory, UserFactory, pdf_bytes

# The smallest file a PDF reader opens: stands in for a rendered notice.
TINY_PDF = pdf_bytes()


def jpeg_bytes() -> bytes:
    """A real 8×8 JPEG, as a phone would upload."""
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


class InspectorFactory(UserFactory):
    role = User.Role.INSPECTOR


class SchoolContactFactory(UserFactory):
    role = User.Role.SCHOOL


class KeyAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyArea
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"area{n}")
    name = factory.Sequence(lambda n: f"区域{n}")
    order = factory.Sequence(lambda n: n)


class AspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aspect
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"aspect{n}")
    name = factory.Sequence(lambda n: f"方面{n}")
    order = factory.Sequence(lambda n: n)


class InspectionSquadFactory(factory.django.DjangoModelFactory):
    """A squad led by a new inspector, who is also its first member."""

    class Meta:
        model = InspectionSquad
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"督查第{n}组")
    leader = factory.SubFactory(InspectorFactory)

    @factory.post_generation
    def counties(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.counties.add(*extracted)

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create:
            obj.members.add(*(extracted if extracted is not None else [obj.leader]))


class VisitFactory(factory.django.DjangoModelFactory):
    """A planned visit; ``recorded=True`` gives one recorded two hours ago, planned
    on a day of its own in the past (a school is planned at most once a day)."""

    class Meta:
        model = Visit
        skip_postgeneration_save = True

    class Params:
        recorded = factory.Trait(
            status=Visit.Status.RECORDED,
            visited_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2)),
            planned_on=factory.Sequence(lambda n: timezone.localdate() - dt.timedelta(days=n + 1)),
        )

    squad = factory.SubFactory(InspectionSquadFactory)
    school = factory.SubFactory(SchoolFactory)
    status = Visit.Status.PLANNED
    planned_on = factory.LazyFunction(timezone.localdate)
    visited_at = None
    planned_by = factory.SelfAttribute("squad.leader")

    @factory.post_generation
    def present(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.present.set(extracted)


class VisitCheckFactory(factory.django.DjangoModelFactory):
    """A result for a key area; pass ``aspect=`` for one of an aspect instead."""

    class Meta:
        model = VisitCheck

    visit = factory.SubFactory(VisitFactory, recorded=True)
    aspect = None
    key_area = factory.Maybe("aspect", None, factory.SubFactory(KeyAreaFactory))
    result = VisitCheck.Result.OK
    note = ""


class FindingFactory(factory.django.DjangoModelFactory):
    """An open finding of a recorded visit, at a key area unless ``aspect=`` is given,
    with the default deadline of its severity."""

    class Meta:
        model = Finding

    visit = factory.SubFactory(VisitFactory, recorded=True)
    school = factory.SelfAttribute("visit.school")
    description = factory.Sequence(lambda n: f"问题{n}")
    aspect = None
    key_area = factory.Maybe("aspect", None, factory.SubFactory(KeyAreaFactory))
    severity = Finding.Severity.MINOR
    requirement = "立即整改并上报"
    deadline = factory.LazyAttribute(
        lambda o: timezone.localdate() + dt.timedelta(days=deadline_days(o.severity))
    )
    status = Finding.Status.OPEN
    created_by = factory.SelfAttribute("visit.squad.leader")


class FindingPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FindingPhoto

    finding = factory.SubFactory(FindingFactory)
    file = factory.django.FileField(filename="photo.jpg", from_func=lambda: BytesIO(jpeg_bytes()))
    content_type = "image/jpeg"
    size = factory.LazyAttribute(lambda o: o.file.size)
    uploaded_by = factory.SelfAttribute("finding.created_by")


def _next_number(notice) -> int:
    # The same counter the service numbers from, so built and issued notices never clash.
    counter, _created = NoticeCounter.objects.get_or_create(year=notice.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


class RectificationNoticeFactory(factory.django.DjangoModelFactory):
    """An issued notice with a stand-in PDF; pass ``findings=[...]`` to print them on it."""

    class Meta:
        model = RectificationNotice
        skip_postgeneration_save = True

    visit = factory.SubFactory(VisitFactory, recorded=True)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    number = factory.LazyAttribute(_next_number)
    version = 1
    supersedes = None
    pdf = factory.django.FileField(filename="notice.pdf", data=TINY_PDF)
    sha256 = hashlib.sha256(TINY_PDF).hexdigest()
    code = factory.Sequence(lambda n: f"{n:016x}")
    issued_by = factory.SelfAttribute("visit.squad.leader")
    issued_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def findings(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.findings.set(extracted)


class RectificationReportFactory(factory.django.DjangoModelFactory):
    """A report waiting for review, by a contact of the finding's school; its finding is
    marked reported, as submitting leaves it."""

    class Meta:
        model = RectificationReport
        skip_postgeneration_save = True

    finding = factory.SubFactory(FindingFactory)
    text = "已整改"
    submitted_by = factory.SubFactory(
        SchoolContactFactory, school=factory.SelfAttribute("..finding.school")
    )
    decision = RectificationReport.Decision.PENDING

    @factory.post_generation
    def finding_reported(obj, create, extracted, **kwargs):
        if create and obj.decision == RectificationReport.Decision.PENDING:
            Finding.objects.filter(pk=obj.finding_id, status=Finding.Status.OPEN).update(
                status=Finding.Status.REPORTED
            )
            obj.finding.refresh_from_db(fields=["status"])


class ReportEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportEvidence

    report = factory.SubFactory(RectificationReportFactory)
    file = factory.django.FileField(
        filename="evidence.jpg", from_func=lambda: BytesIO(jpeg_bytes())
    )
    content_type = "image/jpeg"
    size = factory.LazyAttribute(lambda o: o.file.size)


class NoticeArchiveFactory(factory.django.DjangoModelFactory):
    """An archive waiting to be built; pass ``notices=[...]`` to choose what goes in."""

    class Meta:
        model = NoticeArchive

    class Params:
        notices = ()

    owner = factory.SubFactory(InspectorFactory)
    notice_ids = factory.LazyAttribute(lambda o: [n.pk for n in o.notices])
    status = NoticeArchive.Status.PENDING
