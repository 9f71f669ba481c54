"""Supplies fixtures: the article's items, the officers of the city and of county A,
and stock received into the city reserve."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from readiness.models import User
from supplies import services
from supplies.models import Item

ITEMS = [
    # code, name, stock unit, display unit, per display, decimals, expires
    ("disinfectant", "84消毒液", "kg", "t", "1000", 3, True),
    ("sanitiser", "免洗洗手液", "瓶", "瓶", "1", 0, True),
    ("alcohol", "75%酒精", "L", "L", "1", 1, True),
    ("mask", "口罩", "个", "个", "1", 0, False),
]


@pytest.fixture
def items(db):
    return {
        code: Item.objects.create(
            code=code,
            name=name,
            stock_unit=unit,
            display_unit=display,
            per_display=Decimal(per),
            decimals=decimals,
            expires=expires,
            order=i,
        )
        for i, (code, name, unit, display, per, decimals, expires) in enumerate(ITEMS)
    }


@pytest.fixture
def supplies_city(make_user):
    return make_user(User.Role.SUPPLIES, full_name="市物资保障组")


@pytest.fixture
def supplies_a(make_user, county_a):
    return make_user(User.Role.SUPPLIES, county=county_a, full_name="兰山区物资员")


@pytest.fixture
def reserve(db):
    return services.city_reserve()


@pytest.fixture
def depot_a(county_a):
    return services.county_depot(county_a)


@pytest.fixture
def depot_b(county_b):
    return services.county_depot(county_b)


def receive(actor, holder, item, quantity, lot="L1", expires_in=365, **kwargs):
    """Receives ``quantity`` (stock units) of ``item`` into ``holder`` in lot ``lot``."""
    expires = timezone.localdate() + dt.timedelta(days=expires_in) if item.expires else None
    return services.receipt_record(
        actor=actor,
        holder=holder,
        item=item,
        quantity=Decimal(quantity),
        origin=kwargs.pop("origin", "purchase"),
        supplier=kwargs.pop("supplier", "临沂医药公司"),
        lot_number=lot,
        expires_on=kwargs.pop("expires_on", expires),
        **kwargs,
    )
