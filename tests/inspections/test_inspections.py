"""Inspections: planning in secret, recording, findings, notices, the rectification loop."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from inspections import dispatch, services
from inspections.models import Finding, RectificationNotice, RectificationReport, Visit
from tests.factories import SchoolFactory
from tests.verification.fixtures import jpeg_bytes


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- planning, in secret ----------------------------------------------------------------


def test_a_squad_plans_only_in_its_counties(inspector_a, squad_a, school_b):
    with pytest.raises(ValidationError, match="沂水县"):
        services.visit_plan(
            actor=inspector_a, squad=squad_a, schools=[school_b], planned_on=timezone.localdate()
        )


def test_someone_outside_the_squad_cannot_plan(inspector_a, squad_b, school_b):
    with pytest.raises(PermissionDenied):
        services.visit_plan(
            actor=inspector_a, squad=squad_b, schools=[school_b], planned_on=timezone.localdate()
        )


@pytest.mark.parametrize("who", ["official_a", "school_contact_a"])
def test_a_planned_visit_is_invisible_to_the_county_and_the_school(
    request, login, planned_visit, who
):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("visit_detail", args=[planned_visit.pk])).status_code == 404
    assert client.get(reverse("visit_list")).context["page"].paginator.count == 0
    assert client.get("/api/v1/visits/").json()["count"] == 0


def test_a_planned_visit_is_left_out_of_the_dispatch_report(planned_visit):
    section = dispatch.section(timezone.localdate())
    assert section["totals"]["visits"] == 0 and section["totals"]["counties_inspected"] == 0


def test_the_squad_and_the_city_bureau_see_the_plan(
    login, planned_visit, inspector_a, city_staff, squad_b
):
    assert (
        login(inspector_a).get(reverse("visit_detail", args=[planned_visit.pk])).status_code == 200
    )
    assert (
        login(city_staff).get(reverse("visit_detail", args=[planned_visit.pk])).status_code == 200
    )
    other_squad = squad_b.leader
    assert (
        login(other_squad).get(reverse("visit_detail", args=[planned_visit.pk])).status_code == 404
    )


def test_once_recorded_the_county_and_the_school_see_the_visit(
    login, recorded_visit, official_a, school_contact_a, official_b
):
    for user in (official_a, school_contact_a):
        assert (
            login(user).get(reverse("visit_detail", args=[recorded_visit.pk])).status_code == 200
        )
    assert (
        login(official_b).get(reverse("visit_detail", args=[recorded_visit.pk])).status_code == 404
    )


def test_the_draw_is_weighted_and_leaves_out_recent_visits(
    inspector_a, squad_a, county_a, recorded_visit
):
    high = SchoolFactory(county=county_a, risk_level="high", name="高风险学校")
    low = SchoolFactory(county=county_a, risk_level="low", name="低风险学校")
    wins = {high.pk: 0, low.pk: 0}
    candidates = services.draw_candidates(squad=squad_a, skip_days=30, today=timezone.localdate())
    assert recorded_visit.school_id not in {s.pk for s, _w in candidates}
    only = [(s, w) for s, w in candidates if s.pk in wins]
    rng = random.Random(7)
    for _ in range(2000):
        wins[services.weighted_sample(only, 1, rng)[0].pk] += 1
    assert 3.0 < wins[high.pk] / wins[low.pk] < 5.5  # weights 4 : 1


def test_a_draw_plans_visits(inspector_a, squad_a, county_a):
    SchoolFactory.create_batch(5, county=county_a)
    visits = services.visit_draw(
        actor=inspector_a,
        squad=squad_a,
        count=3,
        planned_on=timezone.localdate(),
        rng=random.Random(1),
    )
    assert len(visits) == 3 and all(v.status == "planned" for v in visits)


# --- on site and findings ---------------------------------------------------------------------


def test_recording_needs_members_of_the_squad(planned_visit, inspector_a, official_a):
    with pytest.raises(ValidationError):
        services.visit_record(
            actor=inspector_a, visit=planned_visit, visited_at=timezone.now(), present=[official_a]
        )


def test_a_finding_gets_the_default_deadline_of_its_severity(finding):
    assert finding.deadline == timezone.localdate() + dt.timedelta(days=7)
    assert finding.history.latest().history_user.username == "sqa-leader"


def test_a_deadline_in_the_past_is_refused(recorded_visit, inspector_a, areas):
    with pytest.raises(ValidationError):
        services.finding_add(
            actor=inspector_a,
            visit=recorded_visit,
            description="x",
            severity="minor",
            requirement="y",
            key_area=areas["gate"],
            deadline=timezone.localdate() - dt.timedelta(days=1),
        )


def test_evidence_that_is_not_an_image_or_pdf_is_refused(finding, inspector_a):
    with pytest.raises(ValidationError):
        services.finding_photo_add(
            actor=inspector_a, finding=finding, name="x.jpg", data=b"<script>"
        )
    photo = services.finding_photo_add(
        actor=inspector_a, finding=finding, name="x.jpg", data=jpeg_bytes()
    )
    assert photo.content_type == "image/jpeg"


# --- notices ---------------------------------------------------------------------------------


def test_a_notice_is_numbered_rendered_and_sealed(finding, inspector_a, recorded_visit):
    notice = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    year = timezone.localdate().year
    assert notice.title == f"临教督整〔{year}〕第001号"
    with notice.pdf.open("rb") as handle:
        data = handle.read()
    import hashlib

    assert hashlib.sha256(data).hexdigest() == notice.sha256
    text = pdf_text(data).replace("\n", "")
    for fragment in (
        "临沂市教育局督查整改通知书",
        notice.title,
        "兰山区城关镇中心小学",
        "测温点无人值守",
        "安排专人值守并登记",
        finding.deadline.strftime("%Y年%-m月%-d日").replace(" ", ""),
        notice.code,
    ):
        assert fragment in text, fragment


def test_rare_characters_come_out_as_written(recorded_visit, inspector_a, areas, school_a):
    school_a.name = "𠮷䶮实验学校"
    school_a.save()
    f = services.finding_add(
        actor=inspector_a,
        visit=recorded_visit,
        description="𠮷姓教师未完成排查",
        severity="minor",
        requirement="补齐䶮字档案",
        key_area=areas["gate"],
    )
    notice = services.notice_issue(
        actor=inspector_a, visit=Visit.objects.get(pk=recorded_visit.pk), finding_ids=[f.pk]
    )
    with notice.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "𠮷䶮实验学校" in text and "𠮷姓教师未完成排查" in text and "补齐䶮字档案" in text


def test_a_notice_without_findings_is_refused(recorded_visit, inspector_a):
    with pytest.raises(ValidationError):
        services.notice_issue(actor=inspector_a, visit=recorded_visit, finding_ids=[])


def test_a_second_notice_for_the_same_findings_needs_a_correction(
    finding, inspector_a, recorded_visit
):
    first = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    with pytest.raises(ValidationError, match=r"correction|更正"):
        services.notice_issue(actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk])
    second = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk], corrects=first
    )
    assert (second.number, second.version, second.supersedes) == (first.number, 2, first)
    assert "更正" in second.title
    with second.pdf.open("rb") as handle:
        assert f"取代{first.title}" in pdf_text(handle.read())
    with pytest.raises(ValidationError):
        services.notice_issue(
            actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk], corrects=first
        )


def test_numbers_follow_each_other_across_visits(
    finding, inspector_a, recorded_visit, squad_a, county_a, areas
):
    services.notice_issue(actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk])
    other = SchoolFactory(county=county_a)
    [visit] = services.visit_plan(
        actor=inspector_a, squad=squad_a, schools=[other], planned_on=timezone.localdate()
    )
    services.visit_record(
        actor=inspector_a, visit=visit, visited_at=timezone.now(), present=[inspector_a]
    )
    f2 = services.finding_add(
        actor=inspector_a,
        visit=visit,
        description="d",
        severity="minor",
        requirement="r",
        key_area=areas["gate"],
    )
    notice = services.notice_issue(actor=inspector_a, visit=visit, finding_ids=[f2.pk])
    assert notice.number == 2


def test_only_the_squad_issues_notices(finding, recorded_visit, squad_b):
    with pytest.raises(PermissionDenied):
        services.notice_issue(actor=squad_b.leader, visit=recorded_visit, finding_ids=[finding.pk])


def test_the_notice_pdf_is_served_within_scope(
    login, finding, inspector_a, recorded_visit, school_contact_a, official_b
):
    notice = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    response = login(school_contact_a).get(reverse("notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["X-Content-SHA256"] == notice.sha256
    assert login(official_b).get(reverse("notice_pdf", args=[notice.pk])).status_code == 404


def test_the_verification_code_leads_to_the_notice(
    login, finding, inspector_a, recorded_visit, official_a
):
    notice = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    response = login(official_a).get(reverse("notice_verify", args=[notice.code]))
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()


def test_a_zip_of_notices_is_built_with_progress(
    login, finding, inspector_a, recorded_visit, django_capture_on_commit_callbacks
):
    notice = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    client = login(inspector_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("archive_create"), {"notice": [notice.pk]})
    status = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert (status["status"], status["done"], status["total"]) == ("done", 1, 1)
    import zipfile

    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(status["download"]).streaming_content))
    )
    assert archive.namelist() == [f"{notice.title}.pdf"]


# --- the rectification loop ---------------------------------------------------------------------


def test_the_school_reports_and_the_squad_closes(finding, school_contact_a, inspector_a):
    report = services.report_submit(
        actor=school_contact_a,
        finding=finding,
        text="已安排专人值守",
        files=[("a.jpg", jpeg_bytes())],
    )
    finding.refresh_from_db()
    assert finding.status == "reported" and report.evidence.count() == 1
    services.report_accept(actor=inspector_a, report=report)
    finding.refresh_from_db()
    assert finding.status == "closed"
    reasons = [h.history_change_reason for h in finding.history.order_by("history_date")]
    assert reasons == ["found on the visit", "rectification reported", "rectification accepted"]


def test_a_rejection_needs_a_reason_and_reopens_the_finding(
    finding, school_contact_a, inspector_a
):
    report = services.report_submit(actor=school_contact_a, finding=finding, text="已整改")
    with pytest.raises(ValidationError):
        services.report_reject(actor=inspector_a, report=report, reason=" ")
    services.report_reject(actor=inspector_a, report=report, reason="照片不能证明")
    finding.refresh_from_db()
    assert finding.status == "open"
    assert RectificationReport.objects.get().reason == "照片不能证明"


def test_a_school_cannot_change_or_close_a_finding(login, finding, school_contact_a):
    client = login(school_contact_a)
    report = services.report_submit(actor=school_contact_a, finding=finding, text="已整改")
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=school_contact_a, report=report)
    assert (
        client.post(reverse("report_decide", args=[report.pk]), {"decision": "accept"}).status_code
        == 403
    )
    assert Finding.objects.get().status == "reported"


def test_another_school_cannot_report(finding, county_a, make_user):
    other = make_user("school", school=SchoolFactory(county=county_a))
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=other, finding=finding, text="x")


def test_overdue_findings_are_flagged_once_and_mailed(finding, official_a, school_contact_a):
    official_a.email, school_contact_a.email = "county@example.cn", "school@example.cn"
    official_a.save()
    school_contact_a.save()
    later = finding.deadline + dt.timedelta(days=1)
    assert services.findings_mark_overdue(today=later) == 1
    assert services.findings_mark_overdue(today=later) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["county@example.cn", "school@example.cn"]
    assert "测温点无人值守" in mail.outbox[0].body


# --- lists and export -----------------------------------------------------------------------


def test_findings_list_filters_and_is_scoped(login, finding, official_a, official_b):
    assert (
        login(official_a)
        .get(reverse("finding_list"), {"severity": "major"})
        .context["page"]
        .paginator.count
        == 1
    )
    assert (
        login(official_a)
        .get(reverse("finding_list"), {"severity": "minor"})
        .context["page"]
        .paginator.count
        == 0
    )
    assert login(official_b).get(reverse("finding_list")).context["page"].paginator.count == 0
    assert login(official_b).get(reverse("finding_detail", args=[finding.pk])).status_code == 404


def test_findings_export_is_scoped(login, finding, official_a, official_b):
    import openpyxl

    rows = list(
        openpyxl.load_workbook(
            io.BytesIO(login(official_a).get(reverse("finding_list"), {"format": "xlsx"}).content)
        ).active.iter_rows(values_only=True)
    )
    assert rows[1][2] == "兰山区城关镇中心小学" and rows[1][7] == "测温点无人值守"
    other = openpyxl.load_workbook(
        io.BytesIO(login(official_b).get(reverse("finding_list"), {"format": "xlsx"}).content)
    ).active
    assert other.max_row == 1


@pytest.mark.parametrize("count", [1, 6])
def test_findings_list_query_count_does_not_grow(
    login, recorded_visit, inspector_a, areas, official_a, django_assert_num_queries, count
):
    for i in range(count):
        services.finding_add(
            actor=inspector_a,
            visit=recorded_visit,
            description=f"问题{i}",
            severity="minor",
            requirement="r",
            key_area=areas["gate"],
        )
    client = login(official_a)
    # session, user, count, page, reviews, and the filter's counties, areas and aspects
    with django_assert_num_queries(8):
        client.get(reverse("finding_list"))


def test_the_dispatch_section_counts_recorded_work(finding):
    section = dispatch.section(timezone.localdate())
    assert section["totals"]["counties_inspected"] == 1 and section["totals"]["open"] == 1
    assert (
        section["by_place"]["校门口"]["open"] == 1 and section["by_severity"]["major"]["open"] == 1
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_gap_free_numbers(postgres_live, county_a, areas):
    """Two inspectors issue at the same moment, on PostgreSQL with real row locks."""
    import threading

    from django.db import connection

    from .fixtures import make_squad

    squad = make_squad("并发组", county_a, "conc")
    visits = []
    for _i in range(6):
        school = SchoolFactory(county=county_a)
        [visit] = services.visit_plan(
            actor=squad.leader, squad=squad, schools=[school], planned_on=timezone.localdate()
        )
        services.visit_record(
            actor=squad.leader, visit=visit, visited_at=timezone.now(), present=[squad.leader]
        )
        services.finding_add(
            actor=squad.leader,
            visit=visit,
            description="d",
            severity="minor",
            requirement="r",
            key_area=areas["gate"],
        )
        visits.append(visit)
    errors = []
    barrier = threading.Barrier(len(visits))

    def issue(visit):
        try:
            barrier.wait()
            services.notice_issue(
                actor=squad.leader,
                visit=visit,
                finding_ids=list(visit.findings.values_list("pk", flat=True)),
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(v,)) for v in visits]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(RectificationNotice.objects.values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]


def test_the_dispatch_page_shows_inspections(login, task_force, finding):
    from readiness import services as readiness_services

    report = readiness_services.dispatch_report_build(on_date=timezone.localdate())
    body = login(task_force).get(f"/dispatch/{report.on_date}/").content.decode()
    assert 'id="dispatch-inspections"' in body


def test_the_api_follows_the_same_rules(
    api_client, finding, school_contact_a, official_b, inspector_a
):
    api_client.force_authenticate(official_b)
    assert api_client.get("/api/v1/findings/").json()["count"] == 0
    api_client.force_authenticate(school_contact_a)
    assert api_client.get("/api/v1/findings/").json()["count"] == 1
    created = api_client.post(
        "/api/v1/rectification-reports/", {"finding": finding.pk, "text": "已整改"}, format="json"
    )
    assert created.status_code == 201
    report_id = created.json()["id"]
    assert api_client.post(f"/api/v1/rectification-reports/{report_id}/accept/").status_code == 403
    api_client.force_authenticate(inspector_a)
    assert (
        api_client.post(
            f"/api/v1/rectification-reports/{report_id}/reject/",
            {"reason": "照片不清"},
            format="json",
        ).json()["decision"]
        == "rejected"
    )


def test_the_notice_names_its_font_and_embeds_a_subset(finding, inspector_a, recorded_visit):
    notice = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    with notice.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Noto-Sans-CJK-SC" in name and "+" in name for name in fonts), fonts


@pytest.mark.parametrize("count", [1, 5])
def test_visit_and_notice_lists_query_counts_do_not_grow(
    login, inspector_a, squad_a, county_a, areas, django_assert_num_queries, count
):
    schools = SchoolFactory.create_batch(count, county=county_a)
    for visit in services.visit_plan(
        actor=inspector_a, squad=squad_a, schools=schools, planned_on=timezone.localdate()
    ):
        services.visit_record(
            actor=inspector_a, visit=visit, visited_at=timezone.now(), present=[inspector_a]
        )
        f = services.finding_add(
            actor=inspector_a,
            visit=visit,
            description="d",
            severity="minor",
            requirement="r",
            key_area=areas["gate"],
        )
        services.notice_issue(actor=inspector_a, visit=visit, finding_ids=[f.pk])
    client = login(inspector_a)
    # session, user, count, page, the user's squads and their counties
    with django_assert_num_queries(6):
        client.get(reverse("visit_list"))
    with django_assert_num_queries(4):  # session, user, count, page
        client.get(reverse("notice_list"))


def test_seeded_findings_show_every_state(db):
    from inspections import demo as inspections_demo
    from readiness import demo as readiness_demo

    readiness_demo.seed(schools=120)
    inspections_demo.seed(schools=120)
    assert {"open", "reported", "closed"} <= set(Finding.objects.values_list("status", flat=True))
    assert RectificationReport.objects.filter(decision="rejected").exists()
    assert Visit.objects.filter(status="planned").exists() and RectificationNotice.objects.exists()


# --- gaps closed after review ----------------------------------------------------------------


def test_a_city_wide_inspector_sees_recorded_visits_and_their_findings_alike(
    login, finding, squad_b
):
    other = squad_b.leader  # an inspector of another squad, with a city-wide scope
    client = login(other)
    assert client.get(reverse("visit_detail", args=[finding.visit_id])).status_code == 200
    assert client.get(reverse("finding_detail", args=[finding.pk])).status_code == 200


def test_a_leader_outside_the_member_list_sees_the_plans(login, planned_visit, squad_a):
    squad_a.members.remove(squad_a.leader)
    assert (
        login(squad_a.leader).get(reverse("visit_detail", args=[planned_visit.pk])).status_code
        == 200
    )


def test_the_record_of_a_visit_with_a_notice_no_longer_changes(
    finding, inspector_a, recorded_visit
):
    services.notice_issue(actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk])
    with pytest.raises(ValidationError):
        services.visit_record(
            actor=inspector_a,
            visit=recorded_visit,
            visited_at=timezone.now(),
            present=[inspector_a],
        )


def test_a_pdf_is_no_photo_of_a_finding(finding, inspector_a):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(ValidationError):
        services.finding_photo_add(actor=inspector_a, finding=finding, name="a.pdf", data=pdf)


def test_a_bad_photo_saves_no_finding(login, recorded_visit, inspector_a, areas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(inspector_a).post(
        reverse("finding_add", args=[recorded_visit.pk]),
        {
            "description": "问题",
            "requirement": "要求",
            "severity": "minor",
            "place": f"area-{areas['gate'].pk}",
            "photos": [SimpleUploadedFile("x.jpg", b"<script>")],
        },
    )
    assert response.status_code == 302
    assert not Finding.objects.exists()


def test_a_closed_finding_gets_no_notice(finding, school_contact_a, inspector_a, recorded_visit):
    report = services.report_submit(actor=school_contact_a, finding=finding, text="已整改")
    services.report_accept(actor=inspector_a, report=report)
    with pytest.raises(ValidationError):
        services.notice_issue(actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk])


def test_reported_findings_are_not_chased_as_overdue(finding, school_contact_a):
    services.report_submit(actor=school_contact_a, finding=finding, text="已整改")
    assert services.findings_mark_overdue(today=finding.deadline + dt.timedelta(days=1)) == 0


def test_when_mail_fails_nothing_is_flagged_and_the_next_run_tries_again(
    finding, official_a, settings
):
    official_a.email = "county@example.cn"
    official_a.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    later = finding.deadline + dt.timedelta(days=1)
    with pytest.raises(OSError):
        services.findings_mark_overdue(today=later)
    finding.refresh_from_db()
    assert finding.overdue is False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.findings_mark_overdue(today=later) == 1


@pytest.mark.parametrize(
    "data",
    [
        {"squad": "abc", "planned_on": "2030-01-01"},
        {"squad": "²", "mode": "draw", "count": "3", "planned_on": "2030-01-01"},
        {"mode": "draw", "count": "3", "skip_days": "99999999", "planned_on": "2030-01-01"},
    ],
)
def test_malformed_planning_is_refused_without_an_error(login, inspector_a, squad_a, data):
    data = {"squad": str(squad_a.pk), **data}
    response = login(inspector_a).post(reverse("visit_plan"), data)
    assert response.status_code in (302, 404)
    assert not Visit.objects.exists()


def test_an_impossible_visit_time_is_a_message(login, planned_visit, inspector_a):
    response = login(inspector_a).post(
        reverse("visit_record", args=[planned_visit.pk]),
        {"visited_at": "2024-13-45T10:00", "present": [inspector_a.pk]},
    )
    assert response.status_code == 302
    planned_visit.refresh_from_db()
    assert planned_visit.status == "planned"


def test_an_archive_left_running_by_a_dead_worker_is_built_again(
    finding, inspector_a, recorded_visit
):
    from inspections import tasks
    from inspections.models import NoticeArchive

    notice = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    archive = NoticeArchive.objects.create(
        owner=inspector_a, notice_ids=[notice.pk], status="running"
    )
    assert tasks.notices_zip_build(archive.pk) == "already claimed"  # still within its time
    NoticeArchive.objects.filter(pk=archive.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    tasks.notices_zip_build(archive.pk)
    archive.refresh_from_db()
    assert (archive.status, archive.done) == ("done", 1)
