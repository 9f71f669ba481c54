"""The health-check pages: a school's session on one screen, its day, the county's
and the city's day; a refused session keeps what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.models import HealthCheck, SessionReport
from people.services import ClassCount, session_submit
from tests.people.factories import SchoolClassFactory, reopened
from tests.readiness.factories import SchoolFactory

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def classes(school_a):
    reopened(school_a)
    return [
        SchoolClassFactory(school=school_a, grade="一年级", name="1班", enrolled=40),
        SchoolClassFactory(school=school_a, grade="一年级", name="2班", enrolled=38),
        SchoolClassFactory(school=school_a, grade="二年级", name="1班", enrolled=45),
    ]


def enter(client, school, data, session="morning"):
    return client.post(
        reverse("health_enter", args=[school.pk, session]),
        {"date": YESTERDAY.isoformat(), **data},
    )


def test_a_school_enters_its_morning_on_one_screen(login, school_contact_a, school_a, classes):
    one, _two, three = classes
    client = login(school_contact_a)
    page = client.get(
        reverse("health_enter", args=[school_a.pk, "morning"]), {"date": YESTERDAY.isoformat()}
    )
    body = page.content.decode()
    assert page.status_code == 200 and body.count('class="class-row') == 3
    assert "在籍 40 人" in body and f'name="c{one.pk}-absent"' in body

    response = enter(
        client, school_a, {f"c{one.pk}-absent": "2", f"c{one.pk}-absent_ill": "2",
                           f"c{one.pk}-fever": "2", f"c{three.pk}-cough": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    report = SessionReport.objects.get()
    assert (report.classes, report.enrolled, report.absent, report.fever) == (3, 123, 2, 2)
    day = client.get(response.url).content.decode()
    assert "已报告" in day and "2 / 2 / 2" in day  # class 1: absent / ill / symptoms

    # Entered again: the page shows what was entered.
    again = client.get(
        reverse("health_enter", args=[school_a.pk, "morning"]), {"date": YESTERDAY.isoformat()}
    ).content.decode()
    assert f'name="c{one.pk}-absent" id="id_c{one.pk}-absent" value="2"' in again


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"absent": "1", "absent_ill": "2"}, "因病缺勤 2 人，超过缺勤 1 人"),
        ({"absent": "abc"}, "输入整数"),
        ({"absent": "41"}, "缺勤 41 人，超过在籍 40 人"),
    ],
)
def test_a_refused_session_keeps_what_was_typed_beside_its_class(
    login, school_contact_a, school_a, classes, typed, message
):
    one, two, _three = classes
    data = {f"c{one.pk}-{k}": v for k, v in typed.items()} | {f"c{two.pk}-absent": "3"}
    response = enter(login(school_contact_a), school_a, data)
    assert response.status_code == 400
    body = response.content.decode()
    row = body[body.index(f'id="class-{one.pk}"') :]
    row = row[: row.index("</fieldset>")]
    assert message in row and 'aria-invalid="true"' in row
    assert f'name="c{two.pk}-absent" id="id_c{two.pk}-absent" value="3"' in body
    assert not HealthCheck.objects.exists() and not SessionReport.objects.exists()


def test_nothing_to_report_in_one_step(login, school_contact_a, school_a, classes):
    response = login(school_contact_a).post(
        reverse("health_nothing", args=[school_a.pk, "morning"]), {"date": YESTERDAY.isoformat()}
    )
    assert response.status_code == 302
    assert SessionReport.objects.get().nothing_to_report
    page = login(school_contact_a).get(response.url).content.decode()
    assert "零报告" in page


def test_the_county_day_gives_each_open_school_its_rates(
    login, official_a, school_contact_a, school_a, classes, county_a
):
    one = classes[0]
    SchoolFactory(county=county_a, name="尚未返校小学")  # no approved plan: not listed
    session_submit(
        actor=school_contact_a, school=school_a, on_date=YESTERDAY, session="morning",
        counts=[ClassCount(one.pk, absent=4, absent_ill=2, fever=1)],
    )  # fmt: skip
    page = login(official_a).get(reverse("health_day"), {"date": YESTERDAY.isoformat()})
    body = page.content.decode()
    assert school_a.name in body and "尚未返校小学" not in body
    # One class of 40 entered: 4 absent is 10.0 %, 2 ill 5.0 %.
    assert '<td class="num">10.0</td>' in body and '<td class="num">5.0</td>' in body


def test_a_countys_day_is_paged_with_its_total_and_the_silent_schools_first(
    login, official_a, school_contact_a, school_a, classes, county_a, monkeypatch
):
    monkeypatch.setattr("people.health_views.PAGE_SIZE", 2)
    silent = [SchoolFactory(county=county_a, code=f"213702990{n}") for n in (1, 2)]
    for school in silent:
        reopened(school)
    session_submit(
        actor=school_contact_a, school=school_a, on_date=YESTERDAY, session="morning",
        counts=[ClassCount(classes[0].pk, absent=4, absent_ill=2, fever=1)],
    )  # fmt: skip
    client = login(official_a)
    first = client.get(reverse("health_day"), {"date": YESTERDAY.isoformat()})
    # The two schools that did not report come first, whatever their codes.
    assert [r.name for r in first.context["rows"]] == [s.name for s in silent]
    body = first.content.decode()
    # The county's whole day above the page: 1 of 3 open schools reported the
    # morning, and its one class of 40 entered had 4 absent (10.0 %), 2 ill (5.0 %).
    total = body.split('<tr class="total">', 1)[1].split("</tr>", 1)[0]
    assert "合计" in total and '<td class="num">1/3</td><td class="num">0/3</td>' in total
    assert '<td class="num">10.0</td>' in total and '<td class="num">5.0</td>' in total
    assert f"?date={YESTERDAY.isoformat()}&amp;page=2" in body
    second = client.get(reverse("health_day"), {"date": YESTERDAY.isoformat(), "page": 2})
    assert [r.name for r in second.context["rows"]] == [school_a.name]


def test_the_city_day_counts_open_and_reporting_schools_per_county(
    login, task_force, school_contact_a, school_a, classes, county_a, county_b, official_b
):
    other = SchoolFactory(county=county_a)
    reopened(other)
    session_submit(
        actor=school_contact_a, school=school_a, on_date=YESTERDAY, session="morning",
        nothing_to_report=True,
    )  # fmt: skip
    client = login(task_force)
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("health_day"), {"date": YESTERDAY.isoformat()})
    for school in SchoolFactory.create_batch(5, county=county_b):
        reopened(school)
        SchoolClassFactory(school=school)
        session_submit(
            actor=official_b, school=school, on_date=YESTERDAY, session="morning",
            nothing_to_report=True,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("health_day"), {"date": YESTERDAY.isoformat()})
    # session, user, counties, schools, reopening dates, reports (and the menu's rights)
    assert len(few.captured_queries) == len(more.captured_queries) <= 8
    rows = {r.name: r for r in page.context["rows"]}
    assert (rows[county_a.name].expected, rows[county_a.name].reported) == (2, {"morning": 1})
    assert rows[county_a.name].silent == 1
    assert rows[county_b.name].expected == 0
    county = client.get(
        reverse("health_day"), {"date": YESTERDAY.isoformat(), "county": county_a.pk}
    )
    assert {r.name for r in county.context["rows"]} == {school_a.name, other.name}


def test_another_county_sees_nothing_of_the_school(login, official_b, school_a, classes):
    client = login(official_b)
    assert client.get(reverse("health_school_day", args=[school_a.pk])).status_code == 404
    assert client.get(reverse("health_enter", args=[school_a.pk, "morning"])).status_code == 404
    day = client.get(reverse("health_day"), {"date": YESTERDAY.isoformat()})
    assert school_a.name not in day.content.decode()


def test_the_illness_absence_trend_gives_each_day_its_rate(
    login, school_contact_a, official_a, school_a, classes
):
    from django.db.models import Q

    from people.selectors import illness_trend

    one = classes[0]  # 40 enrolled
    for back, ill in ((2, 2), (1, 4)):
        session_submit(
            actor=school_contact_a, school=school_a,
            on_date=timezone.localdate() - dt.timedelta(days=back), session="morning",
            counts=[ClassCount(one.pk, absent=ill, absent_ill=ill)],
        )  # fmt: skip
    points = illness_trend(schools=Q(pk=school_a.pk), on_date=YESTERDAY)
    # 2 of 40 is 5.0 %, 4 of 40 is 10.0 % (one class entered each day).
    assert points == [
        ((YESTERDAY - dt.timedelta(days=1)).isoformat(), 5.0),
        (YESTERDAY.isoformat(), 10.0),
    ]
    page = login(official_a).get(reverse("health_day"), {"date": YESTERDAY.isoformat()})
    assert '<svg class="trend"' in page.content.decode()


@pytest.mark.parametrize("date", ["", "2026-02-30", "今天"])
def test_nothing_to_report_for_no_day_writes_nothing(
    login, school_contact_a, school_a, classes, date, settings
):
    # Today's morning has begun, whatever the hour the test runs: a day taken for
    # today would be written.
    settings.HEALTH_SESSION_STARTS = {**settings.HEALTH_SESSION_STARTS, "morning": "00:00"}
    response = login(school_contact_a).post(
        reverse("health_nothing", args=[school_a.pk, "morning"]), {"date": date}
    )
    assert response.status_code == 302
    assert not SessionReport.objects.exists() and not HealthCheck.objects.exists()
