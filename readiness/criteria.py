"""School readiness as one computed fact.

Each line of work that owns data a school's readiness depends on provides a
criterion (``<app>/criteria.py``, listed in ``settings.READINESS_CRITERIA``), so
that the core imports none of them. A criterion judges many schools at once, in
one or two queries, and says per school: met, not met, or no data (never met
for want of data), with a short reason and a link to the cause.

The city's policy (``ReadinessPolicy``, versioned) says which criteria are
required for "ready" and which only make a school "conditionally ready", and
holds the targets the criteria read. ``readiness_of`` combines the verdicts:

- no approved verification yet: not yet verified;
- a required criterion not met (or without data): not ready;
- a conditional criterion not met (or without data), or a criterion met only
  on conditions (a conditional verification inside its date): conditionally ready;
- otherwise: ready.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from functools import cache
from typing import NamedTuple, Protocol

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from .models import Criterion as State
from .models import ReadinessPolicy, School

VERIFICATION = "verification"  # the criterion without which a school is not yet verified


class Verdict(NamedTuple):
    """A tuple, not a frozen dataclass: a recompute of the city makes tens of
    thousands, and a frozen dataclass's ``__init__`` costs several times more."""

    state: str  # State
    reason: str = ""
    link: str = ""
    conditional: bool = False  # met, but only on conditions

    def kept(self) -> dict:
        """As a school's judgement keeps it (``SchoolJudgement.criteria``)."""
        return {
            "state": self.state,
            "conditional": self.conditional,
            "reason": self.reason[:200],
            "link": self.link[:200],
        }


@dataclass(frozen=True)
class Target:
    """A figure the city sets for a criterion (a coverage %, days of cover)."""

    key: str
    label: object
    default: Decimal
    unit: str = ""
    maximum: Decimal | None = None


@dataclass(frozen=True)
class FactSpec:
    """A figure a line of work reads for one school, to which a checklist item may be
    bound (with a threshold): "people.coverage", "supplies.cover.mask"."""

    key: str
    label: str
    unit: str = ""
    higher_is_better: bool = True  # open findings: lower is better


@dataclass(frozen=True)
class Fact:
    spec: FactSpec
    value: Decimal | None  # None: no data
    read_at: dt.datetime
    link: str = ""

    def meets(self, threshold: Decimal) -> bool | None:
        """Whether the value meets ``threshold``; None without data."""
        if self.value is None:
            return None
        if self.spec.higher_is_better:
            return self.value >= threshold
        return self.value <= threshold


class CriterionProvider(Protocol):
    key: str
    label: object
    order: int
    targets: Sequence[Target]
    default_level: str

    def evaluate(
        self, school_ids: Sequence[int] | None, targets: dict[str, Decimal]
    ) -> dict[int, Verdict]:
        """Per school id (every school when ``school_ids`` is None), its verdict.
        A school left out has no data."""

    def fact_specs(self) -> list[FactSpec]:
        """The facts this line of work offers to checklist items."""

    def facts(self, school_id: int) -> dict[str, Fact]:
        """The facts of one school, read now (a few queries)."""


@cache
def registry() -> tuple[CriterionProvider, ...]:
    return tuple(
        sorted(
            (import_string(path) for path in settings.READINESS_CRITERIA),
            key=lambda c: c.order,
        )
    )


def by_key() -> dict[str, CriterionProvider]:
    return {criterion.key: criterion for criterion in registry()}


@dataclass
class Policy:
    """The policy in force: a level per criterion, the targets, and its row."""

    levels: dict[str, str]
    targets: dict[str, Decimal]
    row: ReadinessPolicy | None = None
    changed: list[str] = field(default_factory=list)

    def level(self, key: str) -> str:
        if key == VERIFICATION:
            return ReadinessPolicy.Level.REQUIRED  # never off: it decides "verified"
        return self.levels.get(key, ReadinessPolicy.Level.OFF)

    def counted(self) -> list[tuple[str, str]]:
        """(key, level) of each criterion that counts, in the registry's order."""
        pairs = [(c.key, self.level(c.key)) for c in registry()]
        return [(key, level) for key, level in pairs if level != ReadinessPolicy.Level.OFF]


def policy_current() -> Policy:
    """The latest policy, completed with each criterion's defaults (one query)."""
    row = ReadinessPolicy.objects.order_by("-pk").first()
    levels = {c.key: c.default_level for c in registry()}
    targets = {t.key: t.default for c in registry() for t in c.targets}
    if row is not None:
        levels.update({k: v for k, v in row.levels.items() if k in levels})
        targets.update({k: Decimal(str(v)) for k, v in row.targets.items() if k in targets})
    return Policy(levels=levels, targets=targets, row=row)


NO_DATA = Verdict(State.NO_DATA)


def readiness_of(verdicts: dict[str, Verdict], counted: list[tuple[str, str]]) -> tuple[str, str]:
    """(the school's readiness, the key of the criterion that decided it), from its
    verdicts and the policy's ``counted()`` criteria."""
    if verdicts.get(VERIFICATION, NO_DATA).state == State.NO_DATA:
        return School.Readiness.UNVERIFIED, VERIFICATION
    conditional = ""
    for key, level in counted:
        verdict = verdicts.get(key, NO_DATA)
        if verdict.state != State.MET:
            if level == ReadinessPolicy.Level.REQUIRED:
                return School.Readiness.FAILED, key
            conditional = conditional or key
        elif verdict.conditional:
            conditional = conditional or key
    if conditional:
        return School.Readiness.CONDITIONAL, conditional
    return School.Readiness.PASSED, ""


def judge(school_ids: Sequence[int] | None, policy: Policy) -> dict[str, dict[int, Verdict]]:
    """Every criterion's verdicts (criterion key → school id → verdict)."""
    return {c.key: c.evaluate(school_ids, policy.targets) for c in registry()}


def digest_of(verdicts: dict[str, Verdict]) -> str:
    """A fingerprint of a school's whole judgement: a recompute that finds it
    unchanged neither reads nor writes the judgement itself."""
    text = "\x1e".join(
        f"{key}\x1f{v.state}\x1f{v.conditional:d}\x1f{v.reason[:200]}\x1f{v.link[:200]}"
        for key, v in verdicts.items()
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def verdicts_of(judged: dict[str, dict[int, Verdict]], school_id: int) -> dict[str, Verdict]:
    return {key: per_school.get(school_id, NO_DATA) for key, per_school in judged.items()}


def percent(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` in per cent, one decimal, rounded down (99.96 % is not 100 %)."""
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def fact_specs() -> dict[str, FactSpec]:
    """Every fact offered, by key, in the registry's order."""
    return {spec.key: spec for c in registry() for spec in c.fact_specs()}


def facts_of(school_id: int, keys: Sequence[str] | None = None) -> dict[str, Fact]:
    """The facts of one school (only the lines of work that offer ``keys``, when given)."""
    found: dict[str, Fact] = {}
    for criterion in registry():
        prefix = f"{criterion.key}."
        if keys is not None and not any(k.startswith(prefix) for k in keys):
            continue
        found.update(criterion.facts(school_id))
    return found


def link_to(url_name: str):
    """``pk → the URL of url_name for that pk``, resolved once: a recompute of the
    city makes thousands of links, and ``reverse`` per link would cost more than
    every criterion's queries together."""
    marker = 999_999_999
    template = reverse(url_name, args=[marker])
    head, _sep, tail = template.partition(str(marker))
    return lambda pk: f"{head}{pk}{tail}"
