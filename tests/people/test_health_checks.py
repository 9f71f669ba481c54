"""Daily health checks (晨午检): a school enters its session class by class, or
reports nothing to report; bad counts are refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from people.models import HealthCheck, SessionReport
from people.services import ClassCount, session_submit
from tests.people.factories import SchoolClassFactory, reopened

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def classes(school_a):
    reopened(school_a)
    return [
        SchoolClassFactory(school=school_a, grade="一年级", name="1班", enrolled=40),
        SchoolClassFactory(school=school_a, grade="一年级", name="2班", enrolled=38),
        SchoolClassFactory(
            school=school_a, grade="二年级", name="1班", enrolled=45, boarding=True
        ),
    ]


def submit(user, school, counts=(), *, on_date=YESTERDAY, session="morning", **kwargs):
    return session_submit(
        actor=user, school=school, on_date=on_date, session=session, counts=counts, **kwargs
    )


def test_a_morning_is_entered_with_only_the_exceptions(school_contact_a, school_a, classes):
    one, two, three = classes
    report = submit(
        school_contact_a,
        school_a,
        [
            ClassCount(one.pk, absent=3, absent_ill=2, fever=2),
            ClassCount(two.pk),
            ClassCount(three.pk, absent=1, cough=1),
        ],
    )
    # Worked by hand: 40 + 38 + 45 enrolled; 3 + 0 + 1 absent; 2 ill; 2 fevers; 1 cough.
    assert (report.classes, report.enrolled, report.absent, report.absent_ill) == (3, 123, 4, 2)
    assert (report.fever, report.cough, report.nothing_to_report) == (2, 1, False)
    check = HealthCheck.objects.get(school_class=one)
    assert (check.enrolled, check.present, check.absent_ill) == (40, 37, 2)


def test_nothing_to_report_enters_every_class_present_in_one_step(
    school_contact_a, school_a, classes
):
    report = submit(school_contact_a, school_a, nothing_to_report=True)
    assert (report.classes, report.enrolled, report.absent, report.nothing_to_report) == (
        3,
        123,
        0,
        True,
    )
    assert HealthCheck.objects.filter(absent=0).count() == 3


def test_nothing_to_report_is_refused_once_an_absence_is_entered(
    school_contact_a, school_a, classes
):
    submit(school_contact_a, school_a, [ClassCount(classes[0].pk, absent=1)])
    with pytest.raises(ValidationError, match="已登记缺勤或症状"):
        submit(school_contact_a, school_a, nothing_to_report=True)


def test_a_class_entered_again_is_replaced_with_its_history(school_contact_a, school_a, classes):
    one = classes[0]
    submit(school_contact_a, school_a, [ClassCount(one.pk, absent=2)])
    report = submit(school_contact_a, school_a, [ClassCount(one.pk, absent=5, absent_ill=1)])
    check = HealthCheck.objects.get(school_class=one)
    assert (check.absent, check.absent_ill) == (5, 1)
    assert [h.absent for h in check.history.order_by("history_id")] == [2, 5]
    assert (report.classes, report.absent) == (1, 5)
    assert SessionReport.objects.count() == 1


def test_the_evening_check_is_for_boarders_only(school_contact_a, school_a, classes):
    report = submit(school_contact_a, school_a, session="evening", nothing_to_report=True)
    assert (report.classes, report.enrolled) == (1, 45)  # the boarding class alone
    with pytest.raises(ValidationError) as refused:
        submit(school_contact_a, school_a, [ClassCount(classes[0].pk)], session="evening")
    assert f"class-{classes[0].pk}" in refused.value.message_dict


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (dict(absent=41), "缺勤 41 人，超过在籍 40 人"),
        (dict(absent=-1), "人数应为 0 或正整数"),
        (dict(absent=2, absent_ill=3), "因病缺勤 3 人，超过缺勤 2 人"),
        (dict(fever=41), "症状人数超过在籍 40 人"),
    ],
)
def test_a_bad_count_is_refused_beside_its_class_and_nothing_is_written(
    school_contact_a, school_a, classes, count, message
):
    one, two, _three = classes
    with pytest.raises(ValidationError) as refused:
        submit(
            school_contact_a,
            school_a,
            [ClassCount(two.pk, absent=1), ClassCount(one.pk, **count)],
        )
    assert message in " ".join(refused.value.message_dict[f"class-{one.pk}"])
    assert not HealthCheck.objects.exists() and not SessionReport.objects.exists()


def test_a_class_of_another_school_or_twice_is_refused(
    school_contact_a, school_a, school_b, classes
):
    other = SchoolClassFactory(school=school_b)
    with pytest.raises(ValidationError) as refused:
        submit(
            school_contact_a,
            school_a,
            [ClassCount(other.pk), ClassCount(classes[0].pk), ClassCount(classes[0].pk)],
        )
    errors = refused.value.message_dict
    assert "不是" in errors[f"class-{other.pk}"][0]
    assert errors[f"class-{classes[0].pk}"] == ["该班级填报了两次。"]
    assert not HealthCheck.objects.exists()


def test_a_session_in_the_future_is_refused(school_contact_a, school_a, classes, settings):
    with pytest.raises(ValidationError, match="尚未开始"):
        submit(school_contact_a, school_a, on_date=YESTERDAY + dt.timedelta(days=2))
    # Today's noon check before noon: the start moved to the day's last instant.
    settings.HEALTH_SESSION_STARTS = {**settings.HEALTH_SESSION_STARTS, "noon": "23:59:59.999"}
    with pytest.raises(ValidationError, match="尚未开始"):
        submit(school_contact_a, school_a, on_date=timezone.localdate(), session="noon")
    settings.HEALTH_SESSION_STARTS = {**settings.HEALTH_SESSION_STARTS, "noon": "00:00"}
    submit(school_contact_a, school_a, on_date=timezone.localdate(), session="noon",
           nothing_to_report=True)  # fmt: skip


def test_no_checks_before_the_school_reopens(school_contact_a, school_a, classes):
    with pytest.raises(ValidationError, match="返校，此前不登记晨午检"):
        submit(school_contact_a, school_a, on_date=timezone.localdate() - dt.timedelta(days=11))
    assert submit(
        school_contact_a, school_a, on_date=timezone.localdate() - dt.timedelta(days=10),
        nothing_to_report=True,
    )  # fmt: skip


def test_no_checks_without_an_approved_return_plan(school_contact_a, school_b, make_user):
    SchoolClassFactory(school=school_b)
    contact = make_user("school", school=school_b)
    with pytest.raises(ValidationError, match="尚无已批准的返校预案"):
        submit(contact, school_b, nothing_to_report=True)


def test_only_the_school_and_its_county_enter_its_checks(
    school_a, classes, official_a, official_b, task_force, make_user, school_b
):
    assert submit(official_a, school_a, nothing_to_report=True)
    for outsider in (official_b, task_force, make_user("school", school=school_b)):
        with pytest.raises(PermissionDenied):
            submit(outsider, school_a, nothing_to_report=True)


def test_a_session_costs_the_same_queries_for_3_or_40_classes(
    school_contact_a, school_a, classes, django_assert_num_queries
):
    more = SchoolClassFactory.create_batch(37, school=school_a, grade="三年级")
    few = [ClassCount(c.pk, absent=1) for c in classes]
    every = few + [ClassCount(c.pk, absent=1, fever=1) for c in more]
    # The plan's date, the classes, the session's checks locked, the checks and their
    # history inserted, the totals, the report read and inserted, the day's checks and
    # the baseline read for alerts, the audit entry: 11, and 8 savepoints and releases
    # of the nested transactions.
    with django_assert_num_queries(19):
        submit(school_contact_a, school_a, few)
    with django_assert_num_queries(19):
        submit(school_contact_a, school_a, every, on_date=YESTERDAY - dt.timedelta(days=1))
