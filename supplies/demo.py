"""Demo supplies: the article's reserve (over 50 t of 84 disinfectant, over 20,000
bottles of hand sanitiser, over 14,000 L of alcohol), norms, two approved plans with
receipts confirmed, pending and one short, and requests in every state. Once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from readiness.models import County, User

from . import needs, services
from .models import AllocationPlan, Item, NeedNorm, Shipment

LOGINS: list[str] = []

ITEMS = [
    # code, name, stock unit, display unit, per display, decimals, expires, essential
    ("disinfectant", "84消毒液", "kg", "t", "1000", 3, True, True),
    ("sanitiser", "免洗洗手液", "瓶", "瓶", "1", 0, True, True),
    ("alcohol", "75%酒精", "L", "L", "1", 1, True, True),
    ("mask", "医用口罩", "个", "个", "1", 0, True, True),
    ("thermometer", "红外体温计", "支", "支", "1", 0, False, False),
]
# item: (per person per day, per boarding bed per day, per school per day), stock units
NORMS = {
    "disinfectant": ("0.004", "0.01", "0.5"),
    "sanitiser": ("0.02", "0.01", "0"),
    "alcohol": ("0.002", "0", "0.2"),
    "mask": ("1", "0", "0"),
}
RESERVE = [
    # item, quantity (stock units), lot, months to expiry, origin, supplier
    ("disinfectant", "30000", "84-2020-02A", 12, "purchase", "山东利尔康医疗科技股份有限公司"),
    ("disinfectant", "22500", "84-2020-02B", 0.7, "donation", "临沂市慈善总会"),
    ("sanitiser", "20400", "XS-2020-01", 18, "purchase", "临沂医药集团"),
    ("alcohol", "14200", "JJ-2020-03", 24, "purchase", "山东新华制药股份有限公司"),
    ("mask", "300000", "KZ-2020-03", 24, "donation", "临沂市红十字会"),
    ("thermometer", "6000", "TW-2020-01", 0, "purchase", "临沂医疗器械有限公司"),
]


@transaction.atomic
def seed(*, schools: int, seed: int = 2020, **options) -> dict:
    officer = User.objects.filter(username="supplies").first()
    if officer is None or Item.objects.exists():
        return {"items": 0}
    today = timezone.localdate()
    items = {}
    for order, (code, name, unit, display, per, decimals, expires, essential) in enumerate(ITEMS):
        items[code] = Item.objects.create(
            code=code,
            name=name,
            stock_unit=unit,
            display_unit=display,
            per_display=Decimal(per),
            decimals=decimals,
            expires=expires,
            essential=essential,
            order=order,
        )
    for code, (person, bed, school) in NORMS.items():
        NeedNorm.objects.create(
            item=items[code],
            per_person_day=Decimal(person),
            per_bed_day=Decimal(bed),
            per_school_day=Decimal(school),
        )
    reserve = services.city_reserve()
    for code, quantity, lot, months, origin, supplier in RESERVE:
        services.receipt_record(
            actor=officer,
            holder=reserve,
            item=items[code],
            quantity=Decimal(quantity),
            origin=origin,
            supplier=supplier,
            lot_number=lot,
            produced_on=today - dt.timedelta(days=40),
            expires_on=today + dt.timedelta(days=int(30 * months)) if months else None,
            reference=f"RK-{lot}",
        )
    plans = [
        services.plan_propose(
            actor=officer,
            source=reserve,
            item=items["disinfectant"],
            amount=Decimal(20000),
            title="第一批84消毒液分配计划",
        ),
        services.plan_propose(
            actor=officer,
            source=reserve,
            item=items["sanitiser"],
            amount=Decimal(8000),
            title="第一批免洗洗手液分配计划",
        ),
    ]
    for plan in plans:
        services.plan_approve(actor=officer, plan=plan)
    _confirm_receipts(officer)
    _requests(officer, items)
    return {"items": Item.objects.count(), "plans": AllocationPlan.objects.count()}


def _confirm_receipts(officer: User) -> None:
    """Most counties confirm in full; Lanshan is one tonne short of disinfectant; the
    last two counties have not yet confirmed."""
    officials = {u.county_id: u for u in User.objects.filter(role="county_official")}
    counties = list(County.objects.order_by("order"))
    waiting = {c.pk for c in counties[-2:]}
    for shipment in Shipment.objects.select_related("target", "item").order_by("pk"):
        county_id = shipment.target.county_id
        if county_id in waiting:
            continue
        actor = officials.get(county_id)
        if actor is None:
            continue  # no official of the county in the demo: it waits for one
        received, note = shipment.quantity, ""
        if shipment.item.code == "disinfectant":
            received, note = shipment.quantity - Decimal(1000), "到货少1吨，运输途中破损"
        services.shipment_confirm(actor=actor, shipment=shipment, received=received, note=note)


def _requests(officer: User, items: dict[str, Item]) -> None:
    """A school's requests: one open, one met, one refused, one merged into a draft plan."""
    contact = User.objects.filter(username="school").select_related("school").first()
    if contact is None:
        return
    school = contact.school
    holder = services.school_holder(school)
    depot = services.county_depot(school.county_id)

    def ask(item, quantity, reason):
        return services.request_create(
            actor=contact,
            holder=holder,
            item=items[item],
            quantity=Decimal(quantity),
            reason=reason,
        )

    ask("alcohol", "20", "医务室留观区消毒用酒精不足")
    met = ask("disinfectant", "50", "开学前全面消杀")
    services.request_meet(actor=officer, request=met)
    refused = ask("mask", "20000", "全体师生两周用量")
    services.request_refuse(
        actor=officer, request=refused, reason="超出定额，请按日需求量分批申领"
    )
    merged = ask("sanitiser", "40", "教室门口配置洗手液")
    usable = needs.usable_of(holder=depot, item=items["sanitiser"])
    if usable >= 1:
        draft = services.plan_propose(
            actor=officer,
            source=depot,
            item=items["sanitiser"],
            amount=min(usable, Decimal(300)),
            title=f"{school.county.name}免洗洗手液校际分配",
        )
        if draft.lines.filter(target=holder).exists():
            services.request_merge(actor=officer, request=merged, plan=draft)
    for shipment in Shipment.objects.filter(target=holder, received_at__isnull=True):
        services.shipment_confirm(actor=contact, shipment=shipment, received=shipment.quantity)
