"""Things one line of work may cite from another without importing it.

``settings.REFERENCE_KINDS`` maps a kind ("finding") to the dotted path of a
function ``(ids, user) -> {id: Reference}`` in the app that owns the object; it
returns only the objects the user may see. Supplies requests cite inspection
findings this way, and the finding's page lists the requests that cite it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Reference:
    label: str
    url: str


def kinds() -> list[str]:
    return list(settings.REFERENCE_KINDS)


def resolve_many(kind: str, ids: list[int], *, user) -> dict[int, Reference]:
    path = settings.REFERENCE_KINDS.get(kind)
    if path is None or not ids:
        return {}
    return import_string(path)(ids, user)


def resolve(kind: str, pk: int, *, user) -> Reference | None:
    return resolve_many(kind, [pk], user=user).get(pk)
