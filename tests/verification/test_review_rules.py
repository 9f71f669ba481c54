"""Rules that close gaps: rights on supervision and export, drafts of city teams,
veto items, one re-verification, overdue re-verifications, malformed input."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from verification import selectors, services
from verification.models import ChecklistItem, Verification

from .fixtures import complete


def test_a_veto_item_cannot_be_waived_as_not_applicable(verification, county_members):
    veto = verification.template.items.get(code="01")
    with pytest.raises(ValidationError):
        services.response_save(
            actor=county_members["health"], verification=verification, item_id=veto.pk, answer="na"
        )


def test_an_approval_is_verified_again_only_once(
    verification, county_members, official_a, tomorrow
):
    complete(verification, county_members, fail=("05",))
    services.verification_approve(actor=county_members["education"], verification=verification)
    services.verification_reverify(actor=official_a, previous=verification, planned_on=tomorrow)
    with pytest.raises(ValidationError):
        services.verification_reverify(
            actor=official_a, previous=verification, planned_on=tomorrow
        )


def test_a_passed_conditional_due_date_counts_as_overdue(verification, county_members, city_staff):
    complete(verification, county_members, fail=("05",))
    services.verification_approve(actor=county_members["education"], verification=verification)
    Verification.objects.filter(pk=verification.pk).update(
        reverify_due=timezone.localdate() - dt.timedelta(days=1)
    )
    [row] = [r for r in selectors.supervision(user=city_staff) if r["county"].code == "371302"]
    assert (row["conditional"], row["overdue"]) == (1, 1)


@pytest.mark.parametrize("role", ["school", "verifier", "inspector", "supplies"])
def test_supervision_and_export_are_refused_to_roles_without_the_right(
    login, make_user, school_a, role
):
    client = login(make_user(role, school=school_a if role == "school" else None))
    assert client.get(reverse("verification_supervision")).status_code == 403
    assert client.get(reverse("verification_export")).status_code == 403


def test_a_county_official_sees_only_results_of_city_teams(
    login, official_a, city_staff, city_team, city_school_a, template, tomorrow
):
    [v] = services.verification_assign(
        actor=city_staff, team=city_team, schools=[city_school_a], planned_on=tomorrow
    )
    assert login(official_a).get(reverse("verification_detail", args=[v.pk])).status_code == 404


def test_malformed_numbers_are_a_message_not_an_error(
    login, verification, county_members, official_a
):
    client = login(county_members["health"])
    response = client.post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": "abc", "answer": "pass", "revision": "x"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    response = login(official_a).post(
        reverse("verification_assign"),
        {"school": ["abc"], "team": "x", "planned_on": "2030-01-01"},
    )
    assert (
        response.status_code == 200
        and not Verification.objects.exclude(pk=verification.pk).exists()
    )


def test_a_decompression_bomb_is_refused_as_evidence(verification, county_members):
    from PIL import Image

    out = BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    item = verification.template.items.get(code="01")
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk, answer="pass"
    )
    with pytest.raises(ValidationError):
        services.evidence_add(
            actor=county_members["health"],
            verification=verification,
            item_id=item.pk,
            name="bomb.png",
            data=out.getvalue(),
        )


def test_the_admin_adds_items_only_to_a_draft(login, template):
    admin = login(UserFactory(role="", is_staff=True, is_superuser=True))
    section = template.sections.first()
    response = admin.post(
        reverse("admin:verification_checklistitem_add"),
        {
            "template": template.pk,
            "section": section.pk,
            "code": "99",
            "text": "新增要求",
            "department": template.items.first().department_id,
            "levels": "[]",
            "order": 1,
        },
    )
    assert response.status_code == 200  # the form refuses a published version
    assert not ChecklistItem.objects.filter(code="99").exists()


def test_the_api_schema_has_no_warnings(db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
