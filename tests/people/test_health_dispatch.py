"""The health checks' dispatch section: the day before the report, per county, from
the session reports and alerts only."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from people import health_dispatch
from people.services import CaseInput, ClassCount, case_open, session_submit
from readiness import services
from tests.people.factories import PersonFactory, SchoolClassFactory, reopened
from tests.readiness.factories import SchoolFactory
from tests.readiness.test_documents import pdf_text

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


def test_the_section_counts_yesterday_per_county(
    school_a, county_a, county_b, school_contact_a, django_assert_max_num_queries
):
    reopened(school_a)
    one = SchoolClassFactory(school=school_a, enrolled=40)
    SchoolClassFactory(school=school_a, enrolled=60)
    silent = SchoolFactory(county=county_a)
    reopened(silent)
    SchoolClassFactory(school=silent)
    session_submit(
        actor=school_contact_a, school=school_a, on_date=YESTERDAY, session="morning",
        counts=[ClassCount(one.pk, absent=4, absent_ill=2, fever=2)],
    )  # fmt: skip
    case_open(
        actor=school_contact_a, school=school_a,
        data=CaseInput(PersonFactory(school=school_a).pk, ("fever",), YESTERDAY),
    )  # fmt: skip
    with django_assert_max_num_queries(9):
        figures = health_dispatch.figures(TODAY)
    a = next(r for r in figures["by_county"] if r["code"] == county_a.code)
    b = next(r for r in figures["by_county"] if r["code"] == county_b.code)
    # One class of 40 entered: 4 absent (10.0 %), 2 ill (5.0 %), 2 fevers: a fever alert.
    assert (a["expected"], a["reported"], a["silent"]) == (2, 1, 1)
    assert (a["absence_rate"], a["illness_rate"], a["fever"]) == (10.0, 5.0, 2)
    assert (a["cases_open"], a["alerts_open"], a["alerts_closed"]) == (1, 1, 0)
    assert (b["expected"], b["reporting_rate"]) == (0, None)
    assert figures["day"] == YESTERDAY.isoformat() and figures["totals"]["reporting_rate"] == 50.0


def test_the_report_page_and_pdf_carry_the_section(login, task_force, school_a, school_contact_a):
    reopened(school_a)
    SchoolClassFactory(school=school_a)
    session_submit(
        actor=school_contact_a, school=school_a, on_date=YESTERDAY, session="morning",
        nothing_to_report=True,
    )  # fmt: skip
    report = services.dispatch_report_build(on_date=TODAY)
    assert report.data["sections"]["health"]["totals"]["reported"] == 1
    page = login(task_force).get(reverse("dispatch_detail", args=[TODAY.isoformat()]))
    assert "晨午检与因病缺勤" in page.content.decode()
    pdf = login(task_force).get(reverse("dispatch_pdf", args=[TODAY.isoformat()])).content
    text = "".join(pdf_text(pdf).split())
    assert "晨午检与因病缺勤" in text and "1所报告晨检" in text
