"""Small helpers the pages of every app share: reading form values."""

from __future__ import annotations

import datetime as dt

from django.utils.dateparse import parse_date


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
