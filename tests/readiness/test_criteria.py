"""Readiness as one computed fact: each criterion's states, the city's policy,
a critical finding that revokes readiness at once and the closing that restores
it, the history with its cause, notices of a loss, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections import services as inspection_services
from inspections.models import Finding
from people.screening import refresh
from plans.models import ReopeningPlan
from readiness import criteria
from readiness.models import (
    ReadinessChange,
    ReadinessNotice,
    ReadinessPolicy,
    School,
    SchoolJudgement,
)
from readiness.services import readiness_recompute
from supplies import services as supply_services
from supplies.models import Item, NeedNorm
from tests.inspections.factories import FindingFactory, RectificationReportFactory
from tests.people.factories import PersonFactory
from tests.plans.factories import ReopeningPlanFactory
from tests.readiness.factories import SchoolFactory
from tests.verification.factories import VerificationFactory
from verification.models import Verification

TODAY = timezone.localdate()


def verified(school, result="passed", due=None):
    return VerificationFactory(
        school=school,
        status=Verification.Status.APPROVED,
        result=result,
        reverify_due=due,
        approved_at=timezone.now(),
    )


def state(school, key):
    row = SchoolJudgement.objects.get(school=school).criteria[key]
    return row["state"], row["reason"]


def readiness(school):
    return School.objects.get(pk=school.pk).readiness


def test_a_school_never_verified_is_not_yet_verified(school_a):
    readiness_recompute(school_ids=[school_a.pk])
    assert readiness(school_a) == "unverified"
    assert state(school_a, "verification") == ("no_data", "")
    assert not ReadinessChange.objects.exists()  # it was "unverified" already


@pytest.mark.parametrize(
    ("result", "due", "expected", "reason"),
    [
        ("passed", None, "met", "核验通过。"),
        ("conditional", TODAY, "met", f"有条件具备：须于 {TODAY} 前复核。"),
        ("conditional", TODAY - dt.timedelta(days=1), "not_met",
         f"应于 {TODAY - dt.timedelta(days=1)} 前复核，至今未通过。"),
        ("failed", None, "not_met", "核验不通过。"),
    ],
)  # fmt: skip
def test_the_verification_criterion(school_a, result, due, expected, reason):
    v = verified(school_a, result, due)
    readiness_recompute(school_ids=[school_a.pk])
    assert state(school_a, "verification") == (expected, reason)
    row = SchoolJudgement.objects.get(school=school_a).criteria["verification"]
    assert row["link"] == reverse("verification_detail", args=[v.pk])


def test_only_the_latest_approved_verification_counts(school_a, verification_alone):
    old = verified(school_a, "failed")
    Verification.objects.filter(pk=old.pk).update(approved_at=timezone.now() - dt.timedelta(1))
    verified(school_a, "passed")
    readiness_recompute(school_ids=[school_a.pk])
    assert readiness(school_a) == "passed"


def test_the_policy_decides_required_and_conditional(school_a):
    """Verified and passed, no plan, no person files, no norms. By default the plan,
    the screening and the supplies only make the school conditionally ready; made
    required, the missing plan makes it not ready."""
    verified(school_a)
    readiness_recompute(school_ids=[school_a.pk])
    assert readiness(school_a) == "conditional"
    assert state(school_a, "plans") == ("not_met", "尚无返校预案。")
    assert state(school_a, "people") == ("no_data", "")
    assert state(school_a, "supplies") == ("no_data", "")
    ReadinessPolicy.objects.create(levels={"plans": "required"})
    readiness_recompute()
    assert readiness(school_a) == "failed"
    change = ReadinessChange.objects.latest("pk")
    assert (change.before, change.after, change.key) == ("conditional", "failed", "plans")
    ReadinessPolicy.objects.create(levels={"plans": "off", "people": "off", "supplies": "off"})
    readiness_recompute()
    assert readiness(school_a) == "passed"
    assert ReadinessChange.objects.latest("pk").key == ""  # the policy changed, no criterion
    assert ReadinessChange.objects.latest("pk").reason == "各项条件均已满足。"


def test_a_critical_finding_revokes_readiness_at_once_and_its_closing_restores_it(
    school_a, verification_alone, make_user
):
    verified(school_a)
    readiness_recompute(school_ids=[school_a.pk])
    assert readiness(school_a) == "passed"
    minor = FindingFactory(school=school_a, visit__school=school_a)
    visit = minor.visit
    inspector = visit.squad.leader
    inspection_services.finding_add(
        actor=inspector,
        visit=visit,
        description="晨检记录缺失",
        severity="minor",
        requirement="补齐",
        key_area=minor.key_area,
    )
    assert readiness(school_a) == "passed"  # a minor finding does not count
    finding = inspection_services.finding_add(
        actor=inspector,
        visit=visit,
        description="无隔离观察室",
        severity="critical",
        requirement="立即设置",
        key_area=minor.key_area,
    )
    assert readiness(school_a) == "failed"  # in the finding's own transaction
    change = ReadinessChange.objects.get(after="failed")
    assert (change.before, change.key, change.reason) == (
        "passed",
        "inspections",
        "1 项严重问题未关闭。",
    )
    assert change.link == reverse("finding_detail", args=[finding.pk])
    report = RectificationReportFactory(finding=finding)
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.REPORTED)
    readiness_recompute(school_ids=[school_a.pk])
    assert readiness(school_a) == "failed"  # reported is not yet closed
    inspection_services.report_accept(actor=inspector, report=report)
    assert readiness(school_a) == "passed"
    assert list(
        ReadinessChange.objects.filter(school=school_a).order_by("pk").values_list("after", "key")
    ) == [("passed", "verification"), ("failed", "inspections"), ("passed", "inspections")]


def test_screening_coverage_against_the_targets(school_a):
    """3 of 4 staff screened is 75 %; 2 of 2 students 100 %."""
    for n in range(4):
        PersonFactory(school=school_a, kind="staff", screened_on=TODAY if n < 3 else None)
    for _n in range(2):
        PersonFactory(school=school_a, kind="student", screened_on=TODAY)
    refresh([school_a.pk])
    assert state(school_a, "people") == (
        "not_met",
        "教职工已排查 75.0%（目标 100%）。",
    )
    ReadinessPolicy.objects.create(targets={"staff_coverage": 75})
    readiness_recompute(school_ids=[school_a.pk])
    assert state(school_a, "people") == ("met", "人员排查覆盖率达到目标。")


def test_an_approved_plan(school_a, official_a):
    plan = ReopeningPlanFactory(school=school_a, status=ReopeningPlan.Status.SUBMITTED)
    readiness_recompute(school_ids=[school_a.pk])
    assert state(school_a, "plans") == ("not_met", "返校预案尚未批准（已提交）。")
    from plans.services import plan_decide

    plan_decide(actor=official_a, plan=plan, approve=True)
    assert state(school_a, "plans") == ("met", "返校预案已批准。")


def test_days_of_cover_of_the_essential_items(school_a, make_user):
    """100 students and 10 staff at 1 mask per person per day: 110 a day. 770 masks
    cover 7.0 days (the target), 769 cover 6.9."""
    officer = make_user("supplies")
    school = School.objects.get(pk=school_a.pk)
    School.objects.filter(pk=school.pk).update(students=100, staff=10)
    mask = Item.objects.create(
        code="mask", name="口罩", stock_unit="个", display_unit="个", per_display=1
    )
    readiness_recompute(school_ids=[school.pk])
    assert state(school, "supplies") == ("no_data", "")  # no norm: no need known
    NeedNorm.objects.create(item=mask, level="", per_person_day=Decimal(1))
    holder = supply_services.school_holder(school)
    supply_services.receipt_record(
        actor=officer, holder=holder, item=mask, quantity=Decimal(769), origin="donation",
        supplier="红十字会", lot_number="M1",
    )  # fmt: skip
    assert state(school, "supplies") == ("not_met", "低于 7 天的储备：口罩 6.9 天。")
    supply_services.receipt_record(
        actor=officer, holder=holder, item=mask, quantity=Decimal(1), origin="donation",
        supplier="红十字会", lot_number="M1",
    )  # fmt: skip
    assert state(school, "supplies") == ("met", "必需物资储备不少于 7 天。")


def test_a_lost_readiness_is_noticed_by_the_school_and_its_county(
    school_a, verification_alone, official_a, official_b, school_contact_a, login,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    official_a.email = "wang@example.cn"
    official_a.save()
    verified(school_a)
    readiness_recompute(school_ids=[school_a.pk])
    assert not ReadinessNotice.objects.exists()  # gaining readiness is not a loss
    FindingFactory(school=school_a, visit__school=school_a, severity="critical")
    with django_capture_on_commit_callbacks(execute=True):
        readiness_recompute(school_ids=[school_a.pk])
    notices = ReadinessNotice.objects.all()
    assert {n.user for n in notices} == {official_a, school_contact_a}
    assert [m.to for m in mail.outbox] == [["wang@example.cn"]]  # the contact has no address
    assert f"{school_a.name}: 1 项严重问题未关闭。" in mail.outbox[0].body
    page = login(official_a).get(reverse("home")).content.decode()
    assert "不再具备开学条件" in page and school_a.name in page
    notice = notices.get(user=official_a)
    response = login(official_a).post(reverse("readiness_notice_open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("school_detail", args=[school_a.pk])
    assert "不再具备开学条件" not in login(official_a).get(reverse("home")).content.decode()
    # Another user cannot open it.
    other = notices.get(user=school_contact_a)
    assert (
        login(official_b).post(reverse("readiness_notice_open", args=[other.pk])).status_code
        == 404
    )


def test_a_recompute_runs_a_fixed_number_of_queries(county_a, verification_alone):
    def queries(n):
        schools = [SchoolFactory(county=county_a) for _ in range(n)]
        for school in schools:
            verified(school)
            ReopeningPlanFactory(school=school)
        with CaptureQueriesContext(connection) as ctx:
            readiness_recompute(school_ids=[s.pk for s in schools])
        return len(ctx.captured_queries)

    assert queries(2) == queries(12)


def test_a_recompute_changes_nothing_the_second_time(school_a):
    verified(school_a)
    readiness_recompute()
    rows = list(SchoolJudgement.objects.values_list("criteria", "checked_at"))
    assert readiness_recompute() == 0
    assert list(SchoolJudgement.objects.values_list("criteria", "checked_at")) == rows
    assert ReadinessChange.objects.count() == 1


def test_every_criterion_is_registered_in_order():
    assert [c.key for c in criteria.registry()] == [
        "verification", "inspections", "people", "plans", "supplies",
    ]  # fmt: skip


def test_the_school_page_the_list_filter_and_the_api(
    login, school_a, county_a, official_a, official_b, verification_alone
):
    other = SchoolFactory(county=county_a, name="兰山区第二小学")
    verified(school_a)
    FindingFactory(school=school_a, visit__school=school_a, severity="critical")
    readiness_recompute(school_ids=[school_a.pk, other.pk])
    client = login(official_a)
    page = client.get(reverse("school_detail", args=[school_a.pk])).content.decode()
    assert "开学条件逐项情况" in page and "1 项严重问题未关闭。" in page
    assert "不具备开学条件" in page or "不具备" in page
    listed = client.get(reverse("school_list"), {"failing": "inspections"}).context["page"]
    assert [s.pk for s in listed] == [school_a.pk]
    listed = client.get(reverse("school_list"), {"readiness": "unverified"}).context["page"]
    assert [s.pk for s in listed] == [other.pk]
    body = client.get(f"/api/v1/schools/{school_a.pk}/readiness/").json()
    assert body["readiness"] == "failed"
    by_key = {c["key"]: c for c in body["criteria"]}
    assert (by_key["inspections"]["state"], by_key["inspections"]["level"]) == (
        "not_met",
        "required",
    )
    assert by_key["plans"]["level"] == "off"
    assert [(c["before"], c["after"]) for c in body["changes"]] == [("unverified", "failed")]
    # Another county's official is refused the page and the API.
    other_client = login(official_b)
    assert other_client.get(reverse("school_detail", args=[school_a.pk])).status_code == 404
    assert other_client.get(f"/api/v1/schools/{school_a.pk}/readiness/").status_code == 404


def test_the_city_bureau_changes_the_policy_and_every_school_is_judged_again(
    login, school_a, city_staff, official_a, django_capture_on_commit_callbacks
):
    verified(school_a)
    readiness_recompute()
    assert readiness(school_a) == "conditional"
    client = login(city_staff)
    page = client.get(reverse("readiness_policy"))
    assert page.status_code == 200 and "开学条件规则" in page.content.decode()
    data = {
        "level_inspections": "required",
        "level_people": "off",
        "level_plans": "off",
        "level_supplies": "off",
        "target_staff_coverage": "100",
        "target_student_coverage": "95",
        "target_cover_days": "7",
        "note": "只看核验和督查",
    }
    refused = client.post(reverse("readiness_policy"), {**data, "target_cover_days": "-1"})
    assert refused.status_code == 400
    assert 'value="只看核验和督查"' in refused.content.decode()  # kept as typed
    assert not ReadinessPolicy.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("readiness_policy"), data)
    assert response.status_code == 302
    policy = ReadinessPolicy.objects.get()
    assert (policy.created_by, policy.note, policy.targets["student_coverage"]) == (
        city_staff,
        "只看核验和督查",
        "95",
    )
    assert readiness(school_a) == "passed"
    assert login(official_a).get(reverse("readiness_policy")).status_code == 403


def test_the_daily_report_counts_readiness_by_county_and_names_the_changes(
    school_a, county_a, verification_alone
):
    from readiness import dispatch

    other = SchoolFactory(county=county_a, name="兰山区第三小学")
    verified(school_a)
    verified(other)
    readiness_recompute()
    FindingFactory(school=other, visit__school=other, severity="critical")
    readiness_recompute()
    figures = dispatch.figures(TODAY)
    row = next(r for r in figures["by_county"] if r["code"] == county_a.code)
    assert (row["r_passed"], row["r_failed"], row["r_unverified"]) == (1, 1, 0)
    assert figures["totals"]["r_passed"] == 1
    # Both changed today: school A from unverified to ready, the other to not ready
    # (its net change since the day before: unverified → not ready).
    assert sorted((c["name"], c["before"], c["after"]) for c in figures["changed"]) == sorted(
        [("兰山区第三小学", "unverified", "failed"), (school_a.name, "unverified", "passed")]
    )
    ReadinessChange.objects.update(at=timezone.now() - dt.timedelta(days=3))
    assert dispatch.figures(TODAY)["changed"] == []


def test_reasons_are_kept_in_the_citys_language_whoever_asks(school_a):
    from django.utils import translation

    verified(school_a)
    with translation.override("en"):
        readiness_recompute(school_ids=[school_a.pk])
    assert state(school_a, "verification") == ("met", "核验通过。")


def test_the_city_bureau_has_every_school_judged_now(
    login, school_a, city_staff, official_a, django_capture_on_commit_callbacks
):
    verified(school_a)  # approved outside the services: not yet judged
    with django_capture_on_commit_callbacks(execute=True):
        response = login(city_staff).post(reverse("readiness_recompute"))
    assert response.status_code == 302
    assert readiness(school_a) == "conditional"
    assert login(official_a).post(reverse("readiness_recompute")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_recomputes_racing_for_one_school_record_its_change_once(postgres_live, school_a):
    """Eight recomputes of a newly verified school at once: the advisory lock lets
    one record the change; the others find it done."""
    import threading

    verified(school_a)
    barrier = threading.Barrier(8)
    outcomes = []

    def recompute():
        try:
            barrier.wait()
            outcomes.append(readiness_recompute(school_ids=[school_a.pk]))
        except Exception as error:  # reported below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=recompute) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [0] * 7 + [1]
    assert ReadinessChange.objects.filter(school=school_a).count() == 1
    assert len(SchoolJudgement.objects.get(school=school_a).criteria) == 5
