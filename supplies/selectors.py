"""Reads of the supplies work, each narrowed to the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from readiness.access import scope_of
from readiness.criteria import link_to
from readiness.models import County, School, User

from . import access, needs
from .access import Right
from .models import (
    AllocationPlan,
    Balance,
    Holder,
    Item,
    Lot,
    Movement,
    NeedOverride,
    ReceiptImport,
    Shipment,
    StockCount,
    SupplyRequest,
    SupplySettings,
)

ZERO = Decimal(0)


def item_list(*, user: User) -> QuerySet[Item]:
    access.require(user, Right.SUPPLY_VIEW)
    return Item.objects.all()


def holder_list(*, user: User) -> QuerySet[Holder]:
    access.require(user, Right.SUPPLY_VIEW)
    return Holder.objects.filter(access.holder_q(user)).select_related("county", "school")


def holder_names(holders: QuerySet[Holder], *, limit: int) -> list[tuple[int, str]]:
    """The first ``limit`` of ``holders`` (already scoped and ordered) as (id, name),
    read as columns with LIMIT: a list of hundreds builds no Holder rows."""
    columns = holders.values_list("pk", "kind", "county__name", "school__name")[:limit]
    return [(pk, Holder.name_of(*names)) for pk, *names in columns]


def _get(rows: QuerySet, user: User, pk: int | str):
    """One row of ``rows`` (already narrowed to the user's scope): 404 when out of
    scope, then 403 without the right to see supplies."""
    try:
        found = rows.get(pk=pk)
    except (rows.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    access.require(user, Right.SUPPLY_VIEW)
    return found


def holder_get_for_user(*, user: User, pk: int | str) -> Holder:
    return _get(Holder.objects.filter(access.holder_q(user)), user, pk)


def balance_list(*, user: User) -> QuerySet[Balance]:
    access.require(user, Right.SUPPLY_VIEW)
    return Balance.objects.filter(access.holder_q(user, "holder__")).select_related(
        "holder__county", "holder__school", "item", "lot"
    )


def movement_list(*, user: User) -> QuerySet[Movement]:
    access.require(user, Right.SUPPLY_VIEW)
    return Movement.objects.filter(access.holder_q(user, "holder__")).select_related(
        "holder__county", "holder__school", "item", "lot", "actor"
    )


def movement_get_for_user(*, user: User, pk: int | str) -> Movement:
    return _get(Movement.objects.filter(access.holder_q(user, "holder__")), user, pk)


def shipment_list(*, user: User) -> QuerySet[Shipment]:
    """Shipments sent from or to a holder the user may see."""
    access.require(user, Right.SUPPLY_VIEW)
    return Shipment.objects.filter(
        access.holder_q(user, "source__") | access.holder_q(user, "target__")
    ).select_related(
        "item", "lot", "source__county", "source__school", "target__county", "target__school"
    )


def shipment_get_for_user(*, user: User, pk: int | str) -> Shipment:
    rows = Shipment.objects.filter(
        access.holder_q(user, "source__") | access.holder_q(user, "target__")
    ).select_related("item", "lot", "source", "target")
    return _get(rows, user, pk)


def receipt_import_get_for_user(*, user: User, pk: int | str) -> ReceiptImport:
    """A receipts spreadsheet being checked or imported: only its uploader sees it."""
    try:
        return ReceiptImport.objects.select_related("holder").get(pk=pk, owner_id=user.pk)
    except (ReceiptImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def receipts_to_confirm(*, user: User) -> QuerySet[Shipment]:
    """What is on its way to the holders the user confirms for."""
    return (
        shipment_list(user=user)
        .filter(access.own_holder_q(user, "target__"), received_at__isnull=True)
        .order_by("sent_at", "pk")
    )


def open_shortfalls(*, user: User) -> QuerySet[Shipment]:
    return shipment_list(user=user).filter(
        received_quantity__lt=F("quantity"), shortfall_resolved_at__isnull=True
    )


def plan_list(*, user: User) -> QuerySet[AllocationPlan]:
    access.require(user, Right.SUPPLY_VIEW)
    return AllocationPlan.objects.filter(access.holder_q(user, "source__")).select_related(
        "item", "source__county", "created_by", "approved_by"
    )


def plan_get_for_user(*, user: User, pk: int | str) -> AllocationPlan:
    rows = AllocationPlan.objects.filter(access.holder_q(user, "source__")).select_related(
        "item", "source__county"
    )
    return _get(rows, user, pk)


def request_list(*, user: User) -> QuerySet[SupplyRequest]:
    access.require(user, Right.SUPPLY_VIEW)
    return SupplyRequest.objects.filter(access.holder_q(user, "holder__")).select_related(
        "holder__county", "holder__school", "item", "created_by", "plan"
    )


def request_get_for_user(*, user: User, pk: int | str) -> SupplyRequest:
    rows = SupplyRequest.objects.filter(access.holder_q(user, "holder__")).select_related(
        "holder", "item"
    )
    return _get(rows, user, pk)


def requests_citing(*, user: User, kind: str, pk: int) -> QuerySet[SupplyRequest]:
    """The requests the user may see that cite one object (a finding's page lists them)."""
    return request_list(user=user).filter(cause_kind=kind, cause_id=pk)


# --- the overview -----------------------------------------------------------------------------


@dataclass
class StandingRow:
    label: str
    key: int
    schools: int
    need: Decimal
    balance: Decimal
    transit: Decimal
    gap: Decimal
    cover_days: Decimal | None
    stockout_days: int = 0
    url: str = ""  # the holder's stock card, where it has one

    @property
    def short(self) -> bool:
        return self.gap > 0


def overview(*, user: User, item: Item) -> dict:
    """Need, usable balance, in transit and gap of ``item``: per county for the city,
    per school for a county, the school's own for a school. A fixed number of
    queries whatever the number of schools."""
    access.require(user, Right.SUPPLY_VIEW)
    scope = scope_of(user)
    settings = SupplySettings.current()
    if scope.level == "city":
        names = dict(County.objects.values_list("pk", "name"))
        rows = needs.standing_by_county(item, cover_days=settings.cover_days)
        holders = dict(
            Holder.objects.filter(kind=Holder.Kind.COUNTY).values_list("county_id", "pk")
        )
    elif scope.level in ("county", "school"):
        county_id = scope.county_id
        if scope.level == "school":
            county_id = School.objects.values_list("county_id", flat=True).get(pk=scope.school_id)
        names = dict(School.objects.filter(county_id=county_id).values_list("pk", "name"))
        rows = needs.standing_by_school(
            item,
            county_id,
            cover_days=settings.cover_days,
            school_id=scope.school_id if scope.level == "school" else None,
        )
        holders = dict(
            Holder.objects.filter(school__county_id=county_id).values_list("school_id", "pk")
        )
    else:
        rows, names, holders = [], {}, {}
    # One link per row from one reverse(): any of a county's 458 schools may have a card.
    card = link_to("supplies_card")
    standing = sorted(
        (
            StandingRow(
                label=names.get(r["key"], ""),
                key=r["key"],
                schools=r["schools"],
                need=r["need"],
                balance=r["balance"],
                transit=r["transit"],
                gap=r["gap"],
                cover_days=r["cover_days"],
                stockout_days=r["stockout_days"],
                url=f"{card(holder)}?item={item.code}"
                if (holder := holders.get(r["key"]))
                else "",
            )
            for r in rows
        ),
        key=lambda row: (-(row.gap if row.gap > 0 else ZERO), row.label),
    )
    reserve = None
    if scope.level == "city":
        reserve = needs.usable_of(holder=Holder.objects.get_or_create(kind="city")[0], item=item)
    return {
        "item": item,
        "rows": standing,
        "reserve": reserve,
        "settings": settings,
        "level": scope.level,
        "totals": {
            "need": sum((r.need for r in standing), ZERO),
            "balance": sum((r.balance for r in standing), ZERO),
            "transit": sum((r.transit for r in standing), ZERO),
            "gap": sum((r.gap for r in standing if r.gap > 0), ZERO),
        },
    }


def stock_card(*, user: User, holder: Holder, item: Item) -> list[dict]:
    """The holder's movements of ``item``, oldest first, with the running balance."""
    rows = list(
        movement_list(user=user)
        .filter(holder=holder, item=item)
        .order_by("at", "pk")
        .select_related("lot", "actor", "shipment")
    )
    running = ZERO
    card = []
    for movement in rows:
        running += movement.quantity
        card.append({"movement": movement, "balance": running})
    return card


def lots_expiring(
    *, user: User, today: dt.date | None = None, days: int | None = None
) -> QuerySet[Balance]:
    """Balances in lots that expire within ``days`` (the city's warning days by
    default), or have expired."""
    today = today or timezone.localdate()
    if days is None:
        days = SupplySettings.current().expiry_warning_days
    return (
        balance_list(user=user)
        .filter(quantity__gt=0, lot__expires_on__isnull=False)
        .filter(lot__expires_on__lte=today + dt.timedelta(days=days))
        .order_by("lot__expires_on", "holder_id")
    )


def holders_under_threshold(*, user: User, item: Item) -> list[dict]:
    """Holders within scope whose days of cover of ``item`` are under the alert."""
    data = overview(user=user, item=item)
    alert = data["settings"].alert_days
    return [row for row in data["rows"] if row.cover_days is not None and row.cover_days < alert]


def usable_lots(*, holder: Holder, item: Item) -> list[tuple[Lot, Decimal]]:
    today = timezone.localdate()
    rows = (
        Balance.objects.filter(holder=holder, item=item, quantity__gt=0)
        .filter(Q(lot__expires_on__isnull=True) | Q(lot__expires_on__gte=today))
        .select_related("lot")
        .order_by("lot__expires_on", "lot__number")
    )
    return [(b.lot, b.quantity) for b in rows]


def reserve_by_item() -> list[dict]:
    """The city reserve's usable stock per item (for the daily report)."""
    today = timezone.localdate()
    totals = dict(
        Balance.objects.filter(holder__kind=Holder.Kind.CITY)
        .filter(Q(lot__expires_on__isnull=True) | Q(lot__expires_on__gte=today))
        .values("item_id")
        .annotate(total=Sum("quantity"))
        .values_list("item_id", "total")
    )
    return [{"item": item, "quantity": totals.get(item.pk, ZERO)} for item in Item.objects.all()]


def county_ids_in_scope(*, user: User) -> list[int]:
    scope = scope_of(user)
    if scope.level == "city":
        return list(County.objects.values_list("pk", flat=True))
    if scope.level == "county":
        return [scope.county_id]
    return []


def own_holder(*, user: User) -> Holder:
    """The holder a school contact or a county official asks for: their school or depot."""
    from django.core.exceptions import PermissionDenied

    from . import services

    scope = scope_of(user)
    if scope.level == "school":
        return services.school_holder(School.objects.get(pk=scope.school_id))
    if scope.level == "county":
        return services.county_depot(scope.county_id)
    raise PermissionDenied


def request_causes(*, user: User, requests) -> dict:
    """(kind, id) → Reference for the causes the requests cite that the user may see;
    one query per kind."""
    from readiness.references import resolve_many

    wanted: dict[str, list[int]] = {}
    for row in requests:
        if row.cause_kind and row.cause_id:
            wanted.setdefault(row.cause_kind, []).append(row.cause_id)
    found = {}
    for kind, ids in wanted.items():
        for pk, reference in resolve_many(kind, ids, user=user).items():
            found[(kind, pk)] = reference
    return found


def count_draft(*, holder: Holder) -> StockCount | None:
    """The holder's open count, if any (the caller has checked the user's access)."""
    return StockCount.objects.filter(holder=holder, status="draft").first()


def book_by_lot(*, holder: Holder) -> dict[int, Decimal]:
    return dict(Balance.objects.filter(holder=holder).values_list("lot_id", "quantity"))


def override_list(*, user: User) -> QuerySet[NeedOverride]:
    """Schools' own needs within the user's scope."""
    access.require(user, Right.SUPPLY_VIEW)
    return (
        NeedOverride.objects.filter(scope_of(user).school_q("school__"))
        .select_related("school", "item", "set_by")
        .order_by("school__code", "item__order")
    )
