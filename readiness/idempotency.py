"""Writes that are done once however often they are sent.

A phone that queued changes offline sends each with an ``Idempotency-Key`` header
(a UUID it made when the change was typed). The first request with a key runs and
its response is stored under (user, key) in the same transaction as the write; a
request with the same key later — the phone sent it, lost the answer, and sends it
again — gets the stored response (``Idempotent-Replayed: true``) and writes nothing.

Two requests with one key at the same moment: the second's insert of the key waits
on the unique index until the first commits, then finds the stored response. A
refused request (4xx) stores nothing: sent again, it is checked again.
"""

from __future__ import annotations

import functools
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .models import IdempotentRequest

HEADER = "Idempotency-Key"
KEY_LENGTH = 64


def idempotent(action):
    """Decorates a DRF view method that writes: see the module's docstring."""

    @functools.wraps(action)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return action(view, request, *args, **kwargs)
        if len(key) > KEY_LENGTH:
            message = _("The idempotency key is longer than %(n)s characters.")
            return Response(
                {"detail": message % {"n": KEY_LENGTH}}, status=status.HTTP_400_BAD_REQUEST
            )
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotentRequest.objects.create(
                        user=request.user, key=key, path=request.path, status=0
                    )
            except IntegrityError:
                return _replay(request, key)
            response = action(view, request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)
                return response
            record.status = response.status_code
            record.body = json.loads(JSONRenderer().render(response.data) or b"{}")
            record.save(update_fields=["status", "body"])
            return response

    return wrapper


def _replay(request, key: str) -> Response:
    record = IdempotentRequest.objects.get(user=request.user, key=key)
    if record.path != request.path:
        return Response(
            {"detail": _("This idempotency key was used for another request.")},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    return Response(record.body, status=record.status, headers={"Idempotent-Replayed": "true"})


def purge(*, now=None) -> int:
    """Forgets keys older than ``IDEMPOTENCY_DAYS``; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IDEMPOTENCY_DAYS)
    deleted, _rows = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# In the schema of every action decorated with ``idempotent``.
PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A key the client makes for this change (a UUID). Sent again with the same "
        "key, the change is not done twice: the first response is returned, with "
        "`Idempotent-Replayed: true`."
    ),
)
