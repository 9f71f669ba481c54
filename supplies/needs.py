"""Need estimation (科学测算) and gaps, for many schools at once in a fixed number of
queries: norms × headcount and beds × days of cover, overridden per school where
set; gap = need − (usable balance + in transit)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from readiness.models import School

from .models import (
    Balance,
    Holder,
    Item,
    Movement,
    NeedNorm,
    NeedOverride,
    Shipment,
    SupplySettings,
)

ZERO = Decimal(0)


SCHOOL_FIELDS = ("id", "county_id", "level", "students", "staff", "beds")


def daily_needs(item: Item, schools: list[dict]) -> dict[int, Decimal]:
    """School id → daily need of ``item``; ``schools`` are dicts with id, level,
    students, staff and beds. Two queries whatever the number of schools."""
    return daily_needs_of([item], schools)[item.pk]


def daily_needs_of(
    items: list[Item], schools: list[dict], school_ids: Sequence[int] | None = None
) -> dict[int, dict[int, Decimal]]:
    """Item id → school id → daily need, for many items: two queries. ``school_ids``
    (the ids of ``schools`` when they are a chosen few) limits the overrides read
    to theirs; without it, every school's are read once."""
    norms = defaultdict(dict)
    for norm in NeedNorm.objects.filter(item__in=items):
        norms[norm.item_id][norm.level] = norm
    own_needs = NeedOverride.objects.filter(item__in=items)
    if school_ids is not None:
        own_needs = own_needs.filter(school_id__in=school_ids)
    overrides = defaultdict(dict)
    for item_id, school_id, daily in own_needs.values_list("item_id", "school_id", "daily"):
        overrides[item_id][school_id] = daily
    result = {}
    for item in items:
        own, by_level = overrides[item.pk], norms[item.pk]
        per_school = result[item.pk] = {}
        for school in schools:
            sid = school["id"]
            norm = by_level.get(school["level"]) or by_level.get("")
            if sid in own:
                per_school[sid] = own[sid]
            elif norm is None:
                per_school[sid] = ZERO
            else:
                per_school[sid] = (
                    (school["students"] + school["staff"]) * norm.per_person_day
                    + school["beds"] * norm.per_bed_day
                    + norm.per_school_day
                )
    return result


def essential_items() -> list[Item]:
    """The essential items, in the order the portal shows them: one query."""
    return list(Item.objects.filter(essential=True).order_by("order", "pk"))


def cover_by_school(
    school_ids, items: list[Item] | None = None
) -> dict[int, list[tuple[Item, Decimal | None]]]:
    """School id → (essential item, days its usable stock covers, or None when the
    school needs none of it) for the given schools (every school when None):
    five queries, four when the caller has read ``essential_items()`` already."""
    return {
        sid: [(item, days) for item, _usable, days in rows]
        for sid, rows in stock_by_school(school_ids, items).items()
    }


def stock_by_school(
    school_ids, items: list[Item] | None = None
) -> dict[int, list[tuple[Item, Decimal, Decimal | None]]]:
    """School id → (essential item, usable stock, days it covers or None when the
    school needs none of it) for the given schools (every school when None):
    five queries, four when the caller has read ``essential_items()`` already."""
    if items is None:
        items = essential_items()
    schools = (
        School.objects.all() if school_ids is None else School.objects.filter(pk__in=school_ids)
    )
    rows = list(schools.values(*SCHOOL_FIELDS))
    daily = daily_needs_of(items, rows, school_ids)
    held = Balance.objects.filter(_usable_q(), holder__kind=Holder.Kind.SCHOOL, item__in=items)
    if school_ids is not None:
        held = held.filter(holder__school_id__in=school_ids)
    usable = defaultdict(dict)
    for school, item, total in (
        held.values_list("holder__school_id", "item_id")
        .annotate(total=Sum("quantity"))
        .values_list("holder__school_id", "item_id", "total")
    ):
        usable[school][item] = total
    tenth = Decimal("0.1")
    per_item = [(item, item.pk, daily[item.pk]) for item in items]
    stock = {}
    for row in rows:
        sid = row["id"]
        held_here = usable.get(sid)
        if held_here is None:  # most schools hold nothing: no lookups, no division
            stock[sid] = [
                (item, ZERO, ZERO if needed[sid] else None) for item, _pk, needed in per_item
            ]
            continue
        days = []
        for item, pk, needed in per_item:
            need, have = needed[sid], held_here.get(pk) or ZERO
            if not need:
                days.append((item, have, None))
            elif not have:
                days.append((item, ZERO, ZERO))
            else:
                days.append((item, have, (have / need).quantize(tenth, rounding=ROUND_DOWN)))
        stock[sid] = days
    return stock


def _usable_q(prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}lot__expires_on__isnull": True}) | Q(
        **{f"{prefix}lot__expires_on__gte": today}
    )


def usable_of(*, holder: Holder, item: Item) -> Decimal:
    total = Balance.objects.filter(_usable_q(), holder=holder, item=item).aggregate(
        total=Sum("quantity")
    )["total"]
    return total or ZERO


def usable_by_item(holders) -> dict[int, Decimal]:
    """Item id → usable stock of ``holders`` (a queryset); one query."""
    return dict(
        Balance.objects.filter(_usable_q(), holder__in=holders)
        .values("item_id")
        .annotate(total=Sum("quantity"))
        .values_list("item_id", "total")
    )


def _by(rows, key: str) -> dict:
    out = defaultdict(lambda: ZERO)
    for row in rows:
        out[row[key]] += row["total"] or ZERO
    return out


def _key(path: str, holder_group: str):
    """The holder's school, or its county: a school's county as it is now (the
    school's, should it have moved), a depot's own."""
    if holder_group == "school_id":
        return F(f"{path}__school_id")
    return Coalesce(F(f"{path}__school__county_id"), F(f"{path}__county_id"))


def stockout_days(item: Item, holders, holder_group: str, *, days: int = 30) -> dict[int, int]:
    """Key → how many of the last ``days`` days ended with nothing of ``item`` held,
    summed over the key's holders (counties or schools). Walks back from today's
    balances through each day's net movements: two queries. Expiry is not replayed:
    a lot that expired during the window counts as held until it was disposed of."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    now = _by(
        Balance.objects.filter(item=item, holder__in=holders)
        .values(key=_key("holder", holder_group))
        .annotate(total=Sum("quantity")),
        "key",
    )
    moved: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in (
        Movement.objects.filter(item=item, holder__in=holders, at__date__gte=start)
        .annotate(day=TruncDate("at"))
        .values("day", key=_key("holder", holder_group))
        .annotate(total=Sum("quantity"))
    ):
        moved[row["key"]][row["day"]] += row["total"]
    result = {}
    for key in set(now) | set(moved):
        held, empty = now.get(key, ZERO), 0
        for back in range(days):  # today first: held at the end of each day
            day = today - dt.timedelta(days=back)
            if held <= 0:
                empty += 1
            held -= moved[key].get(day, ZERO)
        result[key] = empty
    return result


def _daily_by_county(item: Item, school_filter: Q) -> dict[int, dict]:
    """County id → the daily need of its schools and how many they are, summed by
    the database per county and level (a norm is linear in headcount and beds), the
    schools with a need set by hand apart: the city's 5,600 schools are never read
    one by one. Three queries."""
    norms = {norm.level: norm for norm in NeedNorm.objects.filter(item=item)}
    schools = School.objects.filter(school_filter)
    overrides = NeedOverride.objects.filter(item=item, school__in=schools)
    per: dict = defaultdict(lambda: {"daily": ZERO, "schools": 0})
    for county_id, daily in overrides.values_list("school__county_id", "daily"):
        per[county_id]["daily"] += daily
        per[county_id]["schools"] += 1
    for row in (
        schools.exclude(pk__in=overrides.values("school_id"))
        .values("county_id", "level")
        .annotate(people=Sum(F("students") + F("staff")), beds=Sum("beds"), n=Count("pk"))
        .order_by()
    ):
        county = per[row["county_id"]]
        county["schools"] += row["n"]
        if norm := norms.get(row["level"]) or norms.get(""):
            county["daily"] += (
                row["people"] * norm.per_person_day
                + row["beds"] * norm.per_bed_day
                + row["n"] * norm.per_school_day
            )
    return dict(per)


def _standing(item: Item, school_filter: Q, group: str, cover: int | None) -> list[dict]:
    """Per county (``group="county_id"``) or per school (``"id"``): need for the days
    of cover, usable balance, in transit and gap. Seven queries."""
    if cover is None:
        cover = SupplySettings.current().cover_days
    if group == "id":
        schools = list(School.objects.filter(school_filter).values(*SCHOOL_FIELDS).order_by())
        daily = daily_needs(item, schools)
        per = {s["id"]: {"daily": daily[s["id"]], "schools": 1} for s in schools}
        holder_group, scope = "school_id", Q(school__in=School.objects.filter(school_filter))
    else:
        per = _daily_by_county(item, school_filter)
        holder_group = "county_id"
        scope = Q(kind=Holder.Kind.COUNTY, county_id__in=list(per)) | Q(
            school__county_id__in=list(per)
        )
    holders = Holder.objects.filter(scope).exclude(kind=Holder.Kind.CITY)
    balance = _by(
        Balance.objects.filter(_usable_q(), item=item, holder__in=holders)
        .values(key=_key("holder", holder_group))
        .annotate(total=Sum("quantity")),
        "key",
    )
    transit = _by(
        Shipment.objects.filter(item=item, received_at__isnull=True, target__in=holders)
        .values(key=_key("target", holder_group))
        .annotate(total=Sum("quantity")),
        "key",
    )
    empty = stockout_days(item, holders, holder_group)
    rows = []
    for key, values in per.items():
        need = values["daily"] * cover
        have = balance.get(key, ZERO)
        coming = transit.get(key, ZERO)
        rows.append(
            {
                "key": key,
                "schools": values["schools"],
                "daily": values["daily"],
                "need": need,
                "balance": have,
                "transit": coming,
                "gap": need - have - coming,
                "stockout_days": empty.get(key, 30),
                "cover_days": (have / values["daily"]).quantize(Decimal("0.1"))
                if values["daily"]
                else None,
            }
        )
    return rows


def standing_by_county(item: Item, *, cover_days: int | None = None) -> list[dict]:
    """Per county of the city; ``cover_days`` defaults to the city's setting."""
    return _standing(item, Q(), "county_id", cover_days)


def standing_by_school(
    item: Item, county_id: int, *, cover_days: int | None = None, school_id: int | None = None
) -> list[dict]:
    """Per school of one county, or of that one school."""
    schools = Q(county_id=county_id) if school_id is None else Q(pk=school_id)
    return _standing(item, schools, "id", cover_days)


def gaps_below(*, source: Holder, item: Item) -> dict[int, Decimal]:
    """County id → gap (below the city reserve) or school id → gap (below a depot)."""
    if source.kind == Holder.Kind.CITY:
        rows = standing_by_county(item)
    else:
        rows = standing_by_school(item, source.county_id)
    return {row["key"]: row["gap"] for row in sorted(rows, key=lambda r: r["key"])}


def holders_below(*, source: Holder, keys: list[int]) -> dict[int, Holder]:
    """The holders of ``keys`` (counties or schools), created where missing: three queries."""
    if source.kind == Holder.Kind.CITY:
        existing = {
            h.county_id: h
            for h in Holder.objects.filter(kind=Holder.Kind.COUNTY, county_id__in=keys)
        }
        missing = [Holder(kind=Holder.Kind.COUNTY, county_id=k) for k in keys if k not in existing]
        field = "county_id"
        kind = Holder.Kind.COUNTY
    else:
        existing = {h.school_id: h for h in Holder.objects.filter(school_id__in=keys)}
        counties = dict(School.objects.filter(pk__in=keys).values_list("pk", "county_id"))
        missing = [
            Holder(kind=Holder.Kind.SCHOOL, school_id=k, county_id=counties[k])
            for k in keys
            if k not in existing
        ]
        field = "school_id"
        kind = Holder.Kind.SCHOOL
    if missing:
        Holder.objects.bulk_create(missing)
        existing.update(
            {
                getattr(h, field): h
                for h in Holder.objects.filter(kind=kind, **{f"{field}__in": keys})
            }
        )
    return existing
