"""Answering the checklist: which items apply, who answers, stale edits, history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.readiness.factories import SchoolFactory
from verification import selectors, services
from verification.models import Response

from .fixtures import complete, first_item, make_template


def test_only_items_that_apply_are_listed(verification, school_a):
    codes = [row.item.code for row in selectors.checklist(verification=verification).rows]
    assert "02" not in codes  # boarding schools only
    assert "03" not in codes  # universities only
    assert len(codes) == 8


def test_boarding_items_apply_to_a_boarding_school(
    official_a, county_team, county_members, county_a, template, tomorrow
):
    school = SchoolFactory(county=county_a, boarding=True)
    [v] = services.verification_assign(
        actor=official_a, team=county_team, schools=[school], planned_on=tomorrow
    )
    assert "02" in [row.item.code for row in selectors.checklist(verification=v).rows]


def test_a_member_answers_and_the_verification_starts(verification, county_members):
    item = first_item(verification)
    response = services.response_save(
        actor=county_members["health"],
        verification=verification,
        item_id=item.pk,
        answer="pass",
        note="已查看",
    )
    assert (response.answer, response.note, response.revision) == ("pass", "已查看", 1)
    verification.refresh_from_db()
    assert verification.status == "in_progress"


def test_someone_outside_the_team_cannot_answer(verification, county_team_b, official_a):
    other = county_team_b.members.first().user
    for user in (other, official_a):
        with pytest.raises(PermissionDenied):
            services.response_save(
                actor=user,
                verification=verification,
                item_id=first_item(verification).pk,
                answer="pass",
            )
    assert not Response.objects.exists()


def test_an_item_that_does_not_apply_is_refused(verification, county_members, template):
    boarding_item = template.items.get(code="02")
    with pytest.raises(ValidationError, match="不适用"):
        services.response_save(
            actor=county_members["hr"],
            verification=verification,
            item_id=boarding_item.pk,
            answer="pass",
        )


def test_an_item_of_another_template_is_refused(verification, county_members, departments):
    other = make_template(departments, name="另一细则")
    with pytest.raises(ValidationError):
        services.response_save(
            actor=county_members["hr"],
            verification=verification,
            item_id=other.items.first().pk,
            answer="pass",
        )


def test_an_unknown_answer_is_refused(verification, county_members):
    with pytest.raises(ValidationError):
        services.response_save(
            actor=county_members["hr"],
            verification=verification,
            item_id=first_item(verification).pk,
            answer="maybe",
        )


def test_a_veto_item_cannot_be_waived_as_not_applicable(verification, county_members):
    veto = verification.template.items.get(code="01")
    with pytest.raises(ValidationError):
        services.response_save(
            actor=county_members["health"], verification=verification, item_id=veto.pk, answer="na"
        )


def test_a_stale_edit_is_refused_and_carries_the_newer_answer(verification, county_members):
    item = first_item(verification)
    services.response_save(
        actor=county_members["health"],
        verification=verification,
        item_id=item.pk,
        answer="pass",
        revision=0,
    )
    services.response_save(
        actor=county_members["education"],
        verification=verification,
        item_id=item.pk,
        answer="fail",
        note="缺少留观区",
        revision=1,
    )
    with pytest.raises(services.StaleAnswer) as stale:
        services.response_save(
            actor=county_members["health"],
            verification=verification,
            item_id=item.pk,
            answer="pass",
            revision=1,
        )
    assert (
        stale.value.current.answer,
        stale.value.current.note,
        stale.value.current.revision,
    ) == ("fail", "缺少留观区", 2)
    assert Response.objects.get().answer == "fail"


def test_a_first_answer_against_an_answer_given_meanwhile_is_stale(verification, county_members):
    item = first_item(verification)
    services.response_save(
        actor=county_members["education"],
        verification=verification,
        item_id=item.pk,
        answer="fail",
        revision=0,
    )
    with pytest.raises(services.StaleAnswer):
        services.response_save(
            actor=county_members["health"],
            verification=verification,
            item_id=item.pk,
            answer="pass",
            revision=0,
        )


def test_every_change_of_an_answer_is_kept_with_who(verification, county_members):
    item = first_item(verification)
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk, answer="pass"
    )
    services.response_save(
        actor=county_members["education"],
        verification=verification,
        item_id=item.pk,
        answer="fail",
    )
    history = list(
        Response.history.order_by("history_date").values_list("answer", "history_user__username")
    )
    assert history == [("pass", "lanshan-health"), ("fail", "lanshan-education")]


def test_answers_after_submission_are_refused(verification, county_members):
    complete(verification, county_members)
    with pytest.raises(ValidationError, match="已提交"):
        services.response_save(
            actor=county_members["health"],
            verification=verification,
            item_id=first_item(verification).pk,
            answer="fail",
        )


def test_a_save_locks_its_verification_not_the_rows_other_saves_share(
    postgres_live, verification, county_members, monkeypatch
):
    """While an answer is saved, its verification is locked; its rules (shared by every
    verification of the city), its team and its school are not."""
    import psycopg2
    from django.db import connection

    def lock_from_another_connection(table: str, pk: int) -> str:
        settings = connection.settings_dict
        other = psycopg2.connect(dbname=settings["NAME"], user=settings["USER"],
                                 password=settings["PASSWORD"], host=settings["HOST"],
                                 port=settings["PORT"])  # fmt: skip
        try:
            with other.cursor() as cursor:
                cursor.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR UPDATE NOWAIT', [pk])
            return "free"
        except psycopg2.errors.LockNotAvailable:
            return "locked"
        finally:
            other.close()

    seen = {}
    reading = selectors.item_reading

    def read_while_locked(**kwargs):  # called inside the save, under its lock
        for table, pk in [
            ("verification_verification", verification.pk),
            ("verification_checklisttemplate", verification.template_id),
            ("verification_verificationteam", verification.team_id),
            ("readiness_school", verification.school_id),
        ]:
            seen[table] = lock_from_another_connection(table, pk)
        return reading(**kwargs)

    monkeypatch.setattr(selectors, "item_reading", read_while_locked)
    services.response_save(actor=county_members["health"], verification=verification,
                           item_id=first_item(verification).pk, answer="pass")  # fmt: skip
    assert seen == {
        "verification_verification": "locked",
        "verification_checklisttemplate": "free",
        "verification_verificationteam": "free",
        "readiness_school": "free",
    }
