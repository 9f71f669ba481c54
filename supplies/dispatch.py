"""Supplies in the daily dispatch report: the reserve by item in display units, what
was distributed today and to date, receipts not yet confirmed, shortfalls, open
requests and the counties under the alert threshold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from readiness.dispatch import Column, Measure, Section, Sheet, count
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
    counties = list(County.objects.order_by("order", "code").values_list("pk", "code", "name"))
    names = {pk: name for pk, _code, name in counties}
    rows, under = [], []
    cover: dict[int, Decimal] = {}  # county → days of its least-covered essential item
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
                if row["cover_days"] is not None:
                    cover[row["key"]] = min(
                        cover.get(row["key"], row["cover_days"]), row["cover_days"]
                    )
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
        "by_county": [
            {"code": code, "name": name, "cover_days": float(cover[pk]) if pk in cover else None}
            for pk, code, name in counties
        ],
    }


SECTION = Section(
    key="supplies",
    figures=figures,
    template="supplies/dispatch/section.html",
    pdf_template="supplies/dispatch/section_pdf.html",
    measures=(
        # The least-covered essential item's days; the default thresholds are the
        # usual cover (14 days) and the usual alert (7 days).
        Measure("supply_cover_days", _("Days of supply cover"), count("cover_days"), True, 14, 7),
    ),
    sheets=(
        Sheet(
            _("Supplies"),
            (
                Column("item", _("Item")),
                Column("unit", _("Unit")),
                Column("reserve", _("City reserve")),
                Column("today", _("Sent today")),
                Column("to_date", _("Sent to date")),
            ),
            rows="items",
        ),
        Sheet(_("Supply cover"), (Column("cover_days", _("Days of supply cover")),)),
    ),
)
