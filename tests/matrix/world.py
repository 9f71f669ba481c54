"""The world the access matrix is tried in: two counties, each with a school and
the rows of every line of work, and a user of every role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from people.models import (
    HealthAlert,
    HealthCheck,
    HealthCheckImport,
    IllnessCase,
    PersonImport,
    SchoolClass,
)
from readiness.models import AccountImport, DispatchReport, SchoolImport
from tests.inspections.factories import (
    FindingFactory,
    FindingPhotoFactory,
    InspectionSquadFactory,
    NoticeArchiveFactory,
    RectificationNoticeFactory,
    RectificationReportFactory,
    ReportEvidenceFactory,
    VisitFactory,
    jpeg_bytes,
)
from tests.people.factories import PersonFactory
from tests.plans.factories import DrillFactory, ReopeningPlanFactory
from tests.readiness.factories import CountyFactory, SchoolFactory, UserFactory
from tests.verification.factories import (
    ChecklistTemplateFactory,
    DepartmentFactory,
    TeamMemberFactory,
    VerificationFactory,
    VerificationTeamFactory,
)
from verification.models import Evidence, Response

ROLES = [
    "anonymous", "task_force", "city_staff", "supplies", "county_a", "county_b",
    "verifier", "leader", "inspector", "school_a", "school_other",
]  # fmt: skip


@dataclass
class Side:
    """The rows of one county."""

    school: object
    verification: object
    approved: object
    evidence: object
    visit: object
    finding: object
    notice: object
    report: object
    photo: object
    report_evidence: object
    plan: object
    drill: object
    person: object
    alert: object = None
    case: object = None
    check: object = None
    depot: object = None
    shipment: object = None
    supply_plan: object = None
    supply_request: object = None
    movement: object = None
    contact: object = None  # a school contact's account, kept by the county


def _side(county, prefix: str, template, department) -> tuple[Side, dict]:
    school = SchoolFactory(county=county, name=f"{prefix}学校")
    team = VerificationTeamFactory(county=county, name=f"{prefix}核验组")
    member = TeamMemberFactory(team=team, department=department).user
    team.leader = member
    team.save()
    verification = VerificationFactory(school=school, team=team, template=template)
    approved = VerificationFactory(
        school=SchoolFactory(county=county), team=team, template=template,
        status="approved", result="passed", approved_at=timezone.now(),
    )  # fmt: skip
    response = Response.objects.create(
        verification=verification, item=template.items.first(), answer="pass", answered_by=member
    )
    evidence = Evidence(
        response=response, original_name="photo.jpg", content_type="image/jpeg", size=1
    )
    evidence.file.save("e.jpg", ContentFile(jpeg_bytes()), save=False)
    evidence.uploaded_by = member
    evidence.save()
    squad = InspectionSquadFactory(name=f"{prefix}督查组", counties=[county])
    visit = VisitFactory(squad=squad, school=school, recorded=True)
    finding = FindingFactory(visit=visit)
    notice = RectificationNoticeFactory(visit=visit, findings=[finding])
    report = RectificationReportFactory(finding=FindingFactory(visit=visit))
    side = Side(
        school=school,
        verification=verification,
        approved=approved,
        evidence=evidence,
        visit=visit,
        finding=finding,
        notice=notice,
        report=report,
        photo=FindingPhotoFactory(finding=finding),
        report_evidence=ReportEvidenceFactory(report=report),
        plan=ReopeningPlanFactory(school=school, status="submitted"),
        drill=DrillFactory(host=school, attendees=[school]),
        person=PersonFactory(school=school),
        alert=HealthAlert.objects.create(
            key=f"fever:{prefix}",
            school=school,
            on_date=timezone.localdate(),
            rule="fever",
            symptom="fever",
            figure=2,
            threshold=2,
        ),
    )
    side.case = IllnessCase.objects.create(
        school=school, person=side.person, symptoms=["fever"], onset_on=timezone.localdate(),
        opened_by=member,
    )  # fmt: skip
    side.check = HealthCheck.objects.create(
        school=school, county_id=school.county_id, school_class=SchoolClass.objects.create(school=school, grade="一年级",
                                                               name="1班", enrolled=40),
        on_date=timezone.localdate(), session="morning", enrolled=40, entered_by=member,
    )  # fmt: skip
    return side, {"member": member, "squad": squad, "contact": report.submitted_by}


def build() -> dict:
    """Both counties, every role, and the rows that belong to one user only."""
    from tests.verification.factories import ChecklistItemFactory, ChecklistSectionFactory

    county_a = CountyFactory(code="371302", name="兰山区", order=1)
    county_b = CountyFactory(code="371323", name="沂水县", order=6)
    department = DepartmentFactory(code="education", name="教育")
    template = ChecklistTemplateFactory(status="published", published_at=timezone.now())
    ChecklistItemFactory(section=ChecklistSectionFactory(template=template), department=department)
    a, a_people = _side(county_a, "兰山", template, department)
    b, _ = _side(county_b, "沂水", template, department)
    inspector = a_people["squad"].leader
    a_people["squad"].members.add(UserFactory(role="inspector"))  # one to remove
    users = {
        "anonymous": None,
        "task_force": UserFactory(role="task_force"),
        "city_staff": UserFactory(role="city_staff"),
        "supplies": UserFactory(role="supplies"),
        "county_a": UserFactory(role="county_official", county=county_a),
        "county_b": UserFactory(role="county_official", county=county_b),
        "verifier": TeamMemberFactory(
            team=a.verification.team, department=DepartmentFactory(code="health", name="卫健")
        ).user,
        "leader": a_people["member"],
        "inspector": inspector,
        "school_a": a_people["contact"],
        "school_other": UserFactory(role="school", school=SchoolFactory(county=county_a)),
    }
    upload = SchoolImport(
        owner=users["county_a"], original_name="s.csv", language="zh-hans", status="done"
    )
    upload.file.save("s.csv", ContentFile(b"code\n"), save=True)
    job = PersonImport(owner=users["county_a"], original_name="p.csv", status="refused")
    job.error_report.save("e.csv", ContentFile(b"row\n"), save=False)
    job.save()
    archive = NoticeArchiveFactory(owner=inspector, notices=[a.notice], status="done")
    archive.file.save("n.zip", ContentFile(b"PK"), save=True)
    _supplies(a, county_a, users["supplies"], users["school_a"])
    b_contact = UserFactory(role="school", school=b.school)
    _supplies(b, county_b, users["supplies"], b_contact)
    a.contact, b.contact = users["school_a"], b_contact
    receipts = _receipt_upload(users["supplies"])
    notice = _readiness_notice(a.school, users["county_a"])
    health_job = HealthCheckImport(
        owner=users["county_a"], original_name="h.csv", language="zh-hans", status="done"
    )
    health_job.file.save("h.csv", ContentFile(b"date\n"), save=True)
    account_job = AccountImport(
        owner=users["county_a"], original_name="a.csv", language="zh-hans", status="done",
        stage="confirm", delivery="sheet",
    )  # fmt: skip
    account_job.save()
    account_job.accounts.add(users["school_other"])
    report = DispatchReport.objects.get_or_create(  # the demo city's own, in the benchmarks
        on_date=timezone.localdate() - dt.timedelta(days=1), defaults={"data": {"sections": {}}}
    )[0]
    return {
        "a": a, "b": b, "users": users, "upload": upload, "job": job,
        "archive": archive, "report": report, "template": template,
        "receipt_upload": receipts, "notice": notice, "health_job": health_job,
        "account_job": account_job, "squad": a_people["squad"],
    }  # fmt: skip


def _readiness_notice(school, user):
    """A notice to county A's official that side A's school lost its readiness."""
    from readiness.models import ReadinessChange, ReadinessNotice

    change = ReadinessChange.objects.create(
        school=school, before="passed", after="failed", key="inspections", at=timezone.now()
    )
    return ReadinessNotice.objects.create(user=user, change=change)


def _receipt_upload(officer):
    """A receipts spreadsheet of the city's supplies officer, checked clean."""
    from supplies.models import ReceiptImport
    from supplies.services import city_reserve

    upload = ReceiptImport(
        owner=officer,
        holder=city_reserve(),
        original_name="r.csv",
        language="zh-hans",
        status="done",
    )
    upload.file.save("r.csv", ContentFile(b"item\n"), save=True)
    return upload


def _supplies(side: Side, county, officer, contact) -> None:
    """The county's depot, a shipment to it from the city reserve, a draft plan of the
    depot and a request of the side's school."""
    from supplies.models import (
        AllocationPlan,
        Holder,
        Item,
        Lot,
        Movement,
        Shipment,
        SupplyRequest,
    )

    item = Item.objects.get_or_create(
        code="mask", defaults={"name": "口罩", "stock_unit": "个", "display_unit": "个"}
    )[0]
    lot = Lot.objects.get_or_create(item=item, number="KZ-1")[0]
    reserve = Holder.objects.get_or_create(kind="city")[0]
    # The county's own depot where it has one (the benchmarks build this world in the
    # demo city, whose counties have theirs).
    side.depot = Holder.objects.get_or_create(kind="county", county=county)[0]
    side.shipment = Shipment.objects.create(
        kind="allocation", item=item, lot=lot, source=reserve, target=side.depot,
        quantity=10, sent_at=timezone.now(), sent_by=officer,
    )  # fmt: skip
    side.supply_plan = AllocationPlan.objects.create(
        title="计划", item=item, source=side.depot, amount=1, created_by=officer
    )
    side.movement = Movement.objects.create(
        kind="receipt", holder=side.depot, item=item, lot=lot, quantity=10,
        at=timezone.now(), actor=officer, origin="purchase", supplier="s",
    )  # fmt: skip
    school = Holder.objects.create(kind="school", county=county, school=side.school)
    side.supply_request = SupplyRequest.objects.create(
        holder=school, item=item, quantity=5, reason="r", created_by=contact
    )
