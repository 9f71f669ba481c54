"""Supply requests as citations of other objects (readiness.references)."""

from __future__ import annotations

from django.urls import reverse

from readiness.access import has_right
from readiness.references import Citation

from . import selectors
from .access import Right
from .quantities import shown


def citing(kind: str, pk: int, user) -> list[Citation]:
    """The requests ``user`` may see that cite object ``pk`` of ``kind``; one query."""
    if not has_right(user, Right.SUPPLY_VIEW):
        return []
    rows = selectors.requests_citing(user=user, kind=kind, pk=pk).order_by("created_at")
    return [
        Citation(
            label=f"{r.holder} · {r.item.name} {shown(r.item, r.quantity)} {r.item.display_unit}",
            state=r.get_status_display(),
            url=f"{reverse('supplies_requests')}?status={r.status}",
        )
        for r in rows
    ]
