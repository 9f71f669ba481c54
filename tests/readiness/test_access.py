import pytest
from django.db import IntegrityError, transaction

from readiness.access import Right, has_right, may_edit_school, scope_of
from readiness.models import School, User
from readiness.selectors import school_list
from tests.readiness.factories import SchoolFactory, UserFactory


def test_city_roles_see_every_school(city_staff, task_force, school_a, school_b):
    for user in (city_staff, task_force):
        assert scope_of(user).is_city
        assert set(school_list(user=user)) == {school_a, school_b}


def test_county_official_sees_only_their_county(official_a, school_a, school_b, city_school_a):
    assert set(school_list(user=official_a)) == {school_a, city_school_a}


def test_school_contact_sees_only_their_school(school_contact_a, school_a, school_b):
    assert list(school_list(user=school_contact_a)) == [school_a]


def test_user_without_role_sees_nothing(db, school_a):
    user = UserFactory(role="")
    assert list(school_list(user=user)) == []


def test_inactive_user_sees_nothing(city_staff, school_a):
    city_staff.is_active = False
    assert list(school_list(user=city_staff)) == []


def test_sees_school_agrees_with_the_query(
    city_staff, official_a, school_contact_a, school_a, school_b, city_school_a
):
    """The rule kept in Python for a school already read gives what the query gives."""
    nobody = UserFactory(role="")
    for user in (city_staff, official_a, school_contact_a, nobody):
        seen = set(school_list(user=user))
        for school in (school_a, school_b, city_school_a):
            assert scope_of(user).sees_school(school) == (school in seen), (user, school)
    assert not scope_of(official_a).sees_school(school_b)


def test_county_official_edits_own_county_schools_only(
    official_a, school_a, school_b, city_school_a
):
    assert may_edit_school(official_a, school_a)
    assert not may_edit_school(official_a, school_b)
    assert not may_edit_school(official_a, city_school_a)


def test_task_force_reads_but_does_not_edit(task_force, school_a):
    assert not may_edit_school(task_force, school_a)
    assert has_right(task_force, Right.DISPATCH_VIEW)
    assert not has_right(task_force, Right.SCHOOL_IMPORT)


@pytest.mark.parametrize("role", ["verifier", "inspector", "supplies", "school"])
def test_roles_without_school_rights(make_user, school_a, role):
    user = make_user(role, school=school_a if role == "school" else None)
    assert not may_edit_school(user, school_a)
    assert not has_right(user, Right.SCHOOL_IMPORT)
    assert not has_right(user, Right.SCHOOL_EXPORT)


def test_database_refuses_school_contact_without_school(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=User.Role.SCHOOL)


def test_database_refuses_county_official_without_county(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=User.Role.COUNTY_OFFICIAL)


def test_database_refuses_scope_of_county_and_school(county_a, school_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=User.Role.SCHOOL, school=school_a, county=county_a)


def test_database_refuses_county_scope_for_task_force(county_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=User.Role.TASK_FORCE, county=county_a)


def test_database_refuses_university_under_county(county_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(county=county_a, level=School.Level.UNIVERSITY, jurisdiction="county")


def test_database_refuses_malformed_school_code(county_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(county=county_a, code="21370A0001")


def test_database_refuses_unknown_level(county_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(county=county_a, level="college")


def test_clearing_the_role_revokes_sight_of_the_county(county_a, school_a):
    user = UserFactory(role="", county=county_a)
    assert list(school_list(user=user)) == []
