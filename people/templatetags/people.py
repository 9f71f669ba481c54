from django import template

from people import idcard

register = template.Library()


@register.filter
def id_number(value: str, full: bool = False) -> str:
    """An identity number, masked unless the viewer has the right to see it whole."""
    return value if full else idcard.mask(value)


@register.filter
def get_item(mapping: dict, key):
    """``mapping[key]``, or None: a day's checks and reports are keyed by session."""
    return mapping.get(key) if mapping else None
