"""Supplies on the to-do: shipments on their way to the holder the user confirms for."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from readiness.access import has_right
from readiness.models import User
from readiness.todo import Task, TodoGroup, group

from . import selectors
from .access import Right


def todo(user: User) -> list[TodoGroup | None]:
    if not has_right(user, Right.SUPPLY_RECEIVE):
        return []
    return [
        group(
            key="receipts_to_confirm",
            title=_("Receipts to confirm"),
            nav="supplies",
            url=reverse("supplies_receipts"),
            # A task names the item only.
            rows=selectors.receipts_to_confirm(user=user)
            .select_related(None)
            .select_related("item"),
            task=lambda s: Task(
                text=f"{s.item.name} × {s.quantity:g}",
                url=reverse("supplies_receipts"),
                when=s.sent_at.date() if s.sent_at else None,
            ),
        )
    ]
