"""Names that carry a number sort by the number: 第二 before 第十一, 第2组 before 第10组."""

from __future__ import annotations

import re

_DIGITS = dict(zip("零一二三四五六七八九", range(10), strict=True))
_RUN = re.compile(r"[0-9]+|[零一二三四五六七八九十百]+")


def _number(run: str) -> int:
    """The value of a run of Arabic digits or of a Chinese numeral under 1000."""
    if run.isdigit():
        return int(run)
    total, digit = 0, 0
    for char in run:
        if char == "百":
            total, digit = total + (digit or 1) * 100, 0
        elif char == "十":
            total, digit = total + (digit or 1) * 10, 0
        else:
            digit = _DIGITS[char]
    return total + digit


def natural_key(name: str) -> str:
    """``name`` with each number written as six digits, for sorting."""
    return _RUN.sub(lambda m: f"{_number(m.group()):06d}", name)


def order_choices_by_name(field) -> None:
    """Lists a ModelChoiceField's rows in natural order of their names (the field
    still validates against its queryset)."""
    rows = sorted(field.queryset, key=lambda row: natural_key(str(row)))
    head = [] if field.empty_label is None else [("", field.empty_label)]
    field.choices = head + [(row.pk, field.label_from_instance(row)) for row in rows]
