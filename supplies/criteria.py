"""The supplies criterion of readiness: the school's usable stock of every
essential item covers at least the city's target of days. A school with no
need set for any essential item (no norm for its level) has no data."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.criteria import Fact, FactSpec, Target, Verdict, link_to
from readiness.models import Criterion, ReadinessPolicy

from . import needs
from .models import Holder, Item


class CoverCriterion:
    key = "supplies"
    label = gettext_lazy("Supplies in place")
    order = 50
    targets = (
        Target("cover_days", gettext_lazy("Days of cover of essential items"), Decimal(7),
               "天", Decimal(365)),
    )  # fmt: skip
    default_level = ReadinessPolicy.Level.CONDITIONAL

    def evaluate(
        self, school_ids: Sequence[int] | None, targets: dict[str, Decimal]
    ) -> dict[int, Verdict]:
        """Six queries: the cover of each essential item, and the schools' holders."""
        target = targets["cover_days"]
        cover = needs.cover_by_school(school_ids)
        holders = Holder.objects.filter(kind=Holder.Kind.SCHOOL)
        if school_ids is not None:
            holders = holders.filter(school_id__in=school_ids)
        cards = dict(holders.values_list("school_id", "pk"))
        card_of = link_to("supplies_card")
        met = Verdict(
            Criterion.MET,
            _("Essential items cover at least %(target)s days.") % {"target": target},
        )
        # The messages are looked up once: thousands of schools share them.
        days_of, under = (
            _("%(item)s %(days)s days"),
            _("Under %(target)s days of cover: %(items)s."),
        )
        verdicts = {}
        for school, per_item in cover.items():
            counted = [(item, days) for item, days in per_item if days is not None]
            if not counted:
                continue  # no data: no need set
            link = card_of(cards[school]) if school in cards else ""
            short = [
                days_of % {"item": item.name, "days": days}
                for item, days in counted
                if days < target
            ]
            if short:
                verdicts[school] = Verdict(
                    Criterion.NOT_MET,
                    under % {"target": target, "items": "、".join(short)},
                    link,
                )
            else:
                verdicts[school] = Verdict(met.state, met.reason, link)
        return verdicts

    def fact_specs(self) -> list[FactSpec]:
        return self._specs(needs.essential_items())

    @staticmethod
    def _specs(items: list[Item]) -> list[FactSpec]:
        specs = [FactSpec("supplies.cover_min", _("Days of cover of essential items"), "天")]
        for item in items:
            specs.append(
                FactSpec(f"supplies.cover.{item.code}", _("%(item)s days of cover") % {
                    "item": item.name}, "天")
            )  # fmt: skip
        return specs

    def facts(self, school_id: int) -> dict[str, Fact]:
        """Six queries: the school's cover of each essential item, and the least."""
        now = timezone.now()
        items = needs.essential_items()  # read once, for the cover and the facts' labels
        per_item = needs.cover_by_school([school_id], items).get(school_id, [])
        specs = {spec.key: spec for spec in self._specs(items)}
        holder = Holder.objects.filter(school_id=school_id).values_list("pk", flat=True).first()
        link = reverse("supplies_card", args=[holder]) if holder else ""
        found = {}
        for item, days in per_item:
            key = f"supplies.cover.{item.code}"
            found[key] = Fact(specs[key], days, now, link)
        counted = [days for _item, days in per_item if days is not None]
        least = specs["supplies.cover_min"]
        found[least.key] = Fact(least, min(counted) if counted else None, now, link)
        return found


CRITERION = CoverCriterion()
