"""Epidemic-prevention supplies (防疫物资): items, holders, lots, the stock ledger and
its balances, shipments in transit, need norms, allocation plans and requests.

Quantities are Decimals in the item's stock unit (84 disinfectant in kg); pages show
them in its display unit (tonnes). The ledger (``Movement``) is append-only: every
change of a balance is one movement in the same transaction, so that for every
holder, item and lot the sum of the movements is the balance, and a mistake is
corrected by a reversing movement that points at it.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.models import CheckedImport, County, School, SchoolLevel

QUANTITY = {"max_digits": 14, "decimal_places": 3}


class Item(models.Model):
    """A kind of supply, kept in ``stock_unit`` and shown in ``display_unit``."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    stock_unit = models.CharField(_("stock unit"), max_length=10)
    display_unit = models.CharField(_("display unit"), max_length=10)
    per_display = models.DecimalField(
        _("stock units per display unit"), max_digits=10, decimal_places=3, default=1
    )
    decimals = models.PositiveSmallIntegerField(_("decimals allowed in the stock unit"), default=0)
    expires = models.BooleanField(_("expires"), default=False)
    essential = models.BooleanField(_("essential"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(per_display__gt=0), name="supplies_item_per_display_positive"
            ),
            models.CheckConstraint(condition=Q(decimals__lte=3), name="supplies_item_decimals"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def step(self) -> Decimal:
        """The smallest quantity in the stock unit: 1, 0.1, 0.01 or 0.001."""
        return Decimal(1).scaleb(-self.decimals)

    def to_display(self, quantity: Decimal) -> Decimal:
        """In display units, exactly (the division is by a power of ten or a whole
        number and is kept to the places the stock unit allows plus three)."""
        places = Decimal(1).scaleb(-(self.decimals + 3))
        return (Decimal(quantity) / self.per_display).quantize(places, rounding=ROUND_DOWN)

    def whole_display(self) -> Decimal:
        """One display unit in stock units: the grain of an allocation plan."""
        return self.per_display


class Holder(models.Model):
    """Who holds stock: the city reserve, a county depot or a school."""

    class Kind(models.TextChoices):
        CITY = "city", _("City reserve")
        COUNTY = "county", _("County depot")
        SCHOOL = "school", _("School")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="supply_holders"
    )
    school = models.OneToOneField(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="supply_holder"
    )

    class Meta:
        verbose_name = _("holder")
        verbose_name_plural = _("holders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="city"), name="supplies_one_city_reserve"
            ),
            models.UniqueConstraint(
                fields=["county"], condition=Q(kind="county"), name="supplies_one_depot_per_county"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="city", county__isnull=True, school__isnull=True)
                    | Q(kind="county", county__isnull=False, school__isnull=True)
                    | Q(kind="school", county__isnull=False, school__isnull=False)
                ),
                name="supplies_holder_shape",
            ),
        ]

    def __str__(self) -> str:
        return self.name_of(
            self.kind,
            self.county.name if self.kind == self.Kind.COUNTY else "",
            self.school.name if self.kind == self.Kind.SCHOOL else "",
        )

    @classmethod
    def name_of(cls, kind: str, county_name: str, school_name: str) -> str:
        """A holder's name from its columns: a long list reads these, not rows."""
        if kind == cls.Kind.CITY:
            return str(_("City reserve"))
        if kind == cls.Kind.COUNTY:
            return _("%(county)s depot") % {"county": county_name}
        return school_name


class Lot(models.Model):
    """A received batch of an item (批次), with its expiry date when the item expires."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="lots")
    number = models.CharField(_("batch number"), max_length=40)
    produced_on = models.DateField(_("produced on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="supplies_lot_number")
        ]

    def __str__(self) -> str:
        return self.number

    def expired(self, today: dt.date) -> bool:
        return self.expires_on is not None and self.expires_on < today


class Balance(models.Model):
    """What a holder has of one lot of an item; written only with its movement."""

    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="balances")
    quantity = models.DecimalField(_("quantity"), **QUANTITY, default=0)

    class Meta:
        verbose_name = _("balance")
        verbose_name_plural = _("balances")
        constraints = [
            models.UniqueConstraint(fields=["holder", "item", "lot"], name="supplies_balance_key"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="supplies_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder} · {self.item} · {self.lot} · {self.quantity}"


class Shipment(models.Model):
    """Stock on its way from one holder to another: it leaves the source when sent
    and reaches the target when the receiver confirms (签收) what arrived."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Allocation")
        DISTRIBUTION = "distribution", _("Distribution")
        TRANSFER = "transfer", _("Transfer")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="shipments")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="shipments")
    source = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="sent")
    target = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="received")
    quantity = models.DecimalField(_("quantity sent"), **QUANTITY)
    plan = models.ForeignKey(
        "AllocationPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="shipments"
    )
    request = models.ForeignKey(
        "SupplyRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
    )
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_quantity = models.DecimalField(
        _("quantity received"), **QUANTITY, null=True, blank=True
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shortfall_note = models.CharField(_("about the shortfall"), max_length=200, blank=True)
    shortfall_resolved_at = models.DateTimeField(_("shortfall resolved at"), null=True, blank=True)
    shortfall_resolution = models.CharField(_("resolution"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["target", "received_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supplies_shipment_positive"),
            models.CheckConstraint(
                condition=Q(received_quantity__isnull=True)
                | Q(received_quantity__gte=0, received_quantity__lte=models.F("quantity")),
                name="supplies_received_within_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} · {self.item} {self.quantity}"

    @property
    def in_transit(self) -> bool:
        return self.received_at is None

    @property
    def shortfall(self) -> Decimal:
        if self.received_quantity is None:
            return Decimal(0)
        return self.quantity - self.received_quantity

    @property
    def shortfall_open(self) -> bool:
        return self.shortfall > 0 and self.shortfall_resolved_at is None


class Movement(models.Model):
    """One line of the ledger (台账): a signed change of one holder's lot."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        DISPATCH = "dispatch", _("Sent")
        ARRIVAL = "arrival", _("Arrived")
        CONSUMPTION = "consumption", _("Consumption")
        ADJUSTMENT = "adjustment", _("Inventory adjustment")
        DISPOSAL = "disposal", _("Disposal")
        REVERSAL = "reversal", _("Reversal")

    class Origin(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        DONATION = "donation", _("Donation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="movements")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="movements")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, blank=True)
    supplier = models.CharField(_("supplier or donor"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    shipment = models.ForeignKey(
        Shipment, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["holder", "item", "at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="supplies_movement_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.holder} · {self.item} {self.quantity}"


class NeedNorm(models.Model):
    """How much of an item a school uses a day (科学测算): per person, per boarding
    bed and per school, for one school level or (level blank) for every level."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="norms")
    level = models.CharField(_("level"), max_length=20, choices=SchoolLevel.choices, blank=True)
    per_person_day = models.DecimalField(
        _("per person per day"), max_digits=12, decimal_places=6, default=0
    )
    per_bed_day = models.DecimalField(
        _("per boarding bed per day"), max_digits=12, decimal_places=6, default=0
    )
    per_school_day = models.DecimalField(
        _("per school per day"), max_digits=12, decimal_places=6, default=0
    )

    class Meta:
        verbose_name = _("need norm")
        verbose_name_plural = _("need norms")
        constraints = [
            models.UniqueConstraint(fields=["item", "level"], name="supplies_norm_key"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_level_display() or '*'}"


class NeedOverride(models.Model):
    """A school's daily need of an item set by hand, with the reason."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="need_overrides")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="overrides")
    daily = models.DecimalField(_("daily need"), max_digits=12, decimal_places=6)
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("need override")
        verbose_name_plural = _("need overrides")
        constraints = [
            models.UniqueConstraint(fields=["school", "item"], name="supplies_override_key"),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.item} · {self.daily}"


class AllocationPlan(models.Model):
    """A split of an amount of one item from a holder's usable stock across the
    holders below it (分配计划); approval sends every line in one transaction."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    title = models.CharField(_("title"), max_length=100)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="plans")
    source = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="plans")
    amount = models.DecimalField(_("amount"), **QUANTITY)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("allocation plan")
        verbose_name_plural = _("allocation plans")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class AllocationLine(models.Model):
    plan = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="lines")
    target = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="+")
    gap = models.DecimalField(_("gap"), **QUANTITY, default=0)
    proposed = models.DecimalField(_("proposed"), **QUANTITY, default=0)
    quantity = models.DecimalField(_("quantity"), **QUANTITY, default=0)

    class Meta:
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        constraints = [
            models.UniqueConstraint(fields=["plan", "target"], name="supplies_line_key"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0, proposed__gte=0), name="supplies_line_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} → {self.target}"


class SupplyRequest(models.Model):
    """A school's or county's request for an item (申领), with the reason and, where
    there is one, the cause it cites (an inspection finding, a failed verification
    item), named by a kind from ``settings.SUPPLY_REQUEST_CAUSES`` and an id."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting a decision")
        MET = "met", _("Met")
        REFUSED = "refused", _("Refused")
        MERGED = "merged", _("Merged into a plan")

    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="requests")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="requests")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    reason = models.CharField(_("reason"), max_length=200)
    cause_kind = models.CharField(_("cause"), max_length=30, blank=True)
    cause_id = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=200, blank=True)
    plan = models.ForeignKey(
        AllocationPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )

    class Meta:
        verbose_name = _("supply request")
        verbose_name_plural = _("supply requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cause_kind", "cause_id"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supplies_request_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.holder} · {self.item} {self.quantity}"


class SupplySettings(models.Model):
    """The city's settings of the supplies work; one row."""

    cover_days = models.PositiveSmallIntegerField(_("days of cover to hold"), default=14)
    alert_days = models.PositiveSmallIntegerField(
        _("alert below this many days of cover"), default=7
    )
    expiry_warning_days = models.PositiveSmallIntegerField(
        _("flag lots expiring within (days)"), default=30
    )

    class Meta:
        verbose_name = _("supplies settings")
        verbose_name_plural = _("supplies settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> SupplySettings:
        return cls.objects.get_or_create(pk=1)[0]


class StockCount(models.Model):
    """A physical count (盘点) of one holder's lots: a draft saved and resumed until
    it is confirmed, when the differences from the book become adjustments."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")

    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="counts")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    reason = models.CharField(_("about the count"), max_length=200, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        constraints = [
            models.UniqueConstraint(
                fields=["holder"], condition=Q(status="draft"), name="supplies_one_draft_count"
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder} · {self.started_at:%Y-%m-%d}"


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    counted = models.DecimalField(_("counted"), **QUANTITY, null=True, blank=True)
    book = models.DecimalField(_("book when counted"), **QUANTITY, null=True, blank=True)

    class Meta:
        verbose_name = _("count line")
        verbose_name_plural = _("count lines")
        constraints = [
            models.UniqueConstraint(fields=["count", "lot"], name="supplies_count_line_key"),
            models.CheckConstraint(
                condition=Q(counted__isnull=True) | Q(counted__gte=0),
                name="supplies_count_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} · {self.lot}"


class ReceiptImport(CheckedImport):
    """A spreadsheet of receipts (purchases and donations) into one holder,
    checked then confirmed (``supplies/receipts.py``)."""

    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("receipt import")
        verbose_name_plural = _("receipt imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
