"""Allocation plans, shipments confirmed on receipt, shortfalls and requests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.models import Finding
from supplies import services
from supplies.models import (
    AllocationPlan,
    Movement,
    NeedNorm,
    NeedOverride,
    Shipment,
    SupplyRequest,
)
from tests.readiness.factories import SchoolFactory

from .fixtures import receive
from .test_ledger import balance, ledger_matches_balances


@pytest.fixture
def norms(items):
    # Disinfectant: 0.01 kg a person a day; 14 days of cover by default.
    return NeedNorm.objects.create(item=items["disinfectant"], per_person_day=Decimal("0.01"))


@pytest.fixture
def city(county_a, county_b, norms):
    """County A: 2 schools of 1,000 people (600 + 400 staff... see below); county B: 1."""
    a1 = SchoolFactory(county=county_a, students=900, staff=100)  # 1,000 people
    a2 = SchoolFactory(county=county_a, students=1900, staff=100)  # 2,000 people
    b1 = SchoolFactory(county=county_b, students=950, staff=50)  # 1,000 people
    return {"a1": a1, "a2": a2, "b1": b1}


def test_needs_and_gaps_worked_by_hand(
    supplies_city, reserve, depot_a, items, city, county_a, county_b
):
    # Need for 14 days: A 3,000 people × 0.01 kg × 14 = 420 kg; B 1,000 × 0.01 × 14 = 140 kg.
    receive(supplies_city, depot_a, items["disinfectant"], "100")
    gaps = services.needs.gaps_below(source=reserve, item=items["disinfectant"])
    assert gaps == {county_a.pk: Decimal(320), county_b.pk: Decimal(140)}


def test_each_countys_need_sums_norms_by_level_beds_and_needs_set_by_hand(
    supplies_city, items, county_a, county_b
):
    disinfectant = items["disinfectant"]
    NeedNorm.objects.create(item=disinfectant, per_person_day=Decimal("0.01"))  # any level
    NeedNorm.objects.create(
        item=disinfectant, level="high", per_person_day=Decimal("0.02"),
        per_bed_day=Decimal("0.05"), per_school_day=Decimal(1),
    )  # fmt: skip
    SchoolFactory(county=county_a, level="primary", students=900, staff=100, beds=0)
    SchoolFactory(county=county_a, level="high", students=500, staff=50, beds=200)
    by_hand = SchoolFactory(county=county_a, level="high", students=3000, staff=200, beds=900)
    NeedOverride.objects.create(
        school=by_hand, item=disinfectant, daily=Decimal(7), reason="新校区", set_by=supplies_city
    )
    SchoolFactory(county=county_b, level="primary", students=950, staff=50, beds=0)
    rows = {r["key"]: r for r in services.needs.standing_by_county(disinfectant, cover_days=14)}
    # A: 1,000 × 0.01 = 10; 550 × 0.02 + 200 × 0.05 + 1 = 22; 7 set by hand: 39 a day,
    # 546 for 14 days. B: 1,000 × 0.01 = 10 a day, 140.
    assert (rows[county_a.pk]["schools"], rows[county_a.pk]["daily"]) == (3, Decimal(39))
    assert (rows[county_a.pk]["need"], rows[county_a.pk]["gap"]) == (Decimal(546), Decimal(546))
    assert (rows[county_b.pk]["schools"], rows[county_b.pk]["need"]) == (1, Decimal(140))


def test_a_plan_is_proposed_by_gap_approved_once_and_sends_everything(
    supplies_city, reserve, items, city, county_a, county_b
):
    disinfectant = items["disinfectant"]
    receive(supplies_city, reserve, disinfectant, "5000")
    # 0.5 t for gaps of 420 kg and 140 kg: 0 whole tonnes → nothing; 2 t: quotas
    # 2 × 420/560 = 1.5 and 0.5; floors 1 and 0; the tonne left to A (remainder .5,
    # larger gap). Only one tonne is needed in all (ceil 0.56): A gets it.
    plan = services.plan_propose(
        actor=supplies_city,
        source=reserve,
        item=disinfectant,
        amount=Decimal(2000),
        title="第一批",
    )
    lines = {line.target.county_id: line.proposed for line in plan.lines.select_related("target")}
    assert lines == {county_a.pk: Decimal(1000), county_b.pk: Decimal(0)}
    line_b = plan.lines.get(target__county=county_b)
    line_a = plan.lines.get(target__county=county_a)
    services.plan_lines_set(
        actor=supplies_city,
        plan=plan,
        quantities={line_a.pk: Decimal(700), line_b.pk: Decimal(300)},
    )
    services.plan_approve(actor=supplies_city, plan=plan)
    assert balance(reserve, disinfectant) == 4000
    sent = {s.target.county_id: s.quantity for s in Shipment.objects.select_related("target")}
    assert sent == {county_a.pk: Decimal(700), county_b.pk: Decimal(300)}
    with pytest.raises(ValidationError) as caught:
        services.plan_approve(actor=supplies_city, plan=plan)
    assert caught.value.messages == ["该计划已批准。"]
    assert Shipment.objects.count() == 2
    assert ledger_matches_balances()


def test_a_plan_never_splits_more_than_is_usable(supplies_city, reserve, items, city):
    receive(supplies_city, reserve, items["disinfectant"], "1500")
    with pytest.raises(ValidationError) as caught:
        services.plan_propose(
            actor=supplies_city,
            source=reserve,
            item=items["disinfectant"],
            amount=Decimal(2000),
            title="超量",
        )
    assert caught.value.messages == ["市级储备 可用的84消毒液只有 1.5 t。"]
    assert not AllocationPlan.objects.exists()


def test_lines_adding_up_to_more_than_the_plan_are_refused(
    supplies_city, reserve, items, city, county_a, county_b
):
    receive(supplies_city, reserve, items["disinfectant"], "5000")
    plan = services.plan_propose(
        actor=supplies_city,
        source=reserve,
        item=items["disinfectant"],
        amount=Decimal(1000),
        title="t",
    )
    ids = list(plan.lines.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as caught:
        services.plan_lines_set(
            actor=supplies_city, plan=plan, quantities={ids[0]: Decimal(800), ids[1]: Decimal(700)}
        )
    assert caught.value.messages == ["明细合计 1.5 t，超过计划总量 1 t。"]
    assert sorted(plan.lines.values_list("quantity", flat=True)) == [Decimal(0), Decimal(1000)]


def test_a_county_confirms_a_shortfall_that_stays_open_until_resolved(
    supplies_city, official_a, official_b, reserve, depot_a, items
):
    receive(supplies_city, reserve, items["sanitiser"], "500")
    [shipment] = services.shipment_send(
        actor=supplies_city,
        source=reserve,
        target=depot_a,
        item=items["sanitiser"],
        quantity=Decimal(200),
    )
    with pytest.raises(PermissionDenied):
        services.shipment_confirm(actor=official_b, shipment=shipment, received=Decimal(200))
    with pytest.raises(ValidationError) as caught:
        services.shipment_confirm(actor=official_a, shipment=shipment, received=Decimal(190))
    assert caught.value.messages == ["请说明短缺或破损情况。"]
    with pytest.raises(ValidationError) as caught:
        services.shipment_confirm(
            actor=official_a, shipment=shipment, received=Decimal(201), note="多"
        )
    assert caught.value.messages == ["实收数量应在 0 到发出的 200 瓶 之间。"]
    services.shipment_confirm(
        actor=official_a, shipment=shipment, received=Decimal(190), note="10瓶破损"
    )
    shipment.refresh_from_db()
    assert (shipment.shortfall, shipment.shortfall_open) == (Decimal(10), True)
    assert balance(depot_a, items["sanitiser"]) == 190
    assert balance(reserve, items["sanitiser"]) == 300
    with pytest.raises(ValidationError):
        services.shipment_confirm(actor=official_a, shipment=shipment, received=Decimal(10))
    services.shortfall_resolve(actor=supplies_city, shipment=shipment, resolution="供应商补发10瓶")
    shipment.refresh_from_db()
    assert not shipment.shortfall_open
    assert ledger_matches_balances()


def test_a_school_confirms_only_its_own_receipts(
    supplies_city, school_contact_a, make_user, school_a, county_a, items, depot_a
):
    receive(supplies_city, depot_a, items["mask"], "1000")
    other = make_user("school", school=SchoolFactory(county=county_a))
    [shipment] = services.shipment_send(
        actor=supplies_city,
        source=depot_a,
        target=services.school_holder(school_a),
        item=items["mask"],
        quantity=Decimal(300),
    )
    with pytest.raises(PermissionDenied):
        services.shipment_confirm(actor=other, shipment=shipment, received=Decimal(300))
    services.shipment_confirm(actor=school_contact_a, shipment=shipment, received=Decimal(300))
    assert balance(services.school_holder(school_a), items["mask"]) == 300


def test_a_county_officer_cannot_move_another_countys_stock(
    supplies_a, supplies_city, depot_a, depot_b, school_b, items
):
    receive(supplies_city, depot_b, items["mask"], "1000")
    with pytest.raises(PermissionDenied):
        services.shipment_send(
            actor=supplies_a,
            source=depot_b,
            target=services.school_holder(school_b),
            item=items["mask"],
            quantity=Decimal(10),
        )
    with pytest.raises(PermissionDenied):
        services.consumption_record(
            actor=supplies_a, holder=depot_b, item=items["mask"], quantity=Decimal(1)
        )
    assert balance(depot_b, items["mask"]) == 1000
    assert Movement.objects.count() == 1


def test_a_request_citing_a_finding_is_met_refused_or_merged(
    supplies_city, school_contact_a, school_a, depot_a, items, finding, school_b
):
    holder = services.school_holder(school_a)
    receive(supplies_city, depot_a, items["alcohol"], "100")
    request = services.request_create(
        actor=school_contact_a,
        holder=holder,
        item=items["alcohol"],
        quantity=Decimal("20.5"),
        reason="督查发现留观区缺少酒精",
        cause_kind="finding",
        cause_id=finding.pk,
    )
    assert (request.status, request.cause_kind, request.cause_id) == (
        "open",
        "finding",
        finding.pk,
    )
    shipments = services.request_meet(actor=supplies_city, request=request)
    assert [s.quantity for s in shipments] == [Decimal("20.5")]
    request.refresh_from_db()
    assert request.status == "met"
    with pytest.raises(ValidationError) as caught:
        services.request_refuse(actor=supplies_city, request=request, reason="重复")
    assert caught.value.messages == ["该申领已处理。"]
    second = services.request_create(
        actor=school_contact_a,
        holder=holder,
        item=items["alcohol"],
        quantity=Decimal(5),
        reason="再领",
    )
    services.request_refuse(actor=supplies_city, request=second, reason="库存不足，下周补发")
    second.refresh_from_db()
    assert (second.status, second.resolution) == ("refused", "库存不足，下周补发")


def test_a_request_may_not_cite_a_finding_out_of_sight(
    school_contact_a, school_a, items, squad_b, school_b, inspector_a
):
    from tests.inspections.factories import FindingFactory, VisitFactory

    theirs = FindingFactory(visit=VisitFactory(squad=squad_b, school=school_b, recorded=True))
    with pytest.raises(ValidationError) as caught:
        services.request_create(
            actor=school_contact_a,
            holder=services.school_holder(school_a),
            item=items["alcohol"],
            quantity=Decimal(5),
            reason="r",
            cause_kind="finding",
            cause_id=theirs.pk,
        )
    assert caught.value.messages == ["所引用的原因不存在或不在您的权限范围内。"]
    assert not SupplyRequest.objects.exists()
    assert Finding.objects.filter(pk=theirs.pk).exists()


def test_a_quantity_finer_than_the_unit_allows_is_refused(items):
    from supplies.quantities import parse

    assert parse(items["disinfectant"], "52.5", display=True) == Decimal("52500.000")
    assert parse(items["disinfectant"], "0.000001", display=True) == Decimal("0.001")
    assert parse(items["alcohol"], "14,200.5") == Decimal("14200.5")
    for item, value, display, message in [
        ("disinfectant", "0.0000005", True, "84消毒液的最小计量为 0.000001 t。"),
        ("sanitiser", "1.5", False, "免洗洗手液的最小计量为 1 瓶。"),
        ("alcohol", "0.05", False, "75%酒精的最小计量为 0.1 L。"),
        ("mask", "abc", False, "请输入数字。"),
        ("mask", "0", False, "数量必须大于零。"),
        ("mask", "-3", False, "数量必须大于零。"),
        ("mask", "NaN", False, "请输入数字。"),
    ]:
        with pytest.raises(ValidationError) as caught:
            parse(items[item], value, display=display)
        assert caught.value.messages == [message], (item, value)
