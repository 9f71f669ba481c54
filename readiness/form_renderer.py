"""How forms are drawn: Django's own form and widget templates, rendered by Jinja2.

Django ships its form templates for both its template engine and Jinja2, alike
element for element. Its own engine draws a select option by option, an include
each: a school list's filter bar was a tenth of the page's work (78.9 against 71.9
million instructions a county's page, counted by callgrind). Jinja2 draws the same
HTML for a fraction of it. A template that only Django's engine has (the admin's
widgets) is drawn by it.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    fallback = DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
