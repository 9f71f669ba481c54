"""The small trend line: its axis names the first and the last date, and the values'
range between them, so that the range is not read as a date."""

from __future__ import annotations

import re

from django.utils import translation

from readiness.dashboard import trend_svg

POINTS = [("2026-12-01", 0.1), ("2026-12-02", 0.4), ("2026-12-03", 0.3)]


def axis(svg: str) -> list[str]:
    row = re.search(r'<p class="trend-axis">(.*)</p>', svg).group(1)
    return re.findall(r"<span>(.*?)</span>", row)


def test_the_axis_names_the_range_between_the_dates():
    with translation.override("zh-hans"):
        assert axis(trend_svg(POINTS)) == ["12-01", "范围 0.1–0.4", "12-03"]
    with translation.override("en"):
        assert axis(trend_svg(POINTS)) == ["12-01", "range 0.1–0.4", "12-03"]


def test_fewer_than_two_points_draw_nothing():
    assert trend_svg(POINTS[:1]) == ""
