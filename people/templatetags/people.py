from django import template

from people import idcard

register = template.Library()


@register.filter
def id_number(value: str, full: bool = False) -> str:
    """An identity number, masked unless the viewer has the right to see it whole."""
    return value if full else idcard.mask(value)
