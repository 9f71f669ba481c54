"""The audit trail: every write service records who did what, on what, when and
from which address; so do reads of whole identity numbers and person-file exports.

Services are wrapped with ``@audited("app.action")``: the entry is written in the
service's own transaction, so a write that rolls back leaves no entry and an
entry never lacks its write. The address comes from the request being served
(``AuditAddressMiddleware``); work done by a task has none.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from axes.helpers import get_client_ip_address
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse

from .models import AuditEntry, County, School, User

_address: ContextVar[str | None] = ContextVar("audit_address", default=None)


class AuditAddressMiddleware:
    """Makes the client's address (behind the proxy, as axes reads it) known to
    the audit trail for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _address.set(get_client_ip_address(request))
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)


def _plain(value: Any) -> Any:
    """A JSON-safe summary of a service argument: rows by label and id, files by
    name, long texts cut, bytes never kept."""
    if isinstance(value, models.Model):
        return f"{value._meta.label}:{value.pk}"
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "…"
    if isinstance(value, bool | int | float | type(None)):
        return value
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in list(value.items())[:50]}
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        summary = [_plain(v) for v in items[:50]]
        return summary + ([f"… {len(items) - 50} more"] if len(items) > 50 else [])
    if hasattr(value, "name") and hasattr(value, "read"):  # an uploaded file
        return f"<file {getattr(value, 'name', '')}>"
    return type(value).__name__


def _county_of(value: Any) -> County | None:
    for candidate in (value, getattr(value, "school", None), getattr(value, "county", None)):
        if isinstance(candidate, School):
            return candidate.county
        if isinstance(candidate, County):
            return candidate
    return None


def audit_record(
    *, actor: User | None, action: str, target: Any = None, detail: dict | None = None
) -> AuditEntry:
    """Adds one entry; ``target`` is a row (or a label) the action was about."""
    label = _plain(target) if target is not None else ""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=getattr(actor, "username", "") or "",
        address=_address.get(),
        action=action,
        target=str(label)[:120],
        county=_county_of(target),
        detail=_plain(detail or {}),
    )


def audited(action: str, *, target: str | None = None) -> Callable:
    """Wraps a write service (keyword-only, with ``actor=``): on success its
    entry is added in the same transaction. ``target`` names the argument the
    action is about; by default the service's return value."""

    def wrap(service: Callable) -> Callable:
        @functools.wraps(service)
        def run(*args, **kwargs):
            with transaction.atomic():
                result = service(*args, **kwargs)
                about = kwargs.get(target) if target else result
                if (
                    isinstance(about, list | tuple)
                    and about
                    and isinstance(about[0], models.Model)
                ):
                    about = f"{about[0]._meta.label} ×{len(about)}"
                detail = {k: v for k, v in kwargs.items() if k != "actor"}
                audit_record(actor=kwargs.get("actor"), action=action, target=about, detail=detail)
            return result

        return run

    return wrap
