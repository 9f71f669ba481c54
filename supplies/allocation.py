"""Splitting an amount in proportion to gaps, in whole units (largest remainder).

Written here rather than taken from a library: the apportionment libraries at hand
work on seats and floats; this one is exact (fractions) and keeps the stock unit.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from decimal import Decimal
from fractions import Fraction


def split(amount: Decimal, gaps: dict[Hashable, Decimal], *, grain: Decimal) -> dict:
    """``amount`` shared in whole ``grain``s in proportion to the positive ``gaps``:

    - never more than ``amount`` in all, never negative, and no more units in all
      than the gaps together need (rounded up to a whole grain);
    - each share is the floor of its exact quota, and the units left go one each
      to the largest remainders (ties: the larger gap, then the key's order).
    Keys with no gap get zero.
    """
    shares = {key: Decimal(0) for key in gaps}
    need = {key: Fraction(gap) / Fraction(grain) for key, gap in gaps.items() if gap > 0}
    total_need = sum(need.values(), Fraction(0))
    if not need:
        return shares
    units = min(math.floor(Fraction(amount) / Fraction(grain)), math.ceil(total_need))
    if units <= 0:
        return shares
    quotas = {key: units * n / total_need for key, n in need.items()}
    whole = {key: math.floor(q) for key, q in quotas.items()}
    left = units - sum(whole.values())
    order = sorted(need, key=lambda key: (-(quotas[key] - whole[key]), -need[key], key))
    for key in order[:left]:
        whole[key] += 1
    for key, count in whole.items():
        shares[key] = grain * count
    return shares
