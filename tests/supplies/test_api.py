"""Supplies through the API: the same services and scope as the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from supplies import services
from supplies.models import Movement, NeedNorm, Shipment, SupplyRequest
from tests.readiness.factories import SchoolFactory

from .fixtures import receive


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def test_a_receipt_is_recorded_in_stock_units(api, supplies_city, reserve, items):
    response = api(supplies_city).post(
        "/api/v1/supply-movements/",
        {
            "holder": reserve.pk, "item": "disinfectant", "quantity": "52500.5",
            "origin": "donation", "supplier": "临沂市慈善总会", "lot_number": "84-A",
            "expires_on": "2030-01-01",
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert (response.json()["quantity"], response.json()["lot"]) == ("52500.500", "84-A")
    assert Movement.objects.get().quantity == Decimal("52500.5")


def test_a_receipt_with_too_fine_a_quantity_or_another_countys_holder_is_refused(
    api, supplies_a, depot_a, depot_b, items
):
    client = api(supplies_a)
    body = {
        "item": "sanitiser", "quantity": "1.5", "origin": "purchase", "supplier": "s",
        "lot_number": "X", "expires_on": "2030-01-01",
    }  # fmt: skip
    response = client.post(
        "/api/v1/supply-movements/", {**body, "holder": depot_a.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["quantity"] == ["免洗洗手液的最小计量为 1 瓶。"]
    response = client.post(
        "/api/v1/supply-movements/", {**body, "quantity": "2", "holder": depot_b.pk}, format="json"
    )
    assert response.status_code == 404
    assert not Movement.objects.exists()


def test_balances_and_the_ledger_are_scoped(
    api, supplies_city, official_a, depot_a, depot_b, items
):
    receive(supplies_city, depot_a, items["mask"], "100", lot="A")
    receive(supplies_city, depot_b, items["mask"], "200", lot="B")
    rows = api(official_a).get("/api/v1/supply-balances/").json()["results"]
    assert [(r["lot"], r["quantity"]) for r in rows] == [("A", "100.000")]
    rows = api(official_a).get("/api/v1/supply-movements/").json()["results"]
    assert [r["lot"] for r in rows] == ["A"]


def test_a_plan_is_proposed_and_approved_once(api, supplies_city, reserve, items, county_a):
    NeedNorm.objects.create(item=items["mask"], per_person_day=Decimal(1))
    SchoolFactory(county=county_a, students=90, staff=10)  # 100 a day, 1,400 for 14 days
    receive(supplies_city, reserve, items["mask"], "5000")
    client = api(supplies_city)
    response = client.post(
        "/api/v1/supply-plans/",
        {"title": "口罩", "source": reserve.pk, "item": "mask", "amount": "2000"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    plan = response.json()
    assert [(line["gap"], line["proposed"]) for line in plan["lines"]] == [
        ("1400.000", "1400.000")
    ]
    listed = client.get("/api/v1/supply-plans/").json()["results"]
    assert [(row["id"], row["lines"]) for row in listed] == [(plan["id"], 1)]  # a count
    detail = client.get(f"/api/v1/supply-plans/{plan['id']}/").json()
    assert [line["proposed"] for line in detail["lines"]] == ["1400.000"]
    assert client.post(f"/api/v1/supply-plans/{plan['id']}/approve/").status_code == 200
    response = client.post(f"/api/v1/supply-plans/{plan['id']}/approve/")
    assert response.status_code == 400
    assert Shipment.objects.get().quantity == 1400


def test_a_school_asks_through_the_api(api, school_contact_a, school_a, items):
    response = api(school_contact_a).post(
        "/api/v1/supply-requests/",
        {"item": "alcohol", "quantity": "12.5", "reason": "消毒"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    request = SupplyRequest.objects.get()
    assert (request.holder, request.quantity) == (
        services.school_holder(school_a),
        Decimal("12.5"),
    )


def test_the_lists_cost_the_same_for_more_rows(
    api, supplies_city, reserve, items, django_assert_num_queries
):
    client = api(supplies_city)
    receive(supplies_city, reserve, items["mask"], "10", lot="L0")
    with django_assert_num_queries(2):
        assert client.get("/api/v1/supply-movements/").status_code == 200
    for n in range(5):
        receive(supplies_city, reserve, items["mask"], "10", lot=f"L{n + 1}")
    with django_assert_num_queries(2):
        response = client.get("/api/v1/supply-movements/")
    assert response.status_code == 200 and response.json()["count"] == 6
