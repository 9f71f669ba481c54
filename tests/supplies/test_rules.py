"""The supplies rules one by one, against answers worked by hand: splits, first
expired first out, quantities as typed, and daily needs from norms and overrides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from readiness.criteria import facts_of
from readiness.models import School
from supplies import needs, services
from supplies.allocation import split
from supplies.models import Balance, Lot, NeedNorm, NeedOverride
from supplies.quantities import parse
from tests.readiness.factories import SchoolFactory

from .fixtures import receive

TODAY = dt.date(2026, 11, 29)


def test_the_leftover_unit_goes_to_the_largest_remainder_not_the_largest_quota():
    # 3 units over gaps 4 and 1: quotas 2.4 and 0.6, floors 2 and 0; the unit left goes
    # to B (remainder 0.6), not to A (larger quota).
    assert split(Decimal(3), {"A": Decimal(4), "B": Decimal(1)}, grain=Decimal(1)) == {
        "A": 2,
        "B": 1,
    }


def test_ties_fall_in_key_order_whatever_the_order_given():
    shares = split(
        Decimal(1), {"c": Decimal(1), "b": Decimal(1), "a": Decimal(1)}, grain=Decimal(1)
    )
    assert shares == {"a": 1, "b": 0, "c": 0}


def lot(number, expires_on):
    return Lot(number=number, expires_on=expires_on)


def test_first_expired_first_out_leaves_lots_without_a_date_last():
    balances = [
        Balance(lot=lot("NONE", None), quantity=Decimal(50)),
        Balance(lot=lot("LATE", TODAY + dt.timedelta(days=90)), quantity=Decimal(5)),
        Balance(lot=lot("SOON", TODAY + dt.timedelta(days=3)), quantity=Decimal(5)),
        Balance(lot=lot("GONE", TODAY - dt.timedelta(days=1)), quantity=Decimal(99)),
    ]
    taken = services.fefo(balances, Decimal(11), today=TODAY, unit="个")
    assert [(t.number, q) for t, q in taken] == [("SOON", 5), ("LATE", 5), ("NONE", 1)]
    # A lot expiring today is still usable.
    today = [Balance(lot=lot("TODAY", TODAY), quantity=Decimal(2))]
    assert [
        (t.number, q) for t, q in services.fefo(today, Decimal(2), today=TODAY, unit="个")
    ] == [("TODAY", 2)]


def test_taking_more_than_is_usable_says_how_much_is_missing():
    balances = [Balance(lot=lot("GONE", TODAY - dt.timedelta(days=1)), quantity=Decimal(99))]
    with pytest.raises(ValidationError) as caught:
        services.fefo(balances, Decimal(5), today=TODAY, unit="个")
    assert caught.value.messages == ["可用库存不足：还差 5 个。"]
    with pytest.raises(ValidationError) as caught:
        services.fefo([], Decimal("0.5"), today=TODAY, unit="L")
    assert caught.value.messages == ["可用库存不足：还差 0.5 L。"]


def test_quantities_as_typed(items):
    disinfectant, alcohol, mask = items["disinfectant"], items["alcohol"], items["mask"]
    assert parse(disinfectant, "1.5") == Decimal("1.500")  # kg, the stock unit
    assert parse(disinfectant, "1.5", display=True) == Decimal("1500.000")  # t
    assert parse(alcohol, "14，200.5") == Decimal("14200.5")  # a full-width comma
    assert parse(mask, "0", allow_zero=True) == 0
    assert parse(mask, "99999999999") == Decimal("99999999999")
    with pytest.raises(ValidationError) as caught:
        parse(mask, "100000000000")
    assert caught.value.messages == ["数量过大。"]
    with pytest.raises(ValidationError) as caught:
        parse(mask, None)
    assert caught.value.messages == ["请输入数字。"]
    with pytest.raises(ValidationError) as caught:
        parse(disinfectant, "0.0005")
    assert caught.value.messages == ["84消毒液的最小计量为 0.001 kg。"]


def test_daily_needs_from_norms_levels_beds_and_overrides(items, county_a, supplies_city):
    item = items["disinfectant"]
    NeedNorm.objects.create(
        item=item,
        per_person_day=Decimal("0.01"),
        per_bed_day=Decimal("0.02"),
        per_school_day=Decimal("0.5"),
    )
    NeedNorm.objects.create(item=item, level="high", per_person_day=Decimal("0.03"))
    # The school with its own figure comes first: the others are still worked out after it.
    special = SchoolFactory(county=county_a, level="special", students=90, staff=10)
    primary = SchoolFactory(county=county_a, level="primary", students=900, staff=100, beds=50)
    high = SchoolFactory(county=county_a, level="high", students=1900, staff=100, beds=800)
    NeedOverride.objects.create(
        school=special,
        item=item,
        daily=Decimal("7.25"),
        reason="特教学校另行核定",
        set_by=supplies_city,
    )
    schools = list(
        School.objects.filter(pk__in=[primary.pk, high.pk, special.pk])
        .order_by("pk")
        .values("id", "level", "students", "staff", "beds")
    )
    # primary: 1,000 × 0.01 + 50 × 0.02 + 0.5 = 11.5 kg; high (its own norm): 2,000 × 0.03
    # = 60 kg; special: set by hand, 7.25 kg.
    assert needs.daily_needs(item, schools) == {
        primary.pk: Decimal("11.5"),
        high.pk: Decimal(60),
        special.pk: Decimal("7.25"),
    }
    assert needs.daily_needs(items["mask"], schools) == {
        primary.pk: 0,
        high.pk: 0,
        special.pk: 0,
    }


def test_a_school_without_a_norm_does_not_stop_the_others(items, county_a):
    item = items["alcohol"]
    NeedNorm.objects.create(item=item, level="high", per_school_day=Decimal(2))
    first = SchoolFactory(county=county_a, level="primary")
    second = SchoolFactory(county=county_a, level="high")
    rows = list(School.objects.order_by("pk").values("id", "level", "students", "staff", "beds"))
    assert needs.daily_needs(item, rows) == {first.pk: 0, second.pk: Decimal(2)}


def test_a_lot_of_another_item_is_refused_by_the_ledger(supplies_city, reserve, items):
    wrong = Lot.objects.create(item=items["mask"], number="KZ")
    with pytest.raises(ValidationError) as caught:
        services._move(
            holder=reserve, item=items["alcohol"], lot=wrong, quantity=Decimal(1),
            kind="receipt", actor=supplies_city,
        )  # fmt: skip
    assert caught.value.messages == ["该批次属于其他物资。"]


def test_days_out_of_stock_are_counted_back_from_today(supplies_city, depot_a, items, county_a):
    """100 masks arrived 10 days ago and were used up 5 days ago: of the last 30 days,
    the 19 before the arrival and the 6 from the day they ran out (that day included)
    ended with nothing held: 25."""
    from django.utils import timezone

    from supplies.models import Holder, Movement

    mask = items["mask"]
    lot = Lot.objects.create(item=mask, number="KZ")
    now = timezone.now()
    for days_ago, quantity in [(10, 100), (5, -100)]:
        Movement.objects.create(
            kind="receipt" if quantity > 0 else "consumption", holder=depot_a, item=mask, lot=lot,
            quantity=quantity, at=now - dt.timedelta(days=days_ago), actor=supplies_city,
        )  # fmt: skip
    Balance.objects.create(holder=depot_a, item=mask, lot=lot, quantity=0)
    holders = Holder.objects.filter(pk=depot_a.pk)
    assert needs.stockout_days(mask, holders, "county_id") == {county_a.pk: 25}
    # Held all along: none.
    Movement.objects.create(
        kind="receipt", holder=depot_a, item=mask, lot=lot, quantity=1,
        at=now - dt.timedelta(days=40), actor=supplies_city,
    )  # fmt: skip
    Balance.objects.filter(holder=depot_a).update(quantity=1)
    assert needs.stockout_days(mask, holders, "county_id") == {county_a.pk: 0}


def test_a_schools_cover_facts_read_its_own_need_in_six_queries(
    items, county_a, supplies_city, django_assert_num_queries
):
    """The checklist's live data for one school: its override, not another school's,
    sets the need; the items are read once for the cover and for the labels."""
    disinfectant = items["disinfectant"]
    NeedNorm.objects.create(item=disinfectant, per_person_day=Decimal("0.01"))
    school = SchoolFactory(county=county_a, level="primary", students=900, staff=100, beds=0)
    other = SchoolFactory(county=county_a, level="primary", students=900, staff=100, beds=0)
    for who, daily in ((school, "20"), (other, "1")):
        NeedOverride.objects.create(
            school=who, item=disinfectant, daily=Decimal(daily), reason="另行核定",
            set_by=supplies_city,
        )  # fmt: skip
    receive(supplies_city, services.school_holder(school), disinfectant, "110")
    with django_assert_num_queries(6):
        facts = facts_of(school.pk, ["supplies.cover_min"])
    # 110 kg at the school's own 20 kg a day: 5.5 days (at the other's 1 kg, 110 days);
    # the other essential items have no norm, so no need and no days of cover.
    assert facts["supplies.cover.disinfectant"].value == Decimal("5.5")
    assert facts["supplies.cover.disinfectant"].spec.label == "84消毒液储备天数"
    assert facts["supplies.cover.mask"].value is None
    assert facts["supplies.cover_min"].value == Decimal("5.5")
    assert facts["supplies.cover_min"].link == reverse(
        "supplies_card", args=[services.school_holder(school).pk]
    )
