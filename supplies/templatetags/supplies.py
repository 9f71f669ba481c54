from decimal import ROUND_HALF_UP, Decimal

from django import template

from supplies.quantities import plain, shown

register = template.Library()


@register.filter
def display(quantity, item) -> str:
    """A stock quantity in the item's display unit: ``{{ q|display:item }}``."""
    return shown(item, quantity) if quantity is not None else ""


@register.filter
def about(quantity, item) -> str:
    """An estimate (a need, a gap) in the display unit, to two decimal places."""
    if quantity is None:
        return ""
    value = item.to_display(quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return plain(value) if value else "0"


@register.filter(name="plain")
def plain_filter(number) -> str:
    """A Decimal without trailing zeros: 0.004, not 0.004000."""
    return "" if number is None else plain(Decimal(number))
