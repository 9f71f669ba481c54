"""A school's labels (get_FOO_display) come from a per-field lookup: the same
words as Django's own, in the language of the moment."""

from django.utils import translation

from readiness.models import School


def _school() -> School:
    return School(level="primary", jurisdiction="city", risk_level="high", readiness="conditional")


def test_labels_are_in_the_active_language_each_time():
    school = _school()
    with translation.override("zh-hans"):
        shown = [
            school.get_level_display(),
            school.get_jurisdiction_display(),
            school.get_risk_level_display(),
            school.get_readiness_display(),
        ]
    assert shown == ["小学", "市直", "高风险", "有条件具备"]
    # The labels kept are lazy: the next request in English reads English.
    with translation.override("en"):
        assert school.get_level_display() == "Primary school"
        assert school.get_readiness_display() == "Conditionally ready"
    with translation.override("zh-hans"):
        assert school.get_level_display() == "小学"


def test_each_field_reads_its_own_choices():
    # "city" is a jurisdiction; the risk field has no such value.
    school = School(jurisdiction="city", risk_level="city")
    with translation.override("en"):
        assert school.get_jurisdiction_display() == "City-direct"
        assert school.get_risk_level_display() == "city"


def test_a_value_outside_the_choices_reads_as_itself():
    with translation.override("en"):
        assert School(level="academy").get_level_display() == "academy"
        assert School(level=None).get_level_display() is None


def test_a_lists_labels_are_those_of_the_language_they_were_asked_in():
    with translation.override("zh-hans"):
        labels = School.choice_labels("level", "readiness")
    with translation.override("en"):
        english = School.choice_labels("level")
    assert (
        labels["level"]["primary"] == "小学" and labels["readiness"]["conditional"] == "有条件具备"
    )
    assert english["level"]["primary"] == "Primary school"
    assert labels["level"]["academy"] == "academy"  # outside the choices: as itself
