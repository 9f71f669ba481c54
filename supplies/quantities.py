"""Quantities typed by people, read exactly: Decimal from the text, never float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Item

MAX = Decimal("99999999999")


def parse(
    item: Item, value: object, *, display: bool = False, allow_zero: bool = False
) -> Decimal:
    """``value`` (in the display unit when ``display``) as a quantity in the item's
    stock unit, or a ValidationError saying what is wrong in the user's language."""
    text = str(value).strip().replace(",", "").replace("，", "") if value is not None else ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number."))
    if number.copy_abs() > MAX:  # before any arithmetic: 1e1000000 would overflow it
        raise ValidationError(_("The quantity is too large."))
    quantity = number * item.per_display if display else number
    unit = item.display_unit if display else item.stock_unit
    if quantity < 0 or (quantity == 0 and not allow_zero):
        raise ValidationError(_("The quantity must be more than zero."))
    if quantity > MAX:
        raise ValidationError(_("The quantity is too large."))
    if quantity != quantity.quantize(item.step):
        step = item.step / item.per_display if display else item.step
        raise ValidationError(
            _("%(item)s is counted in steps of %(step)s %(unit)s.")
            % {"item": item.name, "step": plain(step), "unit": unit}
        )
    return quantity.quantize(item.step)


def plain(number: Decimal) -> str:
    """0.000001, not 1E-6."""
    return format(number.normalize(), "f")


def shown(item: Item, quantity: Decimal) -> str:
    """A stock quantity in the display unit, without trailing zeros: "52.5"."""
    return plain(item.to_display(quantity))
