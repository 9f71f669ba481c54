"""Writes of the supplies work: one function per use case.

Every change of stock goes through ``_move``, which locks the balance row, refuses
to take it below zero, changes it and writes its movement, all in the caller's
transaction. Balances are locked in one order (holder, item, lot) so that two
writers never wait on each other in a circle.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from readiness.access import has_right, scope_of
from readiness.audit import audited
from readiness.imports import (
    PREVIEW_ROWS,
    ImportOutcome,
    checked_import_confirm,
    checked_import_purge,
    checked_import_run,
    checked_import_start,
)
from readiness.models import County, School, User
from readiness.services import readiness_follow
from readiness.spreadsheets import SpreadsheetError, read_sheet

from . import access, allocation, needs, receipts
from .access import Right
from .models import (
    AllocationLine,
    AllocationPlan,
    Balance,
    Holder,
    Item,
    Lot,
    Movement,
    NeedNorm,
    NeedOverride,
    ReceiptImport,
    Shipment,
    StockCount,
    StockCountLine,
    SupplyRequest,
    SupplySettings,
)
from .quantities import plain

# --- holders -----------------------------------------------------------------------------


def city_reserve() -> Holder:
    return Holder.objects.get_or_create(kind=Holder.Kind.CITY)[0]


def county_depot(county: County | int) -> Holder:
    county_id = county if isinstance(county, int) else county.pk
    return Holder.objects.get_or_create(kind=Holder.Kind.COUNTY, county_id=county_id)[0]


def school_holder(school: School) -> Holder:
    return Holder.objects.get_or_create(
        kind=Holder.Kind.SCHOOL, school=school, defaults={"county_id": school.county_id}
    )[0]


def parent_of(holder: Holder) -> Holder | None:
    """Where a holder's stock comes from: a school's county depot, a depot's city reserve."""
    if holder.kind == Holder.Kind.SCHOOL:
        return county_depot(holder.county_id)
    if holder.kind == Holder.Kind.COUNTY:
        return city_reserve()
    return None


# --- the one way stock changes -----------------------------------------------------------------


def _move(
    *, holder: Holder, item: Item, lot: Lot, quantity: Decimal, kind: str, actor: User, **fields
) -> Movement:
    """Changes one balance by ``quantity`` (signed) and writes the movement."""
    if lot.item_id != item.pk:
        raise ValidationError(_("This lot is of another item."))
    Balance.objects.get_or_create(holder=holder, item=item, lot=lot)
    balance = Balance.objects.select_for_update().get(holder=holder, item=item, lot=lot)
    if balance.quantity + quantity < 0:
        raise ValidationError(
            _("%(holder)s has only %(have)s %(unit)s of %(item)s in lot %(lot)s.")
            % {
                "holder": holder,
                "have": plain(balance.quantity),
                "unit": item.stock_unit,
                "item": item.name,
                "lot": lot.number,
            }
        )
    Balance.objects.filter(pk=balance.pk).update(quantity=F("quantity") + quantity)
    if holder.kind == Holder.Kind.SCHOOL:
        readiness_follow(school_ids=[holder.school_id])  # its days of cover changed
    return Movement.objects.create(
        holder=holder,
        item=item,
        lot=lot,
        quantity=quantity,
        kind=kind,
        actor=actor,
        at=timezone.now(),
        **fields,
    )


def _lock_balances(holder: Holder, item: Item) -> list[Balance]:
    """The holder's balances of ``item``, locked in key order, first expiring first."""
    return list(
        Balance.objects.select_for_update(of=("self",))
        .filter(holder=holder, item=item, quantity__gt=0)
        .select_related("lot")
        .order_by("lot_id")
    )


def fefo(
    balances: list[Balance], quantity: Decimal, *, today: dt.date, unit: str
) -> list[tuple[Lot, Decimal]]:
    """Takes ``quantity`` from the usable lots, first expired first out (lots without
    an expiry date last, then by number); expired lots are never taken."""
    usable = [b for b in balances if not b.lot.expired(today)]
    usable.sort(
        key=lambda b: (b.lot.expires_on is None, b.lot.expires_on or dt.date.max, b.lot.number)
    )
    taken, left = [], quantity
    for balance in usable:
        if left <= 0:
            break
        part = min(balance.quantity, left)
        taken.append((balance.lot, part))
        left -= part
    if left > 0:
        raise ValidationError(
            _("Not enough usable stock: %(short)s %(unit)s short.")
            % {"short": plain(left), "unit": unit}
        )
    return taken


# --- receipts, use, counts and corrections ---------------------------------------------------------


@audited("supply.receipt")
@transaction.atomic
def receipt_record(
    *,
    actor: User,
    holder: Holder,
    item: Item,
    quantity: Decimal,
    origin: str,
    supplier: str,
    lot_number: str,
    produced_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    reference: str = "",
    note: str = "",
) -> Movement:
    """Stock bought or donated arrives at ``holder`` in a lot (new or known)."""
    access.require(actor, Right.SUPPLY_MANAGE, holder)
    if quantity <= 0:
        raise ValidationError(_("The quantity must be more than zero."))
    if origin not in Movement.Origin.values:
        raise ValidationError(_("Say whether it was bought or donated."))
    if not supplier.strip():
        raise ValidationError(_("Name the supplier or donor."))
    lot_number = lot_number.strip()
    if not lot_number:
        raise ValidationError(_("Give the batch number."))
    if item.expires and expires_on is None:
        raise ValidationError(_("%(item)s expires: give the expiry date.") % {"item": item.name})
    if expires_on and expires_on < timezone.localdate():
        raise ValidationError(_("This lot has already expired: it cannot be received."))
    if produced_on and expires_on and expires_on <= produced_on:
        raise ValidationError(_("The expiry date must be after the production date."))
    lot, created = Lot.objects.get_or_create(
        item=item,
        number=lot_number,
        defaults={"produced_on": produced_on, "expires_on": expires_on},
    )
    if not created and expires_on and lot.expires_on != expires_on:
        raise ValidationError(
            _("Lot %(lot)s is already recorded with the expiry date %(date)s.")
            % {"lot": lot.number, "date": lot.expires_on}
        )
    return _move(
        holder=holder,
        item=item,
        lot=lot,
        quantity=quantity,
        kind=Movement.Kind.RECEIPT,
        actor=actor,
        origin=origin,
        supplier=supplier.strip()[:100],
        reference=reference.strip()[:60],
        note=note.strip()[:200],
    )


@audited("supply.consume")
@transaction.atomic
def consumption_record(
    *, actor: User, holder: Holder, item: Item, quantity: Decimal, note: str = ""
) -> list[Movement]:
    """Stock used up, taken first expired first out."""
    _require_keeper(actor, holder)
    lots = fefo(
        _lock_balances(holder, item), quantity, today=timezone.localdate(), unit=item.stock_unit
    )
    return [
        _move(
            holder=holder,
            item=item,
            lot=lot,
            quantity=-part,
            kind=Movement.Kind.CONSUMPTION,
            actor=actor,
            note=note.strip()[:200],
        )
        for lot, part in lots
    ]


@audited("supply.dispose")
@transaction.atomic
def disposal_record(
    *, actor: User, holder: Holder, lot: Lot, quantity: Decimal, reason: str
) -> Movement:
    """Stock leaves the usable balance for good (expired, spoilt), with the reason."""
    access.require(actor, Right.SUPPLY_MANAGE, holder)
    if not reason.strip():
        raise ValidationError(_("Say why the stock is disposed of."))
    if quantity <= 0:
        raise ValidationError(_("The quantity must be more than zero."))
    return _move(
        holder=holder,
        item=lot.item,
        lot=lot,
        quantity=-quantity,
        kind=Movement.Kind.DISPOSAL,
        actor=actor,
        reason=reason.strip()[:200],
    )


@audited("supply.count")
@transaction.atomic
def count_confirm(
    *, actor: User, holder: Holder, counted: dict[Lot, Decimal], reason: str
) -> list[Movement]:
    """A physical count (盘点): each lot's difference from the book is written as an
    adjustment, all in one transaction; a count equal to the book writes nothing."""
    access.require(actor, Right.SUPPLY_MANAGE, holder)
    if not reason.strip():
        raise ValidationError(_("Say what the count was (date, who counted)."))
    written = []
    for lot in sorted(counted, key=lambda lot: (lot.item_id, lot.pk)):
        quantity = counted[lot]
        if quantity < 0:
            raise ValidationError(_("A count cannot be negative."))
        Balance.objects.get_or_create(holder=holder, item_id=lot.item_id, lot=lot)
        book = Balance.objects.select_for_update().get(holder=holder, lot=lot).quantity
        if quantity != book:
            written.append(
                _move(
                    holder=holder,
                    item=lot.item,
                    lot=lot,
                    quantity=quantity - book,
                    kind=Movement.Kind.ADJUSTMENT,
                    actor=actor,
                    reason=reason.strip()[:200],
                )
            )
    return written


@audited("supply.count_start")
@transaction.atomic
def count_start(*, actor: User, holder: Holder) -> StockCount:
    """Opens the holder's count with a line for every lot it holds, or resumes the
    draft already open."""
    access.require(actor, Right.SUPPLY_MANAGE, holder)
    draft = StockCount.objects.select_for_update().filter(holder=holder, status="draft").first()
    if draft is not None:
        return draft
    try:
        with transaction.atomic():
            count = StockCount.objects.create(holder=holder, started_by=actor)
    except IntegrityError:  # another officer opened it at the same moment
        return StockCount.objects.get(holder=holder, status="draft")
    lots = Balance.objects.filter(holder=holder, quantity__gt=0).values_list("lot_id", flat=True)
    StockCountLine.objects.bulk_create(StockCountLine(count=count, lot_id=pk) for pk in lots)
    return count


@audited("supply.count_save")
@transaction.atomic
def count_save(
    *, actor: User, count: StockCount, counted: dict[int, Decimal | None], reason: str = ""
) -> StockCount:
    """Keeps what was counted so far (line id → quantity, None: not yet counted)."""
    count = StockCount.objects.select_for_update().select_related("holder").get(pk=count.pk)
    access.require(actor, Right.SUPPLY_MANAGE, count.holder)
    if count.status != StockCount.Status.DRAFT:
        raise ValidationError(_("A confirmed count no longer changes."))
    lines = {line.pk: line for line in count.lines.all()}
    if set(counted) - set(lines):
        raise ValidationError(_("These lines are not of this count."))
    books = dict(Balance.objects.filter(holder=count.holder).values_list("lot_id", "quantity"))
    for pk, quantity in counted.items():
        if quantity is not None and quantity < 0:
            raise ValidationError(_("A count cannot be negative."))
        line = lines[pk]
        if quantity != line.counted:  # the book as it stood when this lot was counted
            line.book = books.get(line.lot_id, Decimal(0)) if quantity is not None else None
        line.counted = quantity
    StockCountLine.objects.bulk_update(lines.values(), ["counted", "book"])
    count.reason = reason.strip()[:200]
    count.save(update_fields=["reason"])
    return count


@audited("supply.count_finish")
@transaction.atomic
def count_finish(*, actor: User, count: StockCount) -> list[Movement]:
    """Confirms a saved count: the lots counted are adjusted to what was counted."""
    count = StockCount.objects.select_for_update().select_related("holder").get(pk=count.pk)
    access.require(actor, Right.SUPPLY_MANAGE, count.holder)
    if count.status != StockCount.Status.DRAFT:
        raise ValidationError(_("This count has already been confirmed."))
    lines = list(count.lines.select_related("lot__item").filter(counted__isnull=False))
    if not lines:
        raise ValidationError(_("Nothing has been counted yet."))
    # What moved since a lot was counted (arrivals, use) still counts: each lot is
    # adjusted by its difference from the book of that moment, not set to the count.
    books = dict(Balance.objects.filter(holder=count.holder).values_list("lot_id", "quantity"))
    targets = {}
    for line in lines:
        target = books.get(line.lot_id, Decimal(0)) + line.counted - (line.book or 0)
        if target < 0:
            raise ValidationError(
                _("Lot %(lot)s moved since it was counted: count it again.")
                % {"lot": line.lot.number}
            )
        targets[line.lot] = target
    written = count_confirm(
        actor=actor,
        holder=count.holder,
        counted=targets,
        reason=count.reason or _("Stock count"),
    )
    count.status = StockCount.Status.CONFIRMED
    count.confirmed_at = timezone.now()
    count.save(update_fields=["status", "confirmed_at"])
    return written


@audited("supply.reverse")
@transaction.atomic
def movement_reverse(*, actor: User, movement: Movement, reason: str) -> Movement:
    """Corrects a mistaken receipt, consumption, adjustment or disposal by the
    opposite movement pointing at it. Shipments are corrected at their receipt."""
    movement = (
        Movement.objects.select_for_update()
        .select_related("holder", "item", "lot")
        .get(pk=movement.pk)
    )
    access.require(actor, Right.SUPPLY_MANAGE, movement.holder)
    if movement.kind in (Movement.Kind.DISPATCH, Movement.Kind.ARRIVAL, Movement.Kind.REVERSAL):
        raise ValidationError(_("Only receipts, use, adjustments and disposals are reversed."))
    if hasattr(movement, "reversed_by"):
        raise ValidationError(_("This movement has already been reversed."))
    if not reason.strip():
        raise ValidationError(_("Say why the movement is reversed."))
    return _move(
        holder=movement.holder,
        item=movement.item,
        lot=movement.lot,
        quantity=-movement.quantity,
        kind=Movement.Kind.REVERSAL,
        actor=actor,
        reason=reason.strip()[:200],
        reverses=movement,
        reference=movement.reference,
    )


def may_keep(actor: User, holder: Holder) -> bool:
    """Whoever keeps the holder's stock: its manager, or the school itself."""
    if has_right(actor, Right.SUPPLY_MANAGE):
        return access.within(actor, holder)
    scope = scope_of(actor)
    return (
        holder.kind == Holder.Kind.SCHOOL
        and scope.level == "school"
        and holder.school_id == scope.school_id
        and has_right(actor, Right.SUPPLY_RECEIVE)
    )


def _require_keeper(actor: User, holder: Holder) -> None:
    if not may_keep(actor, holder):
        raise PermissionDenied


# --- shipments ------------------------------------------------------------------------------


def _send(
    *,
    actor: User,
    source: Holder,
    target: Holder,
    item: Item,
    quantity: Decimal,
    plan: AllocationPlan | None = None,
    request: SupplyRequest | None = None,
    reference: str = "",
) -> list[Shipment]:
    """Sends ``quantity`` first expired first out: one shipment per lot taken."""
    if source.pk == target.pk:
        raise ValidationError(_("A shipment goes to another holder."))
    kind = {
        Holder.Kind.COUNTY: Shipment.Kind.ALLOCATION,
        Holder.Kind.SCHOOL: Shipment.Kind.DISTRIBUTION,
    }.get(target.kind, Shipment.Kind.TRANSFER)
    if source.kind == target.kind:
        kind = Shipment.Kind.TRANSFER
    now = timezone.now()
    shipments = []
    taken = fefo(
        _lock_balances(source, item), quantity, today=timezone.localdate(), unit=item.stock_unit
    )
    for lot, part in taken:
        shipment = Shipment.objects.create(
            kind=kind,
            item=item,
            lot=lot,
            source=source,
            target=target,
            quantity=part,
            plan=plan,
            request=request,
            sent_at=now,
            sent_by=actor,
        )
        _move(
            holder=source,
            item=item,
            lot=lot,
            quantity=-part,
            kind=Movement.Kind.DISPATCH,
            actor=actor,
            shipment=shipment,
            reference=reference[:60],
        )
        shipments.append(shipment)
    return shipments


@audited("supply.send")
@transaction.atomic
def shipment_send(
    *,
    actor: User,
    source: Holder,
    target: Holder,
    item: Item,
    quantity: Decimal,
    reference: str = "",
) -> list[Shipment]:
    """Sends stock to a holder below (or beside) the source, within the actor's scope."""
    access.require(actor, Right.SUPPLY_MANAGE, source)
    access.require(actor, Right.SUPPLY_MANAGE, target)
    return _send(
        actor=actor,
        source=source,
        target=target,
        item=item,
        quantity=quantity,
        reference=reference,
    )


@audited("supply.confirm")
@transaction.atomic
def shipment_confirm(
    *, actor: User, shipment: Shipment, received: Decimal, note: str = ""
) -> Shipment:
    """The receiver confirms what arrived (签收); less than was sent is a shortfall
    that stays open until it is resolved."""
    shipment = (
        Shipment.objects.select_for_update()
        .select_related("target", "item", "lot")
        .get(pk=shipment.pk)
    )
    if not access.receives_for(actor, shipment.target):
        raise PermissionDenied
    if shipment.received_at is not None:
        raise ValidationError(_("This shipment has already been confirmed."))
    if received < 0 or received > shipment.quantity:
        raise ValidationError(
            _("The quantity received must be between 0 and the %(sent)s %(unit)s sent.")
            % {"sent": plain(shipment.quantity), "unit": shipment.item.stock_unit}
        )
    if received < shipment.quantity and not note.strip():
        raise ValidationError(_("Say what is missing or damaged."))
    shipment.received_quantity = received
    shipment.received_at = timezone.now()
    shipment.received_by = actor
    shipment.shortfall_note = note.strip()[:200]
    shipment.save()
    if received > 0:
        _move(
            holder=shipment.target,
            item=shipment.item,
            lot=shipment.lot,
            quantity=received,
            kind=Movement.Kind.ARRIVAL,
            actor=actor,
            shipment=shipment,
            note=note.strip()[:200],
        )
    return shipment


@audited("supply.shortfall_resolve")
@transaction.atomic
def shortfall_resolve(*, actor: User, shipment: Shipment, resolution: str) -> Shipment:
    shipment = Shipment.objects.select_for_update().select_related("source").get(pk=shipment.pk)
    access.require(actor, Right.SUPPLY_MANAGE, shipment.source)
    if not shipment.shortfall_open:
        raise ValidationError(_("This shipment has no open shortfall."))
    if not resolution.strip():
        raise ValidationError(_("Say how the shortfall was resolved."))
    shipment.shortfall_resolved_at = timezone.now()
    shipment.shortfall_resolution = resolution.strip()[:200]
    shipment.save(update_fields=["shortfall_resolved_at", "shortfall_resolution"])
    return shipment


# --- allocation plans ------------------------------------------------------------------------


@audited("supply.plan_propose")
@transaction.atomic
def plan_propose(
    *, actor: User, source: Holder, item: Item, amount: Decimal, title: str
) -> AllocationPlan:
    """A draft plan splitting ``amount`` of the source's usable stock across the
    holders below it in proportion to their gap, in whole display units."""
    access.require(actor, Right.SUPPLY_MANAGE, source)
    if source.kind == Holder.Kind.SCHOOL:
        raise ValidationError(_("A school has no holders below it."))
    if not title.strip():
        raise ValidationError(_("Give the plan a title."))
    usable = needs.usable_of(holder=source, item=item)
    if amount <= 0:
        raise ValidationError(_("The quantity must be more than zero."))
    if amount > usable:
        raise ValidationError(
            _("Only %(usable)s %(unit)s of %(item)s is usable at %(holder)s.")
            % {
                "usable": plain(item.to_display(usable)),
                "unit": item.display_unit,
                "item": item.name,
                "holder": source,
            }
        )
    gaps = needs.gaps_below(source=source, item=item)
    split = allocation.split(
        amount, {key: gap for key, gap in gaps.items()}, grain=item.per_display
    )
    plan = AllocationPlan.objects.create(
        title=title.strip()[:100], item=item, source=source, amount=amount, created_by=actor
    )
    targets = needs.holders_below(source=source, keys=list(gaps))
    AllocationLine.objects.bulk_create(
        AllocationLine(
            plan=plan, target=targets[key], gap=max(gaps[key], 0), proposed=part, quantity=part
        )
        for key, part in split.items()
    )
    return plan


@audited("supply.plan_edit")
@transaction.atomic
def plan_lines_set(
    *, actor: User, plan: AllocationPlan, quantities: dict[int, Decimal]
) -> AllocationPlan:
    """The officer's own split (line id → quantity); never more than the plan's amount."""
    plan = (
        AllocationPlan.objects.select_for_update().select_related("source", "item").get(pk=plan.pk)
    )
    access.require(actor, Right.SUPPLY_MANAGE, plan.source)
    if plan.status != AllocationPlan.Status.DRAFT:
        raise ValidationError(_("An approved plan no longer changes."))
    lines = {line.pk: line for line in plan.lines.all()}
    if set(quantities) - set(lines):
        raise ValidationError(_("These lines are not of this plan."))
    for pk, quantity in quantities.items():
        if quantity < 0:
            raise ValidationError(_("A quantity cannot be negative."))
        lines[pk].quantity = quantity
    total = sum((line.quantity for line in lines.values()), Decimal(0))
    if total > plan.amount:
        raise ValidationError(
            _("The lines add up to %(total)s %(unit)s, more than the plan's %(amount)s.")
            % {
                "total": plain(plan.item.to_display(total)),
                "unit": plan.item.display_unit,
                "amount": plain(plan.item.to_display(plan.amount)),
            }
        )
    AllocationLine.objects.bulk_update(lines.values(), ["quantity"])
    return plan


@audited("supply.plan_approve")
@transaction.atomic
def plan_approve(*, actor: User, plan: AllocationPlan) -> AllocationPlan:
    """Approves the plan and sends every line, in one transaction: all or nothing."""
    plan = (
        AllocationPlan.objects.select_for_update().select_related("source", "item").get(pk=plan.pk)
    )
    access.require(actor, Right.SUPPLY_MANAGE, plan.source)
    if plan.status != AllocationPlan.Status.DRAFT:
        raise ValidationError(_("This plan has already been approved."))
    lines = list(plan.lines.select_related("target").filter(quantity__gt=0).order_by("pk"))
    if not lines:
        raise ValidationError(_("The plan sends nothing."))
    for line in lines:
        _send(
            actor=actor,
            source=plan.source,
            target=line.target,
            item=plan.item,
            quantity=line.quantity,
            plan=plan,
            reference=f"P{plan.pk}",
        )
    plan.status = AllocationPlan.Status.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    # Merged requests are met where the plan sends something; the others are open again.
    served = [line.target_id for line in lines]
    merged = SupplyRequest.objects.filter(plan=plan, status=SupplyRequest.Status.MERGED)
    merged.filter(holder_id__in=served).update(
        status=SupplyRequest.Status.MET, resolved_at=plan.approved_at, resolved_by=actor
    )
    merged.exclude(holder_id__in=served).update(status=SupplyRequest.Status.OPEN, plan=None)
    return plan


# --- requests -------------------------------------------------------------------------------


@audited("supply.request")
@transaction.atomic
def request_create(
    *,
    actor: User,
    holder: Holder,
    item: Item,
    quantity: Decimal,
    reason: str,
    cause_kind: str = "",
    cause_id: int | None = None,
) -> SupplyRequest:
    """A school or county asks for stock, citing a cause it may see when it has one."""
    access.require(actor, Right.SUPPLY_REQUEST, holder)
    if holder.kind == Holder.Kind.CITY:
        raise ValidationError(_("The city reserve does not ask."))
    if quantity <= 0:
        raise ValidationError(_("The quantity must be more than zero."))
    if not reason.strip():
        raise ValidationError(_("Say why the supplies are needed."))
    if cause_kind:
        from readiness.references import resolve

        if cause_id is None or resolve(cause_kind, cause_id, user=actor) is None:
            raise ValidationError(_("The cause cited is unknown or outside your scope."))
    return SupplyRequest.objects.create(
        holder=holder,
        item=item,
        quantity=quantity,
        reason=reason.strip()[:200],
        cause_kind=cause_kind,
        cause_id=cause_id if cause_kind else None,
        created_by=actor,
    )


def _open_request(actor: User, request: SupplyRequest) -> SupplyRequest:
    request = (
        SupplyRequest.objects.select_for_update()
        .select_related("holder", "item")
        .get(pk=request.pk)
    )
    supplier = parent_of(request.holder)
    access.require(actor, Right.SUPPLY_MANAGE, supplier)
    if request.status != SupplyRequest.Status.OPEN:
        raise ValidationError(_("This request has already been dealt with."))
    return request


@audited("supply.request_meet")
@transaction.atomic
def request_meet(
    *, actor: User, request: SupplyRequest, quantity: Decimal | None = None
) -> list[Shipment]:
    """Meets a request by sending from the holder above the requester."""
    request = _open_request(actor, request)
    shipments = _send(
        actor=actor,
        source=parent_of(request.holder),
        target=request.holder,
        item=request.item,
        quantity=quantity or request.quantity,
        request=request,
        reference=f"R{request.pk}",
    )
    request.status = SupplyRequest.Status.MET
    request.resolved_by = actor
    request.resolved_at = timezone.now()
    request.save(update_fields=["status", "resolved_by", "resolved_at"])
    return shipments


@audited("supply.request_refuse")
@transaction.atomic
def request_refuse(*, actor: User, request: SupplyRequest, reason: str) -> SupplyRequest:
    request = _open_request(actor, request)
    if not reason.strip():
        raise ValidationError(_("Say why the request is refused."))
    request.status = SupplyRequest.Status.REFUSED
    request.resolution = reason.strip()[:200]
    request.resolved_by = actor
    request.resolved_at = timezone.now()
    request.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    return request


@audited("supply.request_merge")
@transaction.atomic
def request_merge(*, actor: User, request: SupplyRequest, plan: AllocationPlan) -> SupplyRequest:
    """Folds a request into a draft plan of the same item that reaches the requester;
    it is met when the plan is approved."""
    request = _open_request(actor, request)
    plan = AllocationPlan.objects.select_for_update().select_related("source").get(pk=plan.pk)
    access.require(actor, Right.SUPPLY_MANAGE, plan.source)
    if plan.status != AllocationPlan.Status.DRAFT or plan.item_id != request.item_id:
        raise ValidationError(_("Choose a draft plan of the same item."))
    if not plan.lines.filter(target=request.holder).exists():
        raise ValidationError(_("This plan does not reach the requester."))
    request.status = SupplyRequest.Status.MERGED
    request.plan = plan
    request.save(update_fields=["status", "plan"])
    return request


# --- items, norms and needs (the city's settings) ------------------------------------------------


def _require_city_manager(actor: User) -> None:
    if not access.is_city_manager(actor):
        raise PermissionDenied


@audited("supply.item_save")
@transaction.atomic
def item_save(*, actor: User, item: Item | None, **fields) -> Item:
    """Creates or edits an item. Once it has stock, its stock unit and decimals stay:
    the ledger is kept in them."""
    _require_city_manager(actor)
    if fields.get("per_display") is not None and fields["per_display"] <= 0:
        raise ValidationError(_("A display unit holds more than zero stock units."))
    if not 0 <= fields.get("decimals", 0) <= 3:
        raise ValidationError(_("Between 0 and 3 decimal places."))
    if item is not None:
        item = Item.objects.select_for_update().get(pk=item.pk)
        fixed = {"stock_unit": item.stock_unit, "decimals": item.decimals}
        changed = any(fields.get(k, v) != v for k, v in fixed.items())
        if changed and Movement.objects.filter(item=item).exists():
            raise ValidationError(
                _("%(item)s has stock: its stock unit and decimal places no longer change.")
                % {"item": item.name}
            )
    else:
        item = Item()
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    readiness_follow(school_ids=None)  # every school's need may have changed
    return item


@audited("supply.norm_set")
@transaction.atomic
def norm_set(
    *,
    actor: User,
    item: Item,
    level: str,
    per_person_day: Decimal,
    per_bed_day: Decimal,
    per_school_day: Decimal,
) -> NeedNorm:
    """The daily norm of ``item`` for a school level ("" for every level)."""
    _require_city_manager(actor)
    if min(per_person_day, per_bed_day, per_school_day) < 0:
        raise ValidationError(_("A norm cannot be negative."))
    norm, _created = NeedNorm.objects.update_or_create(
        item=item,
        level=level,
        defaults={
            "per_person_day": per_person_day,
            "per_bed_day": per_bed_day,
            "per_school_day": per_school_day,
        },
    )
    readiness_follow(school_ids=None)  # every school's need may have changed
    return norm


@audited("supply.need_override")
@transaction.atomic
def need_override_set(
    *, actor: User, school: School, item: Item, daily: Decimal | None, reason: str
) -> NeedOverride | None:
    """A school's own daily need of an item, with the reason; ``None`` goes back to
    the norm. The officer of the school's county or of the city sets it."""
    scope = scope_of(actor)
    if not (
        access.is_city_manager(actor)
        or (has_right(actor, Right.SUPPLY_MANAGE) and scope.county_id == school.county_id)
    ):
        raise PermissionDenied
    if daily is None:
        NeedOverride.objects.filter(school=school, item=item).delete()
        readiness_follow(school_ids=[school.pk])
        return None
    if daily < 0:
        raise ValidationError(_("A need cannot be negative."))
    if not reason.strip():
        raise ValidationError(_("Say why this school's need differs from the norm."))
    override, _created = NeedOverride.objects.update_or_create(
        school=school,
        item=item,
        defaults={"daily": daily, "reason": reason.strip()[:200], "set_by": actor},
    )
    readiness_follow(school_ids=[school.pk])
    return override


@audited("supply.settings")
@transaction.atomic
def settings_save(*, actor: User, cover_days: int, alert_days: int, expiry_warning_days: int):
    """The city's days of cover to hold, the alert threshold and the expiry warning."""
    _require_city_manager(actor)
    if not 1 <= alert_days <= cover_days:
        raise ValidationError(
            _("The alert comes at 1 day or more, and no later than the cover held.")
        )
    current = SupplySettings.current()
    current.cover_days = cover_days
    current.alert_days = alert_days
    current.expiry_warning_days = expiry_warning_days
    current.save()
    return current


# --- Receipts from a spreadsheet ---------------------------------------------------


def receipt_import_start(*, actor: User, holder: Holder, upload) -> ReceiptImport:
    """Keeps the uploaded file as a job to check in the background; the caller
    queues ``tasks.receipt_import_run`` once this has committed."""
    access.require(actor, Right.SUPPLY_MANAGE, holder)
    return checked_import_start(ReceiptImport(owner=actor, holder=holder), upload)


@audited("supply.receipt_import")
def receipt_import_confirm(*, actor: User, job: ReceiptImport) -> ReceiptImport:
    """The uploader confirms a clean preview: the job is queued again, to write."""
    access.require(actor, Right.SUPPLY_MANAGE, job.holder)
    return checked_import_confirm(actor=actor, job=job)


def receipt_import(job: ReceiptImport, data: bytes, dry_run: bool) -> ImportOutcome:
    """Reads the file and records every row as a receipt into ``job.holder``, in one
    transaction kept only when every row is right and ``dry_run`` is False."""
    access.require(job.owner, Right.SUPPLY_MANAGE, job.holder)
    try:
        sheet = read_sheet(job.original_name, data)
    except SpreadsheetError as error:
        outcome = ImportOutcome()
        outcome.add_error(None, "", str(error))
        return outcome
    keys, missing, unknown = receipts.HEADERS.match(sheet.dataset.headers)
    outcome = ImportOutcome(total=len(sheet.dataset), unknown_columns=unknown)
    if missing:
        outcome.add_error(1, "", receipts.HEADERS.missing_message(missing))
        return outcome
    items = {}
    for item in Item.objects.all():
        items[item.code.lower()] = items[item.name.lower()] = item
    with transaction.atomic():
        for index, row in enumerate(sheet.dataset, start=1):
            line = sheet.line(index)
            cells = {key: value for key, value in zip(keys, row, strict=True) if key}
            try:
                receipt = receipts.read_row(cells, items)
                receipt_record(actor=job.owner, holder=job.holder, **vars(receipt))
            except receipts.CellError as error:
                outcome.add_error(line, receipts.HEADERS.label(error.key), str(error))
            except ValidationError as error:
                outcome.add_error(line, "", " ".join(error.messages))
            else:
                outcome.new += 1
                if len(outcome.preview) < PREVIEW_ROWS:
                    outcome.preview.append(receipts.preview_row(receipt))
        if dry_run or not outcome.ok:
            transaction.set_rollback(True)
    if not outcome.ok:
        outcome.preview = []
    return outcome


def receipt_import_run(*, job_id: int) -> None:
    """Checks or imports a queued receipts spreadsheet (the task's body)."""
    checked_import_run(model=ReceiptImport, job_id=job_id, work=receipt_import)


def receipt_import_purge(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Deletes the files of receipt imports never confirmed; returns how many."""
    return checked_import_purge(model=ReceiptImport, older_than=older_than)
