"""The Jinja2 environment of the pages' repeated parts writes numbers and times as
Django's engine does, and escapes what it writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import engines
from django.test import override_settings
from django.utils import formats, translation

from readiness.jinja_env import draw


def environment():
    """The environment as the portal's settings make it (escaping on)."""
    return engines["jinja2"].env


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_number_is_written_as_djangos_localize_writes_it(language, grouped):
    localize = environment().filters["localize"]
    values = [0, 7, 1234, -98765, 12345678, True, Decimal("1234.5"), Decimal("99.0"), 12.25]
    with override_settings(USE_THOUSAND_SEPARATOR=grouped), translation.override(language):
        for value in values:
            assert localize(value) == str(formats.localize(value, use_l10n=True)), value
        if grouped and language == "en":
            assert localize(1234) == "1,234"
        if not grouped:
            assert localize(1234) == "1234"


def test_a_time_is_the_citys():
    date = environment().filters["date"]
    assert date(dt.datetime(2026, 12, 7, 16, 5, tzinfo=dt.UTC), "Y-m-d H:i") == "2026-12-08 00:05"


def test_a_drawn_part_is_escaped_and_placed_as_it_is():
    part = environment().from_string('<p title="{{ v }}">{{ v }} {{ _("Save") }}</p>')
    with translation.override("zh-hans"):
        html = part.render(v='"<b>&')
    assert html == '<p title="&#34;&lt;b&gt;&amp;">&#34;&lt;b&gt;&amp; 保存</p>'
    drawn = draw("people/_coverage_rows.html", {"total": {"name": "<合计>"}, "rows": []})
    assert "&lt;合计&gt;" in drawn and drawn.__html__() == drawn  # marked safe, escaped inside


def test_a_translation_is_text_escaped_where_it_is_written_and_never_formatted():
    """As Django's {% translate %}: the words are escaped like any text (a quote in a
    translation cannot end an attribute), and a per cent sign is only a per cent sign."""
    part = environment().from_string('<input placeholder="{{ _(words) }}">')
    assert (
        part.render(words='50% "off" <b>') == '<input placeholder="50% &#34;off&#34; &lt;b&gt;">'
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_integers_are_grouped_as_djangos_intcomma_groups_them(language):
    from django.contrib.humanize.templatetags.humanize import intcomma

    from readiness.jinja_env import integers_grouped

    values = [0, 7, 999, 1000, 1234, -98765, 12345678, True, Decimal("1234.5"), 12.25, "3456"]
    with translation.override(language):
        grouped = integers_grouped()
        for value in values:
            assert grouped(value) == intcomma(value), value
        # Known answers: Chinese writes no separator, English a comma every three digits.
        assert grouped(12345678) == ("12345678" if language == "zh-hans" else "12,345,678")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_time_in_numbers_is_written_as_djangos_date_filter_writes_it(language):
    from django.template import defaultfilters
    from django.utils.timezone import template_localtime

    date = environment().filters["date"]
    moments = [
        dt.datetime(2026, 12, 7, 16, 5, 9, tzinfo=dt.UTC),  # the next day in the city
        dt.datetime(2026, 1, 2, 3, 4, 5),  # naive: as it is
        dt.date(2026, 12, 8),
    ]
    formats_ = ["m-d H:i", "Y-m-d H:i", "Y-m-d", "H:i:s", "Y年m月d日", "N j, Y", "D H:i", r"\\Y Y"]
    with translation.override(language):
        for moment in moments:
            for format_string in formats_:
                if type(moment) is dt.date and any(c in format_string for c in "HisD"):
                    continue  # a day has no time: Django's filter refuses such a format
                expected = defaultfilters.date(template_localtime(moment), format_string)
                assert date(moment, format_string) == expected, (moment, format_string)
        assert date(moments[0], "m-d H:i") == "12-08 00:05"  # 16:05 UTC is 00:05 in the city
