"""The daily report through the API (scoped: a county reads its own figures only)
and from the shell, built once a day, rebuilt with its earlier snapshot kept."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from readiness.models import AuditEntry, DispatchReport, DispatchReportRevision
from readiness.services import dispatch_report_build, dispatch_report_rebuild
from tests.readiness.factories import SchoolFactory

TODAY = timezone.localdate()


@pytest.fixture
def report(county_a, county_b):
    SchoolFactory(county=county_a, students=100)
    SchoolFactory(county=county_b, students=300)
    return dispatch_report_build(on_date=TODAY)


def test_the_city_reads_every_report_whole(login, report, city_staff, county_a, county_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(city_staff)
    with CaptureQueriesContext(connection) as queries:
        listed = client.get("/api/v1/dispatch-reports/").json()
    # The list reads the dates, never the snapshots.
    assert not any('"data"' in q["sql"] for q in queries.captured_queries)
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["on_date"] for r in rows] == [TODAY.isoformat()]
    body = client.get(f"/api/v1/dispatch-reports/{TODAY.isoformat()}/").json()
    readiness = body["data"]["sections"]["readiness"]
    assert readiness["totals"]["students"] == 400
    assert {(row["code"], row["students"]) for row in readiness["by_county"]} == {
        (county_a.code, 100),
        (county_b.code, 300),
    }


def test_a_county_reads_only_its_own_figures(login, report, official_a, county_a, county_b):
    body = login(official_a).get(f"/api/v1/dispatch-reports/{TODAY.isoformat()}/").json()
    readiness = body["data"]["sections"]["readiness"]
    assert "totals" not in readiness
    assert [(row["code"], row["students"]) for row in readiness["by_county"]] == [
        (county_a.code, 100)
    ]
    sections = body["data"]["sections"]
    parts = [s for s in sections.values() if "by_county" in s]
    parts += [p for s in sections.values() for p in s.values() if isinstance(p, dict)]
    assert {"readiness", "plans"} <= set(sections)  # plans keeps its figures nested
    for part in parts:
        assert {row["code"] for row in part["by_county"]} <= {county_a.code}
    # What the report froze beside the figures: the county's own part only.
    data = body["data"]
    assert data["ranking"]["of"] == 2 and data["ranking"]["row"]["code"] == county_a.code
    assert data["ranking"]["place"] in (1, 2)
    assert data["compared"]["county"]["readiness.r_unverified"] == {"value": 1, "change": None}
    assert data["stale"]["county"]["count"] == 1  # no files, no plan
    assert data["stale"]["county"]["kinds"] == {"files": 1, "plan": 1}
    whole = json.dumps(body, ensure_ascii=False)
    assert county_b.code not in whole and county_b.name not in whole


def test_the_whole_report_lists_thirty_stale_schools_a_county_and_a_county_all_of_its(
    login, county_a, county_b, city_staff, official_b
):
    """32 schools of county A without files or plan: the city's report lists 30 of
    them and counts 32; ``?county=`` lists all 32; a county official asking for
    another county still reads only their own; an unknown county is 404."""
    SchoolFactory.create_batch(32, county=county_a)
    SchoolFactory(county=county_b)
    dispatch_report_build(on_date=TODAY)
    client = login(city_staff)
    url = f"/api/v1/dispatch-reports/{TODAY.isoformat()}/"
    stale = client.get(url).json()["data"]["stale"]
    assert stale["listed_per_county"] == 30
    assert stale["by_county"][county_a.code]["count"] == 32
    assert len(stale["by_county"][county_a.code]["schools"]) == 30
    own = client.get(url, {"county": county_a.code}).json()["data"]
    assert own["county"] == county_a.code and len(own["stale"]["county"]["schools"]) == 32
    unknown = client.get(url, {"county": "999999"})
    assert unknown.status_code == 404 and "没有这个区县" in unknown.content.decode()
    theirs = login(official_b).get(url, {"county": county_a.code}).json()["data"]
    assert theirs["county"] == county_b.code and theirs["stale"]["county"]["count"] == 1
    whole = json.dumps(theirs, ensure_ascii=False)
    assert county_a.code not in whole and county_a.name not in whole


@pytest.mark.parametrize("role", ["school", "inspector", "supplies"])
def test_others_are_refused(login, report, make_user, school_a, role):
    user = make_user(role, school=school_a) if role == "school" else make_user(role)
    client = login(user)
    assert client.get("/api/v1/dispatch-reports/").status_code == 403
    assert client.get(f"/api/v1/dispatch-reports/{TODAY.isoformat()}/").status_code == 403


def test_a_date_without_a_report_is_404(login, report, city_staff):
    client = login(city_staff)
    assert client.get("/api/v1/dispatch-reports/2020-01-01/").status_code == 404
    assert client.get("/api/v1/dispatch-reports/2026-13-45/").status_code == 404


def test_a_rebuild_keeps_the_replaced_snapshot_with_who_and_why(report, city_staff, county_a):
    first = report.data
    SchoolFactory(county=county_a, students=50)
    rebuilt = dispatch_report_rebuild(actor=city_staff, on_date=TODAY, reason="县区补报学校")
    assert DispatchReport.objects.count() == 1
    assert rebuilt.data["sections"]["readiness"]["totals"]["students"] == 450
    revision = DispatchReportRevision.objects.get()
    assert (revision.data, revision.replaced_by, revision.reason) == (
        first,
        city_staff,
        "县区补报学校",
    )
    assert AuditEntry.objects.filter(action="dispatch.rebuild").count() == 1
    with pytest.raises(Exception, match="请说明重新生成的原因"):
        dispatch_report_rebuild(actor=city_staff, on_date=TODAY, reason=" ")


def test_the_shell_builds_once_and_rebuilds_with_a_reason(county_a):
    out = StringIO()
    call_command("build_dispatch_report", stdout=out)
    call_command("build_dispatch_report", stdout=out)  # the same date twice: one report
    assert DispatchReport.objects.count() == 1
    call_command("build_dispatch_report", "--reason", "数据更正", stdout=out)
    revision = DispatchReportRevision.objects.get()
    assert (revision.replaced_by, revision.reason) == (None, "数据更正")
    assert "1 earlier snapshot(s) kept" in out.getvalue()
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="is not today"):
        call_command("build_dispatch_report", "--date", yesterday)
    with pytest.raises(CommandError, match="not a date"):
        call_command("build_dispatch_report", "--date", "12/04/2026")


def test_the_page_rebuilds_with_a_reason_and_lists_the_history(login, report, city_staff):
    from django.urls import reverse

    client = login(city_staff)
    url = reverse("dispatch_rebuild", args=[TODAY.isoformat()])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and not DispatchReportRevision.objects.exists()
    response = client.post(url, {"reason": "沂水县补报数据"})
    assert response.status_code == 302
    page = client.get(reverse("dispatch_detail", args=[TODAY.isoformat()])).content.decode()
    assert "沂水县补报数据" in page and "重新生成今日报告" in page


def test_a_past_report_is_not_rebuilt_from_the_page(login, city_staff):
    from django.urls import reverse

    past = DispatchReport.objects.create(on_date=TODAY - dt.timedelta(days=2), data={})
    client = login(city_staff)
    page = client.get(reverse("dispatch_detail", args=[past.on_date.isoformat()]))
    assert "重新生成今日报告" not in page.content.decode()
    response = client.post(
        reverse("dispatch_rebuild", args=[past.on_date.isoformat()]), {"reason": "更正"}
    )
    assert response.status_code == 400
    assert "只能重新生成今日的报告" in response.content.decode()
    assert not DispatchReportRevision.objects.exists()


def test_the_pdf_is_rendered_once_and_kept(login, report, city_staff):
    import io

    from django.urls import reverse
    from pypdf import PdfReader

    client = login(city_staff)
    url = reverse("dispatch_pdf", args=[TODAY.isoformat()])
    first = client.get(url).content
    report.refresh_from_db()
    assert report.pdf.name
    # The kept file is what is served: figures changed underneath do not show.
    DispatchReport.objects.filter(pk=report.pk).update(data={**report.data, "sections": {}})
    second = client.get(url).content
    assert second == first
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(second)).pages)
    assert "临沂市教育系统疫情防控每日调度" in text
    # A rebuild drops the kept PDF; the next request renders the new snapshot.
    dispatch_report_rebuild(actor=city_staff, on_date=TODAY, reason="更正")
    report.refresh_from_db()
    assert not report.pdf


def test_a_section_that_fails_is_recorded_and_the_others_appear(
    login, city_staff, county_a, settings
):
    from django.urls import reverse

    settings.DISPATCH_SECTIONS = [
        "tests.readiness.broken_section.SECTION",
        *settings.DISPATCH_SECTIONS,
    ]
    SchoolFactory(county=county_a, students=100)
    built = dispatch_report_build(on_date=TODAY)
    assert set(built.data["failed"]) == {"broken"}
    assert built.data["failed"]["broken"] in {"ProgrammingError", "OperationalError"}
    assert built.data["sections"]["readiness"]["totals"]["students"] == 100
    page = login(city_staff).get(reverse("dispatch_detail", args=[TODAY.isoformat()]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="failed-sections"' in body and "broken" in body
