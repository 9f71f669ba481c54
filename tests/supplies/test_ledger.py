"""The stock ledger: receipts, use, disposal, counts and reversals; balances that never
go below zero and always equal the sum of their movements; first expired first out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone

from supplies import services
from supplies.models import Balance, Lot, Movement

from .fixtures import receive


def balance(holder, item, lot=None) -> Decimal:
    rows = Balance.objects.filter(holder=holder, item=item)
    if lot is not None:
        rows = rows.filter(lot__number=lot)
    return rows.aggregate(total=Sum("quantity"))["total"] or Decimal(0)


def ledger_matches_balances():
    """For every holder, item and lot: the sum of the movements is the balance."""
    sums = {
        (r["holder_id"], r["item_id"], r["lot_id"]): r["total"]
        for r in Movement.objects.values("holder_id", "item_id", "lot_id").annotate(
            total=Sum("quantity")
        )
    }
    books = {
        (b.holder_id, b.item_id, b.lot_id): b.quantity
        for b in Balance.objects.all()
        if b.quantity or (b.holder_id, b.item_id, b.lot_id) in sums
    }
    return sums == books


def refused(message, call, **kwargs):
    before = Movement.objects.count()
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert caught.value.messages == [message]
    assert Movement.objects.count() == before


def test_a_donation_is_received_into_a_lot(supplies_city, reserve, items):
    movement = receive(
        supplies_city,
        reserve,
        items["disinfectant"],
        "52500.5",
        lot="B2020-03",
        origin="donation",
        supplier="临沂市红十字会",
        reference="捐赠-001",
    )
    assert (movement.kind, movement.origin, movement.supplier, movement.quantity) == (
        "receipt",
        "donation",
        "临沂市红十字会",
        Decimal("52500.500"),
    )
    assert balance(reserve, items["disinfectant"]) == Decimal("52500.5")
    assert Lot.objects.get().number == "B2020-03"
    assert ledger_matches_balances()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"supplier": " "}, "请填写供应商或捐赠方。"),
        ({"lot": " "}, "请填写批号。"),
        ({"expires_on": None}, "84消毒液有有效期，请填写有效期至。"),
        ({"origin": "gift"}, "请选择采购或捐赠。"),
    ],
)
def test_a_receipt_missing_what_it_needs_is_refused(
    supplies_city, reserve, items, kwargs, message
):
    with pytest.raises(ValidationError) as caught:
        receive(supplies_city, reserve, items["disinfectant"], "10", **kwargs)
    assert caught.value.messages == [message]
    assert not Movement.objects.exists()


def test_a_county_officer_receives_only_into_their_county(supplies_a, depot_a, depot_b, items):
    receive(supplies_a, depot_a, items["mask"], "100")
    with pytest.raises(PermissionDenied):
        receive(supplies_a, depot_b, items["mask"], "100")
    assert balance(depot_b, items["mask"]) == 0


def test_use_never_takes_a_balance_below_zero(supplies_city, reserve, items):
    receive(supplies_city, reserve, items["sanitiser"], "30")
    services.consumption_record(
        actor=supplies_city, holder=reserve, item=items["sanitiser"], quantity=Decimal(20)
    )
    refused(
        "可用库存不足：还差 11 瓶。",
        services.consumption_record,
        actor=supplies_city,
        holder=reserve,
        item=items["sanitiser"],
        quantity=Decimal(21),
    )
    assert balance(reserve, items["sanitiser"]) == 10
    assert ledger_matches_balances()


def test_use_takes_the_first_expiring_lot_first_and_never_an_expired_one(
    supplies_city, reserve, items
):
    alcohol = items["alcohol"]
    receive(supplies_city, reserve, alcohol, "50", lot="LATE", expires_in=200)
    receive(supplies_city, reserve, alcohol, "30", lot="SOON", expires_in=20)
    receive(supplies_city, reserve, alcohol, "40", lot="GONE", expires_in=1)
    Lot.objects.filter(number="GONE").update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    moved = services.consumption_record(
        actor=supplies_city, holder=reserve, item=alcohol, quantity=Decimal("45.5")
    )
    assert [(m.lot.number, m.quantity) for m in moved] == [
        ("SOON", Decimal("-30")),
        ("LATE", Decimal("-15.5")),
    ]
    assert (balance(reserve, alcohol, "GONE"), balance(reserve, alcohol, "LATE")) == (
        40,
        Decimal("34.5"),
    )
    # 34.5 L usable is left; the 40 L expired do not count.
    refused(
        "可用库存不足：还差 0.5 L。",
        services.consumption_record,
        actor=supplies_city,
        holder=reserve,
        item=alcohol,
        quantity=Decimal(35),
    )


def test_expired_stock_leaves_by_disposal_with_a_reason(supplies_city, reserve, items):
    receive(supplies_city, reserve, items["alcohol"], "40", lot="GONE")
    lot = Lot.objects.get(number="GONE")
    refused(
        "请说明报废原因。",
        services.disposal_record,
        actor=supplies_city,
        holder=reserve,
        lot=lot,
        quantity=Decimal(40),
        reason=" ",
    )
    services.disposal_record(
        actor=supplies_city, holder=reserve, lot=lot, quantity=Decimal(40), reason="过期"
    )
    assert balance(reserve, items["alcohol"]) == 0
    assert Movement.objects.filter(kind="disposal").get().reason == "过期"


def test_a_count_writes_the_differences_in_one_go(supplies_city, reserve, items):
    receive(supplies_city, reserve, items["mask"], "1000", lot="M1")
    receive(supplies_city, reserve, items["mask"], "500", lot="M2")
    receive(supplies_city, reserve, items["sanitiser"], "80", lot="S1")
    lots = {lot.number: lot for lot in Lot.objects.all()}
    written = services.count_confirm(
        actor=supplies_city,
        holder=reserve,
        counted={lots["M1"]: Decimal(990), lots["M2"]: Decimal(500), lots["S1"]: Decimal(82)},
        reason="3月31日月末盘点",
    )
    assert sorted((m.lot.number, m.quantity) for m in written) == [
        ("M1", Decimal(-10)),
        ("S1", Decimal(2)),
    ]
    assert balance(reserve, items["mask"]) == 1490
    assert ledger_matches_balances()


def test_a_mistake_is_reversed_once_by_a_movement_pointing_at_it(supplies_city, reserve, items):
    wrong = receive(supplies_city, reserve, items["mask"], "1000")
    receive(supplies_city, reserve, items["mask"], "100", lot="L2")
    reversal = services.movement_reverse(actor=supplies_city, movement=wrong, reason="录入错误")
    assert (reversal.kind, reversal.quantity, reversal.reverses) == (
        "reversal",
        Decimal(-1000),
        wrong,
    )
    assert balance(reserve, items["mask"]) == 100
    refused(
        "该记录已冲正。",
        services.movement_reverse,
        actor=supplies_city,
        movement=wrong,
        reason="再次",
    )
    assert ledger_matches_balances()


def test_a_reversal_that_would_go_below_zero_is_refused(supplies_city, reserve, items):
    wrong = receive(supplies_city, reserve, items["mask"], "100")
    services.consumption_record(
        actor=supplies_city, holder=reserve, item=items["mask"], quantity=Decimal(60)
    )
    refused(
        "市级储备 的 口罩（批号 L1）只有 40 个。",
        services.movement_reverse,
        actor=supplies_city,
        movement=wrong,
        reason="录入错误",
    )


def test_the_database_refuses_to_change_or_remove_a_movement(
    postgres, supplies_city, reserve, items
):
    from django.db import connection, transaction

    movement = receive(supplies_city, reserve, items["mask"], "100")
    for statement in (
        "UPDATE supplies_movement SET quantity = 1 WHERE id = %s",
        "DELETE FROM supplies_movement WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            connection.cursor().execute(statement, [movement.pk])
