"""The dashboard: each tile's value from the latest report, its change since the
report before (figures worked by hand), its trend as SVG; the city's totals or a
county's own row; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from readiness import dashboard
from readiness.models import DashboardTargets, DispatchReport

TODAY = timezone.localdate()


def report(day_offset: int, passed: int, failed: int, a_passed: int) -> DispatchReport:
    """A report whose readiness section holds the city's totals and county rows."""
    return DispatchReport.objects.create(
        on_date=TODAY - dt.timedelta(days=day_offset),
        data={
            "sections": {
                "readiness": {
                    "totals": {"r_passed": passed, "r_failed": failed},
                    "by_county": [
                        {"code": "371302", "r_passed": a_passed, "r_failed": 1},
                        {"code": "371323", "r_passed": passed - a_passed, "r_failed": failed - 1},
                    ],
                }
            }
        },
    )


def freeze_all() -> None:
    """What the build service freezes, added to the reports made above."""
    previous = None
    for made in DispatchReport.objects.order_by("on_date"):
        made.data.update(dashboard.frozen(made.data, previous))
        made.save()
        previous = made


def test_tiles_carry_the_change_since_the_report_before(city_staff):
    report(2, passed=10, failed=9, a_passed=4)
    report(1, passed=12, failed=7, a_passed=5)
    report(0, passed=15, failed=8, a_passed=7)
    tiles, latest = dashboard.tiles(user=city_staff)
    assert latest == TODAY
    by_key = {t.key: t for t in tiles}
    ready, not_ready = by_key["readiness.r_passed"], by_key["readiness.r_failed"]
    assert (ready.value, ready.change, ready.better) == (15, 3, True)  # 15 − 12
    assert (not_ready.value, not_ready.change, not_ready.better) == (8, 1, False)  # 8 − 7
    assert [v for _day, v in ready.points] == [10, 12, 15]
    assert "<polyline" in ready.svg
    # A tile whose section is missing from the reports has no value and no chart.
    assert by_key["inspections.open"].value is None and by_key["inspections.open"].svg == ""


def test_a_county_sees_its_own_row(county_a, county_b, official_a):
    report(1, passed=12, failed=7, a_passed=5)
    report(0, passed=15, failed=8, a_passed=7)
    by_key = {t.key: t for t in dashboard.tiles(user=official_a)[0]}
    assert (by_key["readiness.r_passed"].value, by_key["readiness.r_passed"].change) == (7, 2)


def test_the_period_limits_the_trend(city_staff):
    for back in range(20):
        report(back, passed=100 - back, failed=back, a_passed=10)
    assert (
        len({t.key: t for t in dashboard.tiles(user=city_staff)[0]}["readiness.r_passed"].points)
        == 14
    )
    assert (
        len(
            {t.key: t for t in dashboard.tiles(user=city_staff, period="30")[0]}[
                "readiness.r_passed"
            ].points
        )
        == 20
    )


def test_the_page_shows_the_tiles_with_links(login, city_staff):
    report(1, passed=12, failed=7, a_passed=5)
    report(0, passed=15, failed=8, a_passed=7)
    page = login(city_staff).get(reverse("dashboard")).content.decode()
    assert "具备开学条件" in page and "▲ 3" in page
    assert f'href="{reverse("school_list")}?readiness=passed"' in page
    assert "<svg" in page


def test_the_page_reads_in_a_fixed_number_of_queries(login, city_staff):
    """Built: session, user, counties, the latest report and the thresholds' version
    (the key), the reports' frozen tiles, the ranking, the thresholds, the map's
    places — 9, whatever the days. Kept: the first 5."""
    client = login(city_staff)

    def queries(days):
        DispatchReport.objects.all().delete()
        for back in range(days):
            report(back, passed=20 + back, failed=back, a_passed=3)
        freeze_all()
        counts = []
        for _ in range(2):  # built, then kept
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("dashboard"))
            assert response.status_code == 200 and "具备开学条件" in response.content.decode()
            counts.append(len(ctx.captured_queries))
        return counts

    assert queries(3) == queries(14) == [9, 5]


def test_others_are_refused(login, make_user):
    assert login(make_user("inspector")).get(reverse("dashboard")).status_code == 403


def test_a_tile_nested_in_its_section_and_keyed_by_county(city_staff, official_a, county_a):
    """The plans section keeps its figures under "plans", counties keyed by code."""
    for back, approved in ((1, 3), (0, 5)):
        DispatchReport.objects.create(
            on_date=TODAY - dt.timedelta(days=back),
            data={"sections": {"plans": {"plans": {
                "totals": {"approved": approved + 10},
                "by_county": {county_a.code: {"approved": approved}},
            }}}},
        )  # fmt: skip
    city = {t.key: t for t in dashboard.tiles(user=city_staff)[0]}["plans.approved"]
    county = {t.key: t for t in dashboard.tiles(user=official_a)[0]}["plans.approved"]
    assert (city.value, city.change) == (15, 2)
    assert (county.value, county.change) == (5, 2)


def ranked_report(county_a, county_b):
    """County A: 8 of 10 schools ready (80 %), 3 findings overdue; county B: 2 of 10
    ready (20 %), none overdue."""
    return DispatchReport.objects.create(
        on_date=TODAY,
        data={"sections": {
            "readiness": {"totals": {}, "by_county": [
                {"code": county_a.code, "name": "兰山区", "school_count": 10, "r_passed": 8},
                {"code": county_b.code, "name": "沂水县", "school_count": 10, "r_passed": 2},
            ]},
            "inspections": {"totals": {}, "by_county": [
                {"code": county_a.code, "overdue": 3},
                {"code": county_b.code, "overdue": 0},
            ]},
        }},
    )  # fmt: skip


def test_the_county_table_colours_and_ranks(county_a, county_b, city_staff):
    """Defaults: ready % green ≥ 80, amber ≥ 50; findings overdue green ≤ 0, amber ≤ 2.
    A: 80 % green, 3 overdue red. B: 20 % red, 0 overdue green: one red each, then
    one amber each (none) — the tie goes by code."""
    report = ranked_report(county_a, county_b)
    table = dashboard.county_table(report.data)
    cells = {row.code: {k: (c.value, c.colour) for k, c in row.cells.items()} for row in table}
    assert cells[county_a.code]["ready_pct"] == (80.0, "green")
    assert cells[county_a.code]["findings_overdue"] == (3, "red")
    assert cells[county_b.code]["ready_pct"] == (20.0, "red")
    assert cells[county_b.code]["findings_overdue"] == (0, "green")
    assert cells[county_a.code]["verification_passed_pct"] == (None, "none")  # not in report
    by_ready = dashboard.county_table(report.data, sort="ready_pct", descending=False)
    assert [row.code for row in by_ready] == [county_b.code, county_a.code]


def test_the_city_sets_the_thresholds(login, county_a, county_b, city_staff, official_a):
    report = ranked_report(county_a, county_b)
    client = login(city_staff)
    data = {"stale_days": "10"}
    for _key, measure in dashboard.measures():
        data[f"{measure.key}__green"] = measure.green
        data[f"{measure.key}__amber"] = measure.amber
    refused = client.post(reverse("dashboard_targets"), {**data, "ready_pct__amber": "90"})
    assert refused.status_code == 400  # amber better than green
    assert 'value="90"' in refused.content.decode()
    for days in ("0", "91", "七"):
        refused = client.post(reverse("dashboard_targets"), {**data, "stale_days": days})
        assert refused.status_code == 400, days
        assert f'value="{days}"' in refused.content.decode()
    assert DashboardTargets.objects.count() == 0  # nothing saved by the refusals
    response = client.post(reverse("dashboard_targets"), {**data, "findings_overdue__amber": "3"})
    assert response.status_code == 302
    assert dashboard.stale_days() == 10
    cells = {row.code: row.cells for row in dashboard.county_table(report.data)}
    assert cells[county_a.code]["findings_overdue"].colour == "amber"  # 3 ≤ 3 now
    assert login(official_a).get(reverse("dashboard_targets")).status_code == 403


def test_the_page_ranks_and_drills_down_to_a_county(
    login, county_a, county_b, city_staff, official_a
):
    ranked_report(county_a, county_b)
    client = login(city_staff)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="county-table"' in page and 'class="num rag-red"' in page
    down = client.get(reverse("dashboard"), {"county": county_b.code})
    assert down.status_code == 200
    tiles = {t.key: t for t in down.context["tiles"]}
    assert tiles["readiness.r_passed"].value == 2 and "沂水县" in down.content.decode()
    assert client.get(reverse("dashboard"), {"county": "999999"}).status_code == 404
    # A county official's ?county= is ignored: their own county always.
    own = login(official_a).get(reverse("dashboard"), {"county": county_b.code})
    assert {t.key: t for t in own.context["tiles"]}["readiness.r_passed"].value == 8
    assert 'id="county-table"' not in own.content.decode()


def test_the_reports_pdf_carries_the_tiles_and_their_trends(login, city_staff):
    import io

    from pypdf import PdfReader

    report(1, passed=12, failed=7, a_passed=5)
    report(0, passed=15, failed=8, a_passed=7)
    response = login(city_staff).get(reverse("dispatch_pdf", args=[TODAY.isoformat()]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "主要指标及近 14 天走势" in text
    assert "具备开学条件" in text and "15" in text and "▲3" in text.replace(" ", "")


def test_the_tile_map_places_and_colours_the_counties(login, county_a, county_b, city_staff):
    from readiness.models import County

    County.objects.filter(pk=county_b.pk).update(map_row=1, map_column=3)  # 沂水, north
    County.objects.filter(pk=county_a.pk).update(map_row=3, map_column=3)  # 兰山
    ranked_report(county_a, county_b)
    page = login(city_staff).get(reverse("dashboard"), {"map": "findings_overdue"})
    tiles = {t.row.code: t for t in page.context["tile_map"]}
    assert (tiles[county_b.code].map_row, tiles[county_b.code].cell.colour) == (1, "green")
    assert (tiles[county_a.code].map_row, tiles[county_a.code].cell.colour) == (3, "red")
    body = page.content.decode()
    assert "map-r1 map-c3" in body
    # By default the map shows the first measure: ready %, 80 % green for 兰山.
    tiles = {
        t.row.code: t for t in login(city_staff).get(reverse("dashboard")).context["tile_map"]
    }
    assert (tiles[county_a.code].cell.value, tiles[county_a.code].cell.colour) == (80.0, "green")


def test_a_countys_page_reads_in_a_fixed_number_of_queries(login, county_a, official_a):
    """Built: session, user, counties, the user's county, the key's two, the frozen
    tiles — 7. Kept: 6."""
    client = login(official_a)

    def queries(days):
        DispatchReport.objects.all().delete()
        for back in range(days):
            report(back, passed=20 + back, failed=back, a_passed=3)
        freeze_all()
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse("dashboard")).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    assert queries(3) == queries(14) == [7, 6]


def test_a_kept_body_follows_the_report_the_thresholds_and_the_reader(
    login, county_a, county_b, city_staff, official_a, make_user
):
    """The body kept for one view is never shown for another: a rebuilt report,
    new thresholds, another county's official each get their own."""
    report(1, passed=12, failed=7, a_passed=5)
    latest = report(0, passed=15, failed=8, a_passed=7)
    city = login(city_staff)
    assert "▲ 3" in city.get(reverse("dashboard")).content.decode()  # 15 − 12
    latest.data["sections"]["readiness"]["totals"]["r_passed"] = 17
    latest.built_at = timezone.now()  # as a rebuild leaves it
    latest.save()
    assert "▲ 5" in city.get(reverse("dashboard")).content.decode()  # 17 − 12

    DispatchReport.objects.all().delete()
    ranked_report(county_a, county_b)
    freeze_all()

    def table() -> str:
        page = city.get(reverse("dashboard")).content.decode()
        return page.split('id="county-table"')[1].split("</table>")[0]

    assert "rag-red" in table()  # B's 20 % ready, A's 3 overdue
    thresholds = {k: {"green": 0, "amber": 0} for k in dashboard.thresholds()}
    thresholds["findings_overdue"] = {"green": 5, "amber": 5}
    DashboardTargets.objects.create(thresholds=thresholds, created_by=city_staff)
    assert "rag-red" not in table()

    own_a = login(official_a).get(reverse("dashboard")).content.decode()
    official_b = make_user("county_official", county=county_b)
    own_b = login(official_b).get(reverse("dashboard")).content.decode()
    assert "兰山区" in own_a.split("<main")[1] and "沂水县" not in own_a.split("<main")[1]
    assert "沂水县" in own_b.split("<main")[1] and "兰山区" not in own_b.split("<main")[1]


def test_tiles_read_what_each_report_froze(county_a, official_a, city_staff):
    """Two reports built by the service froze their values and changes; the
    dashboard reads those (an older report without them is worked out from its
    figures): the city 15 then 12, ▼3 as frozen; county A's own row."""
    report(2, passed=10, failed=9, a_passed=4)  # built before reports froze their tiles
    frozen = {"readiness.r_passed": {"value": 12, "change": 2}}
    DispatchReport.objects.create(
        on_date=TODAY - dt.timedelta(days=1),
        data={"compared": {"city": frozen, "by_county": {"371302": frozen}}},
    )
    county = {"readiness.r_passed": {"value": 7, "change": -5}}
    DispatchReport.objects.create(
        on_date=TODAY,
        data={"compared": {
            "city": {"readiness.r_passed": {"value": 15, "change": 3}},
            "by_county": {"371302": county},
        }},
    )  # fmt: skip
    by_key = {t.key: t for t in dashboard.tiles(user=city_staff)[0]}
    ready = by_key["readiness.r_passed"]
    assert (ready.value, ready.change) == (15, 3)
    assert [v for _day, v in ready.points] == [10, 12, 15]
    own = {t.key: t for t in dashboard.tiles(user=official_a)[0]}["readiness.r_passed"]
    assert (own.value, own.change, [v for _d, v in own.points]) == (7, -5, [4, 12, 7])
