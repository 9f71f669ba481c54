"""The page's layout parts drawn by Jinja2 (readiness.jinja_env), for templates/base.html."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeString

from readiness.jinja_env import draw

register = template.Library()


@register.simple_tag(takes_context=True)
def topbar(context) -> SafeString:
    """The top bar (the menu, the language, the account) and the offline line.

    Every page draws them: twenty links, thirty translations and a dozen tests, which
    Django's engine drew in about seven million instructions, a tenth of a
    checklist's page (callgrind); Jinja2 draws them for less than half."""
    return draw(
        "layout/_topbar.html",
        {
            "user": context.get("user"),
            "nav": context.get("nav") or {},
            "languages": [(code, translation.gettext(name)) for code, name in settings.LANGUAGES],
            "language_code": translation.get_language(),
            # The page's own token, masked once for all its forms (Jinja2's csrf_token
            # would mask it anew at each form).
            "page_csrf_token": context.get("csrf_token", ""),
        },
        context.get("request"),
    )
