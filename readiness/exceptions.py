"""Domain errors shared by every line of work, and the API's one exception handler.

Services raise Django's ``ValidationError`` for bad input, ``PermissionDenied``
for a missing right, and ``Conflict`` when the caller acted on a stale view of
a row. Pages show them beside the field; the API turns them into responses here,
so API actions call the service and return, with no try/except of their own.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler


class Conflict(Exception):
    """The row changed since the caller read it; ``payload()`` says how it is now."""

    def payload(self) -> dict:
        return {}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Conflict):
        return Response(
            {"detail": "stale", "current": exc.payload()}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return exception_handler(exc, context)
