"""The supplies section of a school's whole file: its usable stock by item with
the days it covers, what is on its way, and its requests."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from readiness.access import has_right
from readiness.models import School, User
from readiness.school_file import FileSection

from . import needs
from .access import Right
from .models import Holder
from .quantities import shown
from .selectors import holder_list, request_list, shipment_list


def context(user: User, school: School) -> dict | None:
    """Eight queries; left out for those without sight of supplies."""
    if not has_right(user, Right.SUPPLY_VIEW):
        return None
    holder = holder_list(user=user).filter(kind=Holder.Kind.SCHOOL, school=school).first()
    stock = needs.stock_by_school([school.pk]).get(school.pk, [])
    items = [
        {"item": item, "usable": shown(item, usable), "days": days} for item, usable, days in stock
    ]
    # The section names only the item: the lists' other joins (holders, counties,
    # schools, lots) cost more to plan than the rows cost to read.
    coming = (
        shipment_list(user=user)
        .filter(target__school=school, received_at__isnull=True)
        .select_related(None)
        .select_related("item")
    )
    asked = (
        request_list(user=user)
        .filter(holder__school=school)
        .select_related(None)
        .select_related("item")
        .order_by("-pk")[:10]
    )
    return {
        "holder": holder,
        "items": items,
        "coming": [(s, shown(s.item, s.quantity)) for s in coming.order_by("sent_at")[:20]],
        "requests": [(r, shown(r.item, r.quantity)) for r in asked],
    }


SECTION = FileSection(
    key="supplies",
    title=_("Supplies"),
    template="supplies/school_file.html",
    context=context,
)
