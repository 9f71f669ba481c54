"""The findings spreadsheet, scoped like the list."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse


def test_findings_export_is_scoped(login, finding, official_a, official_b):
    rows = list(
        openpyxl.load_workbook(
            io.BytesIO(login(official_a).get(reverse("finding_list"), {"format": "xlsx"}).content)
        ).active.iter_rows(values_only=True)
    )
    assert rows[1][2] == "兰山区城关镇中心小学" and rows[1][7] == "测温点无人值守"
    other = openpyxl.load_workbook(
        io.BytesIO(login(official_b).get(reverse("finding_list"), {"format": "xlsx"}).content)
    ).active
    assert other.max_row == 1
