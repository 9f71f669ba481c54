"""Things one line of work may cite from another without importing it.

``settings.REFERENCE_KINDS`` maps a kind ("finding") to the dotted path of a
function ``(ids, user) -> {id: Reference}`` in the app that owns the object; it
returns only the objects the user may see. Supplies requests cite inspection
findings this way; ``settings.REFERENCE_CITERS`` lists the functions
``(kind, id, user) -> [Citation]`` through which the finding's page lists the
requests that cite it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Reference:
    label: str
    url: str


@dataclass(frozen=True)
class Citation:
    """Something that cites an object: a supply request citing a finding."""

    label: str
    state: str
    url: str


def citing(kind: str, pk: int, *, user) -> list[Citation]:
    """What cites object ``pk`` of ``kind``, from every app listed in
    ``settings.REFERENCE_CITERS``, as far as ``user`` may see it."""
    found: list[Citation] = []
    for path in settings.REFERENCE_CITERS:
        found.extend(import_string(path)(kind, pk, user))
    return found


def kinds() -> list[str]:
    return list(settings.REFERENCE_KINDS)


def resolve_many(kind: str, ids: list[int], *, user) -> dict[int, Reference]:
    path = settings.REFERENCE_KINDS.get(kind)
    if path is None or not ids:
        return {}
    return import_string(path)(ids, user)


def resolve(kind: str, pk: int, *, user) -> Reference | None:
    return resolve_many(kind, [pk], user=user).get(pk)
