"""The Jinja2 environment of the pages' repeated parts (a checklist's items, a list's
rows): Django's translations, date and number formats, URLs and static files, as its
own template engine gives them; and ``draw``, which places such a part in a page.

A checklist repeats a dozen lookups, tests and translations per item: Django's
engine drew a county's 44 items in 45 million instructions, a third of the page
(counted by callgrind); Jinja2 compiles a template to Python and draws them for a
fraction. Such a template (in templates/jinja2/) is written so that
``makemessages`` finds its strings: each one as ``{{ _("…") }}``, which Django's
engine reads the same way.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import defaultfilters, engines
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from jinja2 import Environment

# Format letters of Django's ``date`` that no language changes, as Python writes them.
_NUMERIC = {
    "Y": "{0.year:04d}", "m": "{0.month:02d}", "d": "{0.day:02d}",
    "H": "{0.hour:02d}", "i": "{0.minute:02d}", "s": "{0.second:02d}",
}  # fmt: skip


@functools.cache
def _numeric_format(format_string: str) -> str | None:
    """``format_string`` as a str.format pattern when every letter of it is one of
    ``_NUMERIC`` (the rest separators), else None."""
    pattern = []
    for char in format_string:
        if char in _NUMERIC:
            pattern.append(_NUMERIC[char])
        elif char.isalpha() or char in "\\{}":
            return None
        else:
            pattern.append(char)
    return "".join(pattern)


def _date(value, format_string: str | None = None) -> str:
    """As Django's ``date`` filter: in the city's time, in the active language. A time
    written in numbers alone ("m-d H:i", on each answer of a checklist) is written
    directly: Django's formatter read the language's formats for each of them, a
    tenth of a checklist's items."""
    if format_string and type(value) is dt.datetime:
        pattern = _numeric_format(format_string)
        if pattern is not None:
            return pattern.format(template_localtime(value))
    return defaultfilters.date(template_localtime(value), format_string)


def _localize(value) -> str:
    """As Django's ``localize`` filter: the number as the active language writes it.
    An integer is written as it is unless digits are grouped (USE_THOUSAND_SEPARATOR),
    which is what Django's formatting says too, after a dozen look-ups of the
    language's formats: a table of counts has hundreds."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return str(formats.localize(value, use_l10n=True))


def integers_grouped():
    """``intcomma`` for the integers of one drawing, in the active language: the
    language's separator and grouping are looked up once for all of a list's numbers
    (Django's intcomma looks them up for each, 19 thousand instructions a number).
    Written as Django writes them: no separator, digits as they are (Chinese); a
    comma every three digits (English). Other values, and other languages' ways,
    go through Django's own."""
    separator = formats.get_format("THOUSAND_SEPARATOR")
    grouping = formats.get_format("NUMBER_GROUPING")
    if separator == "":
        plain = str
    elif separator == "," and grouping == 3:
        plain = "{:,}".format
    else:
        return intcomma

    def grouped(value) -> str:
        return plain(value) if type(value) is int else intcomma(value)

    return grouped


# A URL without arguments is the same for every request of a worker, for its URLconf
# and script prefix: Django's reverse() finds it again each time (a tenth of a million
# instructions), and the menu alone names twenty such URLs on every page.
_fixed_urls: dict[tuple[str, str, str], str] = {}


def _url(name: str, *args) -> str:
    if args:
        return reverse(name, args=args)
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name)
    found = _fixed_urls.get(key)
    if found is None:
        found = _fixed_urls[key] = reverse(name)
    return found


def _django_include(template_name: str, **context) -> str:
    """A template of Django's engine drawn in place (one that the pages share)."""
    return engines["django"].get_template(template_name).render(context)


def environment(**options) -> Environment:
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    # Old-style calls: a translation is text, escaped where it is written, as Django's
    # {% translate %} writes it (new-style ones mark it safe and %-format it).
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=False)
    env.globals.update(url=_url, static=static, django_include=_django_include)
    env.filters.update(
        date=_date, localize=_localize, floatformat=defaultfilters.floatformat, intcomma=intcomma
    )
    return env


def draw(template_name: str, context: dict, request=None) -> SafeString:
    """A part drawn by Jinja2, for a page of Django's engine to place as it is (Jinja2
    has escaped what it wrote)."""
    return mark_safe(render_to_string(template_name, context, request, using="jinja2"))
