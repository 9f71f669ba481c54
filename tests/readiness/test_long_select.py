"""LongSelect: the options of a long list joined in Python, as Django's Select
renders them with Django's template engine (the portal's forms are drawn by Jinja2,
which writes a quote as ``&#34;``, not ``&quot;``: the same character)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from readiness.forms import LongSelect

CHOICES = [("", "---------"), (7, "兰山区 <实验> 小学"), (9, '沂水县 "一中"')]


class Form(forms.Form):
    target = forms.ChoiceField(choices=CHOICES, widget=LongSelect)
    plain = forms.ChoiceField(choices=CHOICES, required=False)  # Django's own Select


def test_it_renders_the_chosen_option_selected_and_escapes_the_labels():
    html = str(Form({"target": "9"})["target"])
    assert html == (
        '<select name="target" required id="id_target">\n'
        '<option value="">---------</option>\n'
        '<option value="7">兰山区 &lt;实验&gt; 小学</option>\n'
        '<option value="9" selected>沂水县 &quot;一中&quot;</option>\n'
        "</select>"
    )


def parts(html: str) -> tuple[set[str], list[str]]:
    """The select's attributes (in any order) and its options, whitespace aside."""
    html = html.replace("plain", "target")  # the two fields' names
    attributes = re.match(r"<select ([^>]*)>", html).group(1).split(" ")
    return set(attributes), re.findall(r"<option[^>]*>[^<]*</option>", html)


@pytest.mark.parametrize(
    "data", [None, {"target": "7", "plain": "7"}, {"target": "x", "plain": "x"}]
)
def test_it_says_what_djangos_select_says(data):
    form = Form(data, renderer=DjangoTemplates())
    form.fields["plain"].required = True
    assert parts(str(form["target"])) == parts(str(form["plain"]))
