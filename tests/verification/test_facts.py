"""Checklist items bound to a fact of the school: the page shows the live value and
proposes the answer, the verifier accepts it or overrides it with a note, and the
record keeps the value and when it was read."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from people.screening import refresh
from tests.people.factories import PersonFactory
from verification import services
from verification.models import ChecklistItem, Response
from verification.resources import fact_errors

from .fixtures import approved, first_item


@pytest.fixture
def bound(verification):
    """Item 01 reads the school's screening coverage, threshold 100 %."""
    item = first_item(verification)
    ChecklistItem.objects.filter(pk=item.pk).update(fact="people.coverage", threshold=100)
    item.refresh_from_db()
    return item


@pytest.fixture
def three_of_four(school_a):
    """4 person files, 3 screened: 75.0 %."""
    today = timezone.localdate()
    for n in range(4):
        PersonFactory(school=school_a, screened_on=today if n < 3 else None)
    refresh([school_a.pk])


def test_the_page_shows_the_live_value_and_the_proposal(
    login, verification, county_members, bound, three_of_four
):
    page = login(county_members["health"]).get(
        reverse("verification_detail", args=[verification.pk])
    )
    body = page.content.decode()
    assert "实时数据" in body and "人员排查覆盖率" in body and "75.0%" in body
    assert "建议：不合格" in body
    assert 'data-proposal="fail"' in body


def test_overriding_the_proposal_needs_a_note(verification, county_members, bound, three_of_four):
    health = county_members["health"]
    with pytest.raises(ValidationError) as refused:
        services.response_save(
            actor=health, verification=verification, item_id=bound.pk, answer="pass"
        )
    assert refused.value.messages == [
        "实时数据（75.0%）建议“不合格”：如答复不同，请在备注中说明原因。"
    ]
    assert not Response.objects.exists()
    response = services.response_save(
        actor=health,
        verification=verification,
        item_id=bound.pk,
        answer="pass",
        note="未排查者为长期病假，已核实",
    )
    assert (response.fact_value, response.fact_proposed) == (Decimal("75.0"), "fail")
    assert response.fact_read_at is not None


def test_agreeing_with_the_proposal_needs_no_note(
    verification, county_members, bound, three_of_four
):
    response = services.response_save(
        actor=county_members["health"], verification=verification, item_id=bound.pk, answer="fail"
    )
    assert (response.answer, response.fact_proposed, response.note) == ("fail", "fail", "")


def test_without_data_there_is_no_proposal(verification, county_members, bound):
    response = services.response_save(
        actor=county_members["health"], verification=verification, item_id=bound.pk, answer="pass"
    )
    assert (response.fact_value, response.fact_proposed) == (None, "")


def test_the_record_prints_the_value_and_when_it_was_read(
    login, verification, county_members, official_a, bound, school_a
):
    today = timezone.localdate()
    for _n in range(2):
        PersonFactory(school=school_a, screened_on=today)
    refresh([school_a.pk])
    approved(verification, county_members)  # 100 %: "pass" is what the reading proposes
    response = Response.objects.get(item=bound)
    read = timezone.localtime(response.fact_read_at).strftime("%Y-%m-%d %H:%M")
    pdf = login(official_a).get(reverse("verification_pdf", args=[verification.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "实时数据 100.00" in text and read in text.replace("\n", "")


def test_a_binding_names_a_fact_offered_and_its_threshold(db):
    assert fact_errors("people.nothing", Decimal(1)) == {
        "fact": ["没有这项数据：people.nothing。"]
    }
    assert fact_errors("people.coverage", None) == {"threshold": ["数据项与阈值须同时填写。"]}
    assert fact_errors("", None) == {}
    assert fact_errors("supplies.cover_min", Decimal(7)) == {}
