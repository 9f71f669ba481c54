"""``choice_input`` writes a radio's or a checkbox's <input> exactly as Django's
own ``BoundWidget.tag`` does, drawn by Django's template engine (the portal's
forms are drawn by Jinja2, which writes a quote in a value as ``&#34;``, not
``&quot;``: the same character)."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from readiness.templatetags.portal_forms import choice_input

CHOICES = [("pass", "合格"), ("fail", "不合格 <严重>"), ("na", '未查 "原因"'), ("a&\"<b>'", "x")]


class Form(forms.Form):
    result = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    present = forms.MultipleChoiceField(
        choices=[(1, "张三"), (2, "李四")], widget=forms.CheckboxSelectMultiple
    )


@pytest.mark.parametrize(
    "data", [None, {"result": "fail", "present": ["2"]}, {"result": "x", "present": ["9"]}]
)
def test_it_writes_what_djangos_tag_writes(data):
    form = Form(data, renderer=DjangoTemplates())
    if data:
        form.is_valid()  # the errors' attributes too
    for name in ("result", "present"):
        for choice in form[name]:
            assert choice_input(choice) == choice.tag()


def test_the_chosen_radio_is_checked():
    (_pass, fail, _na, _odd) = Form({"result": "fail"})["result"]
    assert choice_input(fail) == (
        '<input type="radio" name="result" value="fail" id="id_result_1" required checked>'
    )
