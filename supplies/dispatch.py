"""Supplies in the daily dispatch report: the reserve by item in display units, what
was distributed today and to date, receipts not yet confirmed, shortfalls, open
requests and the counties under the alert threshold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from readiness.dispatch import Section
from readiness.models import County

from . import needs
from .models import Holder, Item, Shipment, SupplyRequest, SupplySettings
from .quantities import shown


def figures(on_date: dt.date) -> dict:
    items = list(Item.objects.all())
    today = Q(sent_at__date=on_date)
    sent = {
        row["item_id"]: row
        # Sent from the city reserve: what goes on from a depot is the same stock.
        for row in Shipment.objects.filter(
            sent_at__date__lte=on_date, source__kind=Holder.Kind.CITY
        )
        .values("item_id")
        .annotate(to_date=Sum("quantity"), today=Sum("quantity", filter=today))
    }
    reserve = needs.usable_by_item(Holder.objects.filter(kind=Holder.Kind.CITY))
    settings = SupplySettings.current()
    alert = settings.alert_days
    names = dict(County.objects.values_list("pk", "name"))
    rows, under = [], []
    for item in items:
        moved = sent.get(item.pk, {})
        rows.append(
            {
                "item": item.name,
                "unit": item.display_unit,
                "reserve": shown(item, reserve.get(item.pk, Decimal(0))),
                "today": shown(item, moved.get("today") or Decimal(0)),
                "to_date": shown(item, moved.get("to_date") or Decimal(0)),
            }
        )
        if item.essential:
            for row in needs.standing_by_county(item, cover_days=settings.cover_days):
                if row["cover_days"] is not None and row["cover_days"] < alert:
                    under.append(
                        {
                            "county": names.get(row["key"], ""),
                            "item": item.name,
                            "days": str(row["cover_days"]),
                        }
                    )
    pending = Shipment.objects.filter(received_at__isnull=True).aggregate(n=Count("pk"))["n"]
    shortfalls = (
        Shipment.objects.filter(received_at__isnull=False, shortfall_resolved_at__isnull=True)
        .filter(received_quantity__lt=F("quantity"))
        .count()
    )
    requests = SupplyRequest.objects.filter(status=SupplyRequest.Status.OPEN).count()
    return {
        "items": rows,
        "pending_receipts": pending,
        "open_shortfalls": shortfalls,
        "open_requests": requests,
        "under_threshold": sorted(under, key=lambda r: (r["item"], r["county"])),
        "alert_days": alert,
    }


SECTION = Section(
    key="supplies",
    figures=figures,
    template="supplies/dispatch/section.html",
    pdf_template="supplies/dispatch/section_pdf.html",
)
