"""What a report freezes beside its figures: the stale data per county (dates
worked by hand), each tile's change since the report before, and the county
ranking of the day, which a later change of thresholds does not touch."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from people import screening
from plans.models import ReopeningPlan
from readiness import dashboard, dispatch, services
from readiness.models import DashboardTargets, DispatchReport
from tests.inspections.factories import FindingFactory, RectificationReportFactory
from tests.people.factories import PersonFactory
from tests.plans.factories import ReopeningPlanFactory
from tests.readiness.factories import SchoolFactory

TODAY = timezone.localdate()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def silent_schools(county_a, county_b):
    """s1: files last screened 10 days ago, one left; its draft plan untouched for
    10 days. s2: files screened 3 days ago, one left; plan approved; a finding open
    for 9 days. s3 (county B): no files, no plan; a finding whose report was
    rejected 8 days ago. s4: screened today, plan approved, a finding reported
    (waiting for the inspector) 30 days ago. s5 (county A): a finding open since
    today, but no files and no plan."""
    s1 = SchoolFactory(county=county_a, code="2137020101", name="一号小学")
    s2 = SchoolFactory(county=county_a, code="2137020102", name="二号小学")
    s3 = SchoolFactory(county=county_b, code="2137230103", name="三号小学")
    s4 = SchoolFactory(county=county_b, code="2137230104", name="四号小学")
    PersonFactory(school=s1, screened_on=days_ago(10))
    PersonFactory(school=s1)
    PersonFactory(school=s2, screened_on=days_ago(3))
    PersonFactory(school=s2)
    PersonFactory(school=s4, screened_on=TODAY)
    screening.refresh()
    draft = ReopeningPlanFactory(school=s1)
    ReopeningPlan.history.filter(id=draft.pk).update(history_date=at(days_ago(10)))
    for school in (s2, s4):
        ReopeningPlanFactory(school=school, status=ReopeningPlan.Status.APPROVED)
    FindingFactory(visit__school=SchoolFactory(county=county_a, code="2137020105"))  # found today
    open_long = FindingFactory(visit__school=s2)
    type(open_long).objects.filter(pk=open_long.pk).update(created_at=at(days_ago(9)))
    rejected = FindingFactory(visit__school=s3)
    type(rejected).objects.filter(pk=rejected.pk).update(created_at=at(days_ago(20)))
    report = RectificationReportFactory(finding=rejected, decision="rejected", reason="照片不清")
    type(report).objects.filter(pk=report.pk).update(submitted_at=at(days_ago(8)))
    waiting = RectificationReportFactory(finding__visit__school=s4)
    type(waiting.finding).objects.filter(pk=waiting.finding_id).update(created_at=at(days_ago(30)))
    return s1, s2, s3, s4


def test_stale_data_is_listed_per_county_longest_silent_first(county_a, county_b):
    s1, s2, s3, s4 = silent_schools(county_a, county_b)
    stale = dispatch.stale(TODAY, days=7)
    assert (stale["days"], stale["before"]) == (7, days_ago(7).isoformat())
    a, b = stale["by_county"][county_a.code], stale["by_county"][county_b.code]
    # The school of the fresh finding has no plan and no files: listed for both.
    assert a["count"] == 3 and b["count"] == 1
    assert a["kinds"] == {"files": 2, "plan": 2, "rectification": 1}
    assert b["kinds"] == {"files": 1, "plan": 1, "rectification": 1}
    by_code = {s["code"]: s["last"] for s in a["schools"] + b["schools"]}
    assert by_code[s1.code] == {
        "files": days_ago(10).isoformat(),
        "plan": days_ago(10).isoformat(),
    }
    assert by_code[s2.code] == {"rectification": days_ago(9).isoformat()}
    assert by_code[s3.code] == {
        "files": None,
        "plan": None,
        "rectification": days_ago(8).isoformat(),
    }
    assert s4.code not in by_code
    # Three kinds first; then two kinds, the never-updated before the 10 days old.
    assert [s["code"] for s in b["schools"]] == [s3.code]
    assert [s["code"] for s in a["schools"]][-1] == s2.code
    # Twelve days: only what was never done is stale.
    longer = dispatch.stale(TODAY, days=12)["by_county"]
    assert longer[county_b.code]["kinds"] == {"files": 1, "plan": 1}
    assert s1.code not in {s["code"] for s in longer[county_a.code]["schools"]}


def yesterday(county_a, county_b, *, failed: int, a_failed: int) -> DispatchReport:
    return DispatchReport.objects.create(
        on_date=days_ago(1),
        data={"sections": {"readiness": {
            "totals": {"r_failed": failed, "r_passed": 0},
            "by_county": [
                {"code": county_a.code, "name": county_a.name, "r_failed": a_failed},
                {"code": county_b.code, "name": county_b.name, "r_failed": failed - a_failed},
            ],
        }}},
    )  # fmt: skip


def test_the_report_freezes_its_changes_and_ranking(county_a, county_b, city_staff, login):
    """Yesterday 5 not ready (3 in A). Today A has 2 not ready, B 1 ready: the
    city's not-ready tile is 2, ▼3; A's is 2, ▼1; B's 0, ▼2. Ready %: A 0 (red),
    B 100 (green)."""
    yesterday(county_a, county_b, failed=5, a_failed=3)
    SchoolFactory.create_batch(2, county=county_a, readiness="failed")
    SchoolFactory(county=county_b, readiness="passed")
    report = services.dispatch_report_build(on_date=TODAY)
    compared = report.data["compared"]
    assert compared["previous"] == days_ago(1).isoformat()
    assert compared["city"]["readiness.r_failed"] == {"value": 2, "change": -3}
    assert compared["by_county"][county_a.code]["readiness.r_failed"] == {"value": 2, "change": -1}
    assert compared["by_county"][county_b.code]["readiness.r_failed"] == {"value": 0, "change": -2}
    rows = {r["code"]: r["cells"]["ready_pct"] for r in report.data["ranking"]["rows"]}
    assert rows == {
        county_a.code: {"value": 0.0, "colour": "red"},
        county_b.code: {"value": 100.0, "colour": "green"},
    }
    assert report.data["stale"]["days"] == DashboardTargets.STALE_DAYS

    # The city lowers the bar afterwards: the dashboard colours anew, the report not.
    thresholds = {k: {"green": 0, "amber": 0} for k in dashboard.thresholds()}
    DashboardTargets.objects.create(thresholds=thresholds, created_by=city_staff)
    live = {r.code: r.cells["ready_pct"].colour for r in dashboard.county_table(report.data)}
    assert live[county_a.code] == "green"
    kept = {r.code: r.cells["ready_pct"].colour for r in dashboard.frozen_ranking(report.data)}
    assert kept[county_a.code] == "red"
    page = login(city_staff).get(reverse("dispatch_detail", args=[TODAY.isoformat()]))
    ranking = page.content.decode().split('id="report-ranking"')[1].split("</table>")[0]
    assert f'data-county="{county_a.code}"' in ranking and "rag-red" in ranking


def test_the_first_report_has_no_change(county_a, county_b):
    SchoolFactory(county=county_a, readiness="failed")
    report = services.dispatch_report_build(on_date=TODAY)
    assert report.data["compared"]["previous"] is None
    assert report.data["compared"]["city"]["readiness.r_failed"] == {"value": 1, "change": None}


def test_the_report_lists_stale_data_with_the_citys_days(county_a, county_b, city_staff, login):
    s1, s2, s3, _s4 = silent_schools(county_a, county_b)
    DashboardTargets.objects.create(thresholds={}, stale_days=12, created_by=city_staff)
    report = services.dispatch_report_build(on_date=TODAY)
    assert report.data["stale"]["days"] == 12
    page = login(city_staff).get(reverse("dispatch_detail", args=[TODAY.isoformat()]))
    listed = page.content.decode().split('id="report-stale"')[1].split("</section>")[0]
    assert s3.name in listed and s1.name not in listed and s2.name not in listed
    assert "从未" in listed  # files and plan never updated


def test_the_reports_spreadsheet_holds_what_the_page_shows(
    county_a, county_b, city_staff, official_a, login
):
    """The same hand figures as above, read back from the xlsx."""
    import io

    from openpyxl import load_workbook

    yesterday(county_a, county_b, failed=5, a_failed=3)
    SchoolFactory.create_batch(2, county=county_a, readiness="failed")
    SchoolFactory(county=county_b, readiness="passed")
    services.dispatch_report_build(on_date=TODAY)
    url = reverse("dispatch_xlsx", args=[TODAY.isoformat()])
    response = login(city_staff).get(url)
    assert response.status_code == 200
    assert f"dispatch-{TODAY}.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["主要指标", "各县区排名", "数据滞后"]
    assert {"学校", "人员档案", "核验", "返校预案", "督查", "防疫物资"} <= set(book.sheetnames)
    overview = {row[0]: row[1:3] for row in book["主要指标"].iter_rows(values_only=True)}
    assert overview["不具备开学条件"] == (2, -3)
    ranking = list(book["各县区排名"].iter_rows(values_only=True))
    header = ranking[0]
    column = header.index("具备开学条件率（%）")
    by_county = {row[1]: row for row in ranking[1:]}
    assert by_county["兰山区"][column] == 0 and by_county["沂水县"][column] == 100
    red = book["各县区排名"].cell(
        row=2 + [r[1] for r in ranking[1:]].index("兰山区"), column=column + 1
    )
    assert red.fill.fgColor.rgb.endswith("FFC7CE")
    schools = {row[0]: row[1:] for row in book["学校"].iter_rows(min_row=2, values_only=True)}
    assert schools["兰山区"][0] == 2 and schools["沂水县"][0] == 1  # schools per county
    # A county official reads reports through the API only: refused, not served.
    assert login(official_a).get(url).status_code == 403


def test_the_pdf_carries_the_ranking_and_the_stale_data(county_a, county_b, city_staff, login):
    import io

    from pypdf import PdfReader

    s1, _s2, s3, _s4 = silent_schools(county_a, county_b)
    services.dispatch_report_build(on_date=TODAY)
    response = login(city_staff).get(reverse("dispatch_pdf", args=[TODAY.isoformat()]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = "".join(text.split())  # the extractor breaks lines inside table cells
    assert "各县区排名" in text and "数据滞后" in text
    assert f"连续{DashboardTargets.STALE_DAYS}天以上" in text
    assert "沂水县：1所（人员档案1，开学返校工作预案1，整改1）" in text
    assert s3.name in text and s1.name in text and "人员档案：从未" in text


def test_the_pdf_says_what_the_page_says(county_a, county_b, city_staff, login):
    """Each ranked county's row and each stale county's line, read off the page,
    appear in the PDF's text as they are."""
    import io
    import re

    from pypdf import PdfReader

    silent_schools(county_a, county_b)
    services.dispatch_report_build(on_date=TODAY)
    client = login(city_staff)
    page = client.get(reverse("dispatch_detail", args=[TODAY.isoformat()])).content.decode()
    pdf = client.get(reverse("dispatch_pdf", args=[TODAY.isoformat()])).content
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())

    def cells(html: str) -> str:
        return "".join(re.sub(r"<[^>]+>", "", html).split())

    ranking = page.split('id="report-ranking"')[1].split("</table>")[0]
    rows = re.findall(r"<tr data-county=[^>]*>(.*?)</tr>", ranking, re.S)
    assert len(rows) == 2
    for row in rows:
        assert cells(row) in text
    stale = page.split('id="report-stale"')[1].split("</section>")[0]
    for summary in re.findall(r"<summary>(.*?)</summary>", stale, re.S):
        name, count = re.match(r"<strong>(.*?)</strong>\s*(\d+)", summary).groups()
        assert f"{name}：{count}所" in text
    for school in re.findall(r'<th scope="row"><a [^>]*>(.*?)</a></th><td>(.*?)</td>', stale):
        assert cells("".join(school)) in text


def test_the_reports_body_is_rendered_once_per_snapshot(county_a, county_b, city_staff, login):
    """The body (tiles, ranking, stale data, sections) is frozen data rendered once
    per snapshot and language; a rebuild is a new snapshot, shown at once. Worked
    by hand: two schools not ready, then a third before the rebuild."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def body(page) -> str:
        html = page.content.decode()
        return html.split('id="report-tiles-title"')[1].split('id="report-history"')[0]

    def not_ready(html: str) -> str:
        tile = html.split('data-key="readiness.r_failed"')[1]
        return tile.split('class="dash-value">')[1].split("<")[0].strip()

    SchoolFactory.create_batch(2, county=county_a, readiness="failed")
    services.dispatch_report_build(on_date=TODAY)
    client = login(city_staff)
    url = reverse("dispatch_detail", args=[TODAY.isoformat()])
    with CaptureQueriesContext(connection) as cold:
        first = body(client.get(url))
    with CaptureQueriesContext(connection) as warm:
        second = body(client.get(url))
    assert second == first
    # The tiles' trend reads the earlier reports: only the cold rendering does.
    trend = {q["sql"] for q in cold.captured_queries if "LIMIT 14" in q["sql"]}
    assert trend and not trend & {q["sql"] for q in warm.captured_queries}
    assert len(warm) < len(cold)
    assert not_ready(first) == "2"
    english = body(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Counties, ranked" in english and "Counties, ranked" not in first

    SchoolFactory(county=county_b, readiness="failed")
    services.dispatch_report_rebuild(actor=city_staff, on_date=TODAY, reason="补录县区数据")
    assert not_ready(body(client.get(url))) == "3"


def test_the_page_lists_the_first_stale_schools_and_counts_them_all(
    county_a, county_b, city_staff, login
):
    """32 schools of county A silent since always: the page lists the first 30
    and says 2 more, linking the spreadsheet; the report keeps all 32."""
    from readiness.views import PAGE_STALE_LISTED

    assert PAGE_STALE_LISTED == 30
    for n in range(32):
        school = SchoolFactory(county=county_a, code=f"21370201{n:02d}", name=f"静默{n:02d}小学")
        PersonFactory(school=school, screened_on=days_ago(40))
    screening.refresh()
    report = services.dispatch_report_build(on_date=TODAY)
    assert report.data["stale"]["by_county"][county_a.code]["count"] == 32
    assert len(report.data["stale"]["by_county"][county_a.code]["schools"]) == 32
    page = login(city_staff).get(reverse("dispatch_detail", args=[TODAY.isoformat()]))
    listed = page.content.decode().split('id="report-stale"')[1].split("</section>")[0]
    assert listed.count("静默") == 30
    assert "另有 2 所学校" in listed
    assert reverse("dispatch_xlsx", args=[TODAY.isoformat()]) in listed
