import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from readiness import services
from readiness.models import School


def test_two_edits_of_different_fields_both_stay(official_a, city_staff, school_a):
    stale_a = School.objects.get(pk=school_a.pk)
    stale_b = School.objects.get(pk=school_a.pk)
    services.school_update(actor=official_a, school=stale_a, data={"principal": "赵明"})
    services.school_update(actor=city_staff, school=stale_b, data={"students": 999})
    school_a.refresh_from_db()
    assert (school_a.principal, school_a.students) == ("赵明", 999)


def test_each_edit_is_kept_in_the_history_with_its_author(official_a, school_a):
    services.school_update(actor=official_a, school=school_a, data={"staff": 50})
    entry = school_a.history.latest()
    assert (entry.staff, entry.history_user, entry.history_type) == (50, official_a, "~")


def test_a_university_must_stay_city_direct(city_staff, school_a):
    with pytest.raises(ValidationError):
        services.school_update(actor=city_staff, school=school_a, data={"level": "university"})
    school_a.refresh_from_db()
    assert school_a.level == "primary"


def test_fields_outside_the_edit_form_are_refused(city_staff, school_a):
    with pytest.raises(ValidationError):
        services.school_update(actor=city_staff, school=school_a, data={"code": "2137029999"})


def test_update_by_a_user_of_another_county_is_refused(official_b, school_a):
    with pytest.raises(PermissionDenied):
        services.school_update(actor=official_b, school=school_a, data={"staff": 1})
    school_a.refresh_from_db()
    assert school_a.staff == 45
