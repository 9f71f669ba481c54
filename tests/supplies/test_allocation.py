"""The split of an allocation plan: largest remainder in whole display units, against
shares worked by hand, and properties that hold for any amount and gaps."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from supplies.allocation import split

T = Decimal(1000)  # one tonne in kg


def tonnes(shares):
    return {k: v / T for k, v in shares.items()}


def test_quotas_worked_by_hand():
    # 10 t over gaps of 4.4, 3.3 and 2.3 t: floors 4, 3, 2; the last tonne to the
    # largest remainder (0.4, county A).
    shares = split(
        Decimal(10) * T, {"A": Decimal(4400), "B": Decimal(3300), "C": Decimal(2300)}, grain=T
    )
    assert tonnes(shares) == {"A": 5, "B": 3, "C": 2}
    # 7 t over 6, 6 and 3 t: quotas 2.8, 2.8, 1.4; floors 2, 2, 1; two tonnes left go
    # to the remainders 0.8 and 0.8.
    shares = split(Decimal(7) * T, {"A": 6 * T, "B": 6 * T, "C": 3 * T}, grain=T)
    assert tonnes(shares) == {"A": 3, "B": 3, "C": 1}


def test_no_more_is_sent_than_the_gaps_need():
    # 100 t available, 3.5 t needed: 4 whole tonnes, quotas 2.857 and 1.143.
    shares = split(Decimal(100) * T, {"A": Decimal(2500), "B": Decimal(1000)}, grain=T)
    assert tonnes(shares) == {"A": 3, "B": 1}


def test_holders_without_a_gap_get_nothing():
    shares = split(Decimal(5) * T, {"A": Decimal(-5000), "B": Decimal(0), "C": 2 * T}, grain=T)
    assert tonnes(shares) == {"A": 0, "B": 0, "C": 2}
    assert split(Decimal(5), {"A": Decimal(0)}, grain=Decimal(1)) == {"A": 0}


def test_less_than_one_unit_sends_nothing():
    assert split(Decimal(500), {"A": T, "B": T}, grain=T) == {"A": 0, "B": 0}


def test_ties_go_to_the_larger_gap_then_in_key_order():
    assert split(
        Decimal(2), {"b": Decimal(1), "a": Decimal(1), "c": Decimal(1)}, grain=Decimal(1)
    ) == {
        "a": 1,
        "b": 1,
        "c": 0,
    }
    # 2 units over gaps 1 and 3: quotas 0.5 and 1.5, equal remainders: the larger gap.
    assert split(Decimal(2), {"x": Decimal(1), "y": Decimal(3)}, grain=Decimal(1)) == {
        "x": 0,
        "y": 2,
    }


quantity = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    amount=quantity,
    gaps=st.dictionaries(st.integers(1, 60), st.decimals(-1000, 10**5, places=3), max_size=25),
    grain=st.sampled_from([Decimal(1), Decimal("0.5"), Decimal(1000), Decimal(12)]),
)
def test_any_split_is_whole_within_the_amount_and_close_to_its_quota(amount, gaps, grain):
    shares = split(amount, gaps, grain=grain)
    assert set(shares) == set(gaps)
    total = sum(shares.values(), Decimal(0))
    assert total <= amount
    need = {k: Fraction(g) / Fraction(grain) for k, g in gaps.items() if g > 0}
    units = (
        min(
            math.floor(Fraction(amount) / Fraction(grain)),
            math.ceil(sum(need.values(), Fraction(0))),
        )
        if need
        else 0
    )
    assert total == grain * max(units, 0)
    for key, share in shares.items():
        assert share >= 0 and share % grain == 0
        if key not in need:
            assert share == 0
        else:
            quota = units * need[key] / sum(need.values())
            assert abs(Fraction(share) / Fraction(grain) - quota) < 1
