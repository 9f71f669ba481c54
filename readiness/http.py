"""Small helpers the pages of every app share: reading form values, sending files."""

from __future__ import annotations

import datetime as dt

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date

from .spreadsheets import CONTENT_TYPES, export_bytes


def form_int(value: str | None, *, low: int = 0, high: int = 10**9) -> int | None:
    """A whole number within bounds from a form, or None (never an exception)."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if low <= number <= high else None


def form_ids(values: list[str]) -> list[int]:
    return [n for n in (form_int(v) for v in values) if n is not None]


def form_date(value: str | None) -> dt.date | None:
    """An ISO date from a form, or None for an empty, malformed or impossible one."""
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def spreadsheet_response(
    dataset: tablib.Dataset, fmt: str, stem: str, *, stamped: bool = True
) -> HttpResponse:
    """A download of ``dataset`` (formula cells neutralised), named stem-YYYYmmdd-HHMM."""
    name = f"{stem}-{timezone.localtime():%Y%m%d-%H%M}" if stamped else stem
    response = HttpResponse(export_bytes(dataset, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
