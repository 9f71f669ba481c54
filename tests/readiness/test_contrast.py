"""Every coloured label of the stylesheet (a badge, a message, a ranking cell) reads at
a contrast of at least 5:1, a margin above WCAG AA's 4.5:1 that axe checks in the
browser tests: a colour nudged later does not slip under the line unseen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()
VARIABLES = dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-f]{6});", CSS))
PAIRS = re.findall(
    r"^([^{\n]+)\{[^}]*?background: (#[0-9a-f]{6}); color: (var\(--[a-z-]+\)|#[0-9a-f]{6})",
    CSS,
    re.MULTILINE,
)


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_gives_the_standards_known_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


def test_the_stylesheet_has_its_coloured_labels():
    selectors = {selector.strip() for selector, _bg, _fg in PAIRS}
    assert {".badge", ".risk-low", ".status-approved, .result-passed", ".rag-amber"} <= selectors


@pytest.mark.parametrize(("selector", "background", "colour"), PAIRS)
def test_a_coloured_label_reads_at_5_to_1_or_more(selector, background, colour):
    if colour.startswith("var("):
        colour = VARIABLES[colour[4:-1]]
    assert contrast(background, colour) >= 5.0, selector
