"""Invariants of the ledger under any sequence of operations (hypothesis), and under
twenty allocations racing for one balance on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplies import needs, services
from supplies.models import Balance, Lot, Movement, Shipment

from .fixtures import receive
from .test_ledger import ledger_matches_balances

operations = st.lists(
    st.tuples(
        st.sampled_from(
            ["receive", "consume", "send", "confirm", "dispose", "reverse", "count", "expire"]
        ),
        st.integers(min_value=1, max_value=400),
        st.integers(min_value=0, max_value=3),
    ),
    max_size=25,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=operations)
def test_any_sequence_keeps_the_books(
    steps, supplies_city, official_a, official_b, reserve, depot_a, depot_b, items
):
    """After every step: each balance is the sum of its movements and none is negative;
    a refused step changes nothing; an expired lot never counts as usable."""
    alcohol = items["alcohol"]
    holders = [reserve, depot_a, depot_b]
    today = timezone.localdate()
    with transaction.atomic():
        for op, amount, pick in steps:
            quantity = Decimal(amount)
            holder = holders[pick % 3]
            before = Movement.objects.count()
            try:
                with transaction.atomic():
                    if op == "receive":
                        receive(
                            supplies_city,
                            holder,
                            alcohol,
                            quantity,
                            lot=f"L{pick}",
                            expires_in=[-1, 5, 90, 400][pick],
                            expires_on=today + dt.timedelta(days=[-1, 5, 90, 400][pick]),
                        )
                    elif op == "consume":
                        services.consumption_record(
                            actor=supplies_city, holder=holder, item=alcohol, quantity=quantity
                        )
                    elif op == "send":
                        services.shipment_send(
                            actor=supplies_city,
                            source=holder,
                            target=holders[(pick + 1) % 3],
                            item=alcohol,
                            quantity=quantity,
                        )
                    elif op == "confirm":
                        shipment = Shipment.objects.filter(received_at__isnull=True).first()
                        if shipment:
                            received = min(shipment.quantity, quantity)
                            receiver = {
                                reserve.pk: supplies_city,
                                depot_a.pk: official_a,
                                depot_b.pk: official_b,
                            }[shipment.target_id]
                            services.shipment_confirm(
                                actor=receiver,
                                shipment=shipment,
                                received=received,
                                note="" if received == shipment.quantity else "短缺",
                            )
                    elif op == "dispose":
                        lot = Lot.objects.filter(
                            balances__holder=holder, balances__quantity__gt=0
                        ).first()
                        if lot:
                            services.disposal_record(
                                actor=supplies_city,
                                holder=holder,
                                lot=lot,
                                quantity=quantity,
                                reason="过期",
                            )
                    elif op == "reverse":
                        movement = Movement.objects.filter(
                            kind="receipt", reversed_by__isnull=True
                        ).last()
                        if movement:
                            services.movement_reverse(
                                actor=supplies_city, movement=movement, reason="更正"
                            )
                    elif op == "expire":  # time passes: a lot's expiry date goes by
                        Lot.objects.filter(number=f"L{pick}").update(
                            expires_on=today - dt.timedelta(days=1)
                        )
                    elif op == "count":
                        lots = {
                            b.lot: Decimal(amount % 50)
                            for b in Balance.objects.filter(holder=holder)
                        }
                        services.count_confirm(
                            actor=supplies_city, holder=holder, counted=lots, reason="盘点"
                        )
            except ValidationError:
                assert Movement.objects.count() == before
            assert ledger_matches_balances()
            assert not Balance.objects.filter(quantity__lt=0).exists()
            for h in holders:
                fresh = sum(
                    b.quantity
                    for b in Balance.objects.filter(holder=h, item=alcohol).select_related("lot")
                    if not b.lot.expired(today)
                )
                assert needs.usable_of(holder=h, item=alcohol) == fresh
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_twenty_allocations_race_for_one_balance(
    postgres_live, county_a, county_b, make_user, items
):
    """1,000 masks in the reserve, twenty officers each sending 60 at once: sixteen
    are sent (960), four are refused, nothing is lost, doubled or negative."""
    officer = make_user("supplies")
    reserve = services.city_reserve()
    depots = [services.county_depot(county_a), services.county_depot(county_b)]
    receive(officer, reserve, items["mask"], "1000")
    barrier = threading.Barrier(20)
    outcomes = []

    def allocate(i):
        try:
            barrier.wait()
            services.shipment_send(
                actor=officer,
                source=reserve,
                target=depots[i % 2],
                item=items["mask"],
                quantity=Decimal(60),
            )
            outcomes.append("sent")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        except Exception as error:  # reported below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["sent"] * 16 + ["可用库存不足：还差 20 个。"] * 4
    assert Balance.objects.get(holder=reserve).quantity == 40
    assert Movement.objects.filter(kind="dispatch").count() == 16
    assert Shipment.objects.count() == 16
    assert ledger_matches_balances()


@pytest.mark.django_db(transaction=True)
def test_disposals_race_for_one_lot(postgres_live, make_user, items):
    """Ten disposals of 150 from a lot of 1,000 at once: the balance row's lock lets six
    through (900) and refuses four; the balance never goes below zero."""
    officer = make_user("supplies")
    reserve = services.city_reserve()
    receive(officer, reserve, items["mask"], "1000", lot="KZ")
    lot = Lot.objects.get(number="KZ")
    barrier = threading.Barrier(10)
    outcomes = []

    def dispose():
        try:
            barrier.wait()
            services.disposal_record(
                actor=officer, holder=reserve, lot=lot, quantity=Decimal(150), reason="受潮"
            )
            outcomes.append("disposed")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        except Exception as error:  # reported below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=dispose) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["disposed"] * 6 + ["市级储备 的 口罩（批号 KZ）只有 100 个。"] * 4
    assert Balance.objects.get(holder=reserve).quantity == 100
    assert ledger_matches_balances()
