"""Rectification notices: numbered without gaps, rendered, sealed, corrected by a new
version, served only within scope."""

from __future__ import annotations

import hashlib
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from inspections import services
from inspections.models import RectificationNotice, Visit
from tests.inspections.factories import (
    FindingFactory,
    RectificationNoticeFactory,
    RectificationReportFactory,
    VisitFactory,
)
from tests.inspections.fixtures import every_check
from tests.readiness.factories import SchoolFactory

from .fixtures import make_squad


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def issue(client, visit, **data):
    return client.post(reverse("notice_issue", args=[visit.pk]), data)


def test_a_notice_is_numbered_rendered_and_sealed(finding, inspector_a, recorded_visit):
    notice = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    year = timezone.localdate().year
    assert notice.title == f"临教督整〔{year}〕第001号"
    with notice.pdf.open("rb") as handle:
        data = handle.read()
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
    # A notice in common characters needs Zen Hei alone: no Noto face of 130 KB.
    assert any("WenQuanYi" in name and "+" in name for name in fonts), fonts
    assert not any("Noto" in name for name in fonts), fonts


def refused(message, **kwargs):
    """notice_issue with ``kwargs`` is refused with exactly ``message``, and issues nothing."""
    before = RectificationNotice.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.notice_issue(**kwargs)
    assert caught.value.messages == [message]
    assert RectificationNotice.objects.count() == before


def test_a_notice_without_findings_is_refused(recorded_visit, inspector_a):
    refused(
        "通知书至少要包含本次督查的一个问题。",
        actor=inspector_a,
        visit=recorded_visit,
        finding_ids=[],
    )


def test_a_finding_of_another_visit_is_refused(finding, inspector_a, squad_a, county_a):
    visit = VisitFactory(squad=squad_a, school=SchoolFactory(county=county_a), recorded=True)
    other = FindingFactory(visit=visit)
    refused(
        "通知书至少要包含本次督查的一个问题。",
        actor=inspector_a,
        visit=finding.visit,
        finding_ids=[finding.pk, other.pk],
    )


def test_corrections_follow_each_other_and_only_the_notice_in_force_is_corrected(
    finding, inspector_a, recorded_visit, squad_a, county_a
):
    first = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    second = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk], corrects=first
    )
    third = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk], corrects=second
    )
    assert [(n.number, n.version) for n in (first, second, third)] == [(1, 1), (1, 2), (1, 3)]
    refused(
        "只能更正本次督查现行有效的通知书。",
        actor=inspector_a,
        visit=recorded_visit,
        finding_ids=[finding.pk],
        corrects=first,
    )
    elsewhere = VisitFactory(squad=squad_a, school=SchoolFactory(county=county_a), recorded=True)
    theirs = services.notice_issue(
        actor=inspector_a, visit=elsewhere, finding_ids=[FindingFactory(visit=elsewhere).pk]
    )
    refused(
        "只能更正本次督查现行有效的通知书。",
        actor=inspector_a,
        visit=recorded_visit,
        finding_ids=[finding.pk],
        corrects=theirs,
    )


def test_a_correction_may_not_take_findings_of_another_notice_in_force(
    finding, inspector_a, recorded_visit
):
    other = FindingFactory(visit=recorded_visit)
    first = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    services.notice_issue(actor=inspector_a, visit=recorded_visit, finding_ids=[other.pk])
    refused(
        "部分问题已在另一份有效通知书中。",
        actor=inspector_a,
        visit=recorded_visit,
        finding_ids=[finding.pk, other.pk],
        corrects=first,
    )


def test_a_second_notice_for_the_same_findings_needs_a_correction(
    finding, inspector_a, recorded_visit
):
    first = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    refused(
        "这些问题已出具过通知书，如需修改请出具更正版。",
        actor=inspector_a,
        visit=recorded_visit,
        finding_ids=[finding.pk],
    )
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


def test_numbers_follow_each_other_across_visits(finding, inspector_a, squad_a, county_a):
    services.notice_issue(actor=inspector_a, visit=finding.visit, finding_ids=[finding.pk])
    visit = VisitFactory(squad=squad_a, school=SchoolFactory(county=county_a), recorded=True)
    other = FindingFactory(visit=visit)
    notice = services.notice_issue(actor=inspector_a, visit=visit, finding_ids=[other.pk])
    assert notice.number == 2


def test_only_the_squad_issues_notices(finding, recorded_visit, squad_b):
    with pytest.raises(PermissionDenied):
        services.notice_issue(actor=squad_b.leader, visit=recorded_visit, finding_ids=[finding.pk])


def test_a_closed_finding_gets_no_notice(finding, inspector_a, recorded_visit):
    report = RectificationReportFactory(finding=finding)
    services.report_accept(actor=inspector_a, report=report)
    refused(
        "已销号的问题不需要出具整改通知书。",
        actor=inspector_a,
        visit=recorded_visit,
        finding_ids=[finding.pk],
    )


def test_the_page_issues_the_notice_and_leads_to_it(login, finding, inspector_a, recorded_visit):
    response = issue(login(inspector_a), recorded_visit, finding=[finding.pk])
    notice = RectificationNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    assert list(notice.findings.all()) == [finding]


def test_the_page_asks_for_a_finding(login, finding, inspector_a, recorded_visit):
    response = issue(login(inspector_a), recorded_visit)
    errors = response.context["notice_form"].errors["finding"]
    assert errors == ["通知书至少要包含本次督查的一个问题。"]
    assert not RectificationNotice.objects.exists()


def test_a_finding_of_another_visit_is_not_a_choice(
    login, finding, inspector_a, recorded_visit, squad_a, county_a
):
    elsewhere = FindingFactory(
        visit=VisitFactory(squad=squad_a, school=SchoolFactory(county=county_a), recorded=True)
    )
    response = issue(login(inspector_a), recorded_visit, finding=[finding.pk, elsewhere.pk])
    assert response.context["notice_form"].has_error("finding", code="invalid_choice")
    body = response.content.decode()
    assert f'name="finding" value="{finding.pk}" aria-label' in body
    assert not RectificationNotice.objects.exists()


def test_a_superseded_notice_cannot_be_corrected_again(
    login, finding, inspector_a, recorded_visit
):
    first = RectificationNoticeFactory(visit=recorded_visit, findings=[finding])
    RectificationNoticeFactory(
        visit=recorded_visit, findings=[finding], number=first.number, version=2, supersedes=first
    )
    response = issue(login(inspector_a), recorded_visit, finding=[finding.pk], corrects=first.pk)
    assert response.context["notice_form"].has_error("corrects", code="invalid_choice")
    assert RectificationNotice.objects.count() == 2


def test_only_the_squad_issues_from_the_page(login, finding, recorded_visit, squad_b):
    response = issue(login(squad_b.leader), recorded_visit, finding=[finding.pk])
    assert response.status_code == 403


def test_the_notice_pdf_is_served_within_scope(
    login, finding, inspector_a, recorded_visit, school_contact_a, official_b
):
    notice = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    response = login(school_contact_a).get(reverse("notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["X-Content-SHA256"] == notice.sha256
    assert login(official_b).get(reverse("notice_pdf", args=[notice.pk])).status_code == 404


def test_the_verification_code_leads_to_the_notice(login, finding, official_a, recorded_visit):
    notice = RectificationNoticeFactory(visit=recorded_visit, findings=[finding])
    response = login(official_a).get(reverse("notice_verify", args=[notice.code]))
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_gap_free_numbers(postgres_live, county_a, areas):
    """Six squads issue at the same moment, on PostgreSQL with real row locks. Each
    squad issues one notice, so that nothing but the year's counter row orders them:
    one squad's notices would already queue on its visits' squad row."""
    from django.db import connection

    visits = []
    for i in range(6):
        squad = make_squad(f"并发组{i}", county_a, f"conc{i}")
        school = SchoolFactory(county=county_a)
        [visit] = services.visit_plan(
            actor=squad.leader, squad=squad, schools=[school], planned_on=timezone.localdate()
        )
        services.visit_record(
            actor=squad.leader,
            visit=visit,
            visited_at=timezone.now(),
            present=[squad.leader],
            checks=every_check(),
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

    def issue_one(visit):
        try:
            barrier.wait()
            services.notice_issue(
                actor=visit.squad.leader,
                visit=visit,
                finding_ids=list(visit.findings.values_list("pk", flat=True)),
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue_one, args=(v,)) for v in visits]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(RectificationNotice.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
