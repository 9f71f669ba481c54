"""Supplies in the daily report, and the demo city's supplies from the article."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from supplies import dispatch, services
from supplies.models import (
    AllocationPlan,
    Item,
    Movement,
    NeedNorm,
    Shipment,
    SupplyRequest,
)
from tests.readiness.factories import SchoolFactory

from .fixtures import receive


def test_the_report_gives_the_reserve_what_was_sent_and_what_is_open(
    supplies_city,
    official_a,
    reserve,
    depot_a,
    depot_b,
    items,
    county_a,
    county_b,
    school_contact_a,
    school_a,
):
    NeedNorm.objects.create(item=items["disinfectant"], per_person_day=Decimal("0.01"))
    SchoolFactory(county=county_a, students=950, staff=50)  # 10 kg a day in county A
    receive(supplies_city, reserve, items["disinfectant"], "52500")
    [to_a] = services.shipment_send(
        actor=supplies_city,
        source=reserve,
        target=depot_a,
        item=items["disinfectant"],
        quantity=Decimal(2000),
    )
    services.shipment_send(
        actor=supplies_city,
        source=reserve,
        target=depot_b,
        item=items["disinfectant"],
        quantity=Decimal(500),
    )
    services.shipment_confirm(actor=official_a, shipment=to_a, received=Decimal(1950), note="破损")
    services.request_create(
        actor=school_contact_a, holder=services.school_holder(school_a), item=items["mask"],
        quantity=Decimal(100), reason="r",
    )  # fmt: skip
    figures = dispatch.figures(timezone.localdate())
    rows = {row["item"]: row for row in figures["items"]}
    # 52.5 t received, 2.5 t sent: 50 t left; 2.5 t sent today and to date.
    assert (
        rows["84消毒液"]["reserve"],
        rows["84消毒液"]["today"],
        rows["84消毒液"]["to_date"],
    ) == (
        "50",
        "2.5",
        "2.5",
    )
    assert (rows["口罩"]["reserve"], rows["口罩"]["unit"]) == ("0", "个")
    assert (figures["pending_receipts"], figures["open_shortfalls"], figures["open_requests"]) == (
        1,
        1,
        1,
    )
    # County A holds 1,950 kg for 10 kg a day: 195 days; county B has no school.
    assert figures["under_threshold"] == []


def test_a_county_under_the_alert_is_named(supplies_city, reserve, depot_a, items, county_a):
    NeedNorm.objects.create(item=items["sanitiser"], per_person_day=Decimal("0.1"))
    SchoolFactory(county=county_a, students=90, staff=10)  # 10 bottles a day
    receive(supplies_city, depot_a, items["sanitiser"], "50")  # 5 days
    figures = dispatch.figures(timezone.localdate())
    assert figures["under_threshold"] == [
        {"county": "兰山区", "item": "免洗洗手液", "days": "5.0"}
    ]


def test_the_demo_city_holds_the_articles_supplies(db):
    call_command("seed_demo", "--schools", "60")
    received = dict(
        Movement.objects.filter(kind="receipt", holder__kind="city")
        .values("item__code")
        .annotate(total=Sum("quantity"))
        .values_list("item__code", "total")
    )
    # Over 50 t of 84 disinfectant, over 20,000 bottles of sanitiser, over 14,000 L of alcohol.
    assert received["disinfectant"] == Decimal(52500)
    assert received["sanitiser"] == Decimal(20400)
    assert received["alcohol"] == Decimal(14200)
    assert Item.objects.get(code="disinfectant").display_unit == "t"
    assert AllocationPlan.objects.filter(status="approved").count() == 2
    assert Shipment.objects.filter(received_at__isnull=True).exists()
    short = [s for s in Shipment.objects.filter(received_at__isnull=False) if s.shortfall_open]
    assert short and all(s.shortfall_note for s in short)
    assert set(SupplyRequest.objects.values_list("status", flat=True)) == {
        "open", "met", "refused", "merged",
    }  # fmt: skip
    call_command("seed_demo", "--schools", "60")  # a second run adds nothing
    assert Movement.objects.filter(kind="receipt", holder__kind="city").count() == 6
