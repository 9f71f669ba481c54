"""Forms are drawn by Jinja2 from Django's own form templates: the same HTML as
Django's template engine draws, values escaped, and the admin's widgets (which only
Django's engine has) still drawn."""

from __future__ import annotations

import re

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from readiness.filters import SchoolFilter
from readiness.form_renderer import FormRenderer
from readiness.models import County


def _same(html: str) -> str:
    """The HTML with the differences that do not change it undone: whitespace between
    tags, and a quote or apostrophe escaped as a number rather than by name."""
    html = re.sub(r">\s+<", "><", html.strip())
    return html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


def test_the_portal_draws_forms_with_its_renderer():
    assert isinstance(forms.Form().renderer, FormRenderer)


def test_a_filter_bar_is_drawn_as_djangos_engine_draws_it(db, county_a, county_b):
    params = {"county": county_b.code, "level": "primary", "q": "a&\"<b>'"}
    counties = County.objects.all()
    ours = SchoolFilter(params, counties=counties).form
    django = SchoolFilter(params, counties=counties).form
    django.renderer = DjangoTemplates()
    for name in ours.fields:
        assert _same(str(ours[name])) == _same(str(django[name])), name
    assert 'value="primary" selected' in str(ours["level"])
    assert f'value="{county_b.code}" selected' in str(ours["county"])


def test_a_value_is_escaped():
    class Form(forms.Form):
        note = forms.CharField()

    html = str(Form({"note": '"><script>alert(1)</script>'})["note"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_djangos_own_form_templates_are_drawn_by_jinja2_and_the_admins_by_django():
    renderer = FormRenderer()
    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), Jinja2Template)
    assert isinstance(
        renderer.get_template("admin/widgets/related_widget_wrapper.html"), DjangoTemplate
    )
