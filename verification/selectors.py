"""Reads of verification; every function that a user triggers takes the user."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils import timezone

from readiness import criteria
from readiness.access import has_right, scope_of
from readiness.criteria import Fact
from readiness.models import County, School, User

from .access import Right, verification_q
from .models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Department,
    DepartmentSignoff,
    Evidence,
    Response,
    TeamMember,
    Verification,
    VerificationTeam,
)


def template_in_force() -> ChecklistTemplate | None:
    return (
        ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED)
        .order_by("-published_at")
        .first()
    )


def template_list(*, user: User) -> QuerySet[ChecklistTemplate]:
    """The published and retired rules with their sections and items (three queries).

    The rules are public to every logged-in ``user``: they are what schools prepare for.
    """
    items = ChecklistItem.objects.select_related("department").order_by("order", "code")
    return (
        ChecklistTemplate.objects.exclude(status=ChecklistTemplate.Status.DRAFT)
        .prefetch_related(
            Prefetch("sections", ChecklistSection.objects.order_by("order")),
            Prefetch("sections__items", items),
        )
        .order_by("name", "-version")
    )


def template_drafts() -> QuerySet[ChecklistTemplate]:
    """Versions of the rules still open to change (the admin's choices for a new item)."""
    return ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.DRAFT)


def section_drafts() -> QuerySet[ChecklistSection]:
    """Sections of draft versions, the only ones that may receive items."""
    return ChecklistSection.objects.filter(template__status=ChecklistTemplate.Status.DRAFT)


def verification_list(*, user: User, status: str | None = None) -> QuerySet[Verification]:
    """The verifications ``user`` may see, with a status among ``Verification.Status``
    when one is given (an unknown status filters nothing)."""
    verifications = Verification.objects.filter(verification_q(user)).select_related(
        "school__county", "team", "template"
    )
    if status in Verification.Status.values:
        verifications = verifications.filter(status=status)
    return verifications


def member_team_ids(*, user: User) -> frozenset[int]:
    """The teams ``user`` is a member of."""
    return frozenset(TeamMember.objects.filter(user=user).values_list("team_id", flat=True))


def verification_results(*, user: User) -> QuerySet[Verification]:
    """The verifications ``user`` may see with their departments' sign-offs, for export."""
    return verification_list(user=user).prefetch_related("signoffs")


def verification_get_for_user(
    *, user: User, pk: int | str, with_related: bool = True
) -> Verification:
    """One verification the user may see; 404 otherwise. ``with_related=False`` reads
    its own row alone, for a write whose service reads it again under its lock with
    its school, team and rules (the joins were half the cost of the read)."""
    verifications = verification_list(user=user)
    if not with_related:
        verifications = verifications.select_related(None)
    try:
        return verifications.get(pk=pk)
    except (Verification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def evidence_get_for_user(*, user: User, pk: int | str) -> Evidence:
    """One piece of evidence of a verification the user may see; 404 otherwise."""
    visible = Verification.objects.filter(verification_q(user)).values("pk")
    try:
        return Evidence.objects.get(pk=pk, response__verification__in=visible)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def teams_for_assignment(*, user: User) -> QuerySet[VerificationTeam]:
    """The teams ``user`` may assign (``access.may_assign`` as a queryset)."""
    if not has_right(user, Right.ASSIGN):
        return VerificationTeam.objects.none()
    scope = scope_of(user)
    if scope.is_city:
        return VerificationTeam.objects.all()
    return VerificationTeam.objects.filter(level="county", county_id=scope.county_id)


def applicable_item(*, verification: Verification, item_id: int) -> ChecklistItem | None:
    """The item ``item_id`` of the verification's rules if it applies to its school."""
    item = next((i for i in template_items(verification.template) if i.pk == item_id), None)
    return item if item is not None and item.applies_to(verification.school) else None


# The items of the published and retired versions of the rules, kept by each worker.
# Such a version never changes (the rules editor and the admin change drafts only),
# and every checklist page and every read of a checklist through the API needs all
# its items with their sections and departments: building them was a quarter of a
# phone's read. A department's name or order may change: each save or deletion of a
# department writes a new RULES_GENERATION in the shared cache once it is committed,
# and a worker that finds another generation than its items' reads them again. A
# draft's items are read each time.
RULES_GENERATION = "verification:rules-generation"
_kept: dict = {"generation": None, "items": {}}


def _read_items(template_id: int) -> tuple[ChecklistItem, ...]:
    return tuple(
        ChecklistItem.objects.filter(template_id=template_id)
        .select_related("section", "department")
        .order_by("section__order", "order", "code")
    )


def template_items(template: ChecklistTemplate) -> tuple[ChecklistItem, ...]:
    """Every item of ``template`` in order, with its section and department. Kept by
    the worker for a version that is not a draft: the items are shared by the requests
    that read them, and nothing may change them."""
    if template.status == ChecklistTemplate.Status.DRAFT:
        return _read_items(template.pk)
    generation = cache.get(RULES_GENERATION)
    if generation != _kept["generation"]:
        _kept.update(generation=generation, items={})
    items = _kept["items"].get(template.pk)
    if items is None:
        items = _kept["items"][template.pk] = _read_items(template.pk)
    return items


def forget_kept_items() -> None:
    """Every worker reads the items again (a department changed, or a test begins)."""
    _kept.update(generation=None, items={})
    cache.set(RULES_GENERATION, uuid.uuid4().hex, timeout=None)


def department_changed(*, using: str | None = None, **kwargs) -> None:
    """A department saved or deleted: the items are forgotten once the change is
    committed, so that no worker reads them again before it can see the change (nor
    keeps a change that is rolled back)."""
    transaction.on_commit(forget_kept_items, using=using)


@dataclass
class Row:
    item: ChecklistItem
    response: Response | None
    evidence: list[Evidence] = field(default_factory=list)
    reading: Reading | None = None  # for an item bound to a fact, on the checklist page

    @property
    def answered(self) -> bool:
        return self.response is not None

    @property
    def needs_evidence(self) -> bool:
        return (
            self.item.evidence_required
            and self.response is not None
            and self.response.answer != "na"
            and not self.evidence
        )


@dataclass
class Part:
    """The rows of one section or one department, with their progress."""

    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def answered(self) -> int:
        return sum(row.answered for row in self.rows)

    @property
    def unanswered(self) -> list[str]:
        return [row.item.code for row in self.rows if not row.answered]

    @property
    def missing_evidence(self) -> list[str]:
        return [row.item.code for row in self.rows if row.needs_evidence]


@dataclass
class SectionPart(Part):
    section: object = None


@dataclass
class DepartmentPart(Part):
    department: Department | None = None
    signoff: DepartmentSignoff | None = None


@dataclass
class Checklist(Part):
    verification: Verification | None = None
    sections: list[SectionPart] = field(default_factory=list)
    departments: list[DepartmentPart] = field(default_factory=list)

    def department(self, department_id: int) -> DepartmentPart | None:
        return next((p for p in self.departments if p.department.pk == department_id), None)


def checklist(*, verification: Verification, authors: bool = True) -> Checklist:
    """The items that apply to the school, by section and department, in four queries
    whatever the size of the template (three once the worker keeps its version's
    items; one less while nothing is answered). ``authors=False`` leaves out who
    answered and who confirmed (the API's rows do not name them)."""
    school = verification.school
    items = [item for item in template_items(verification.template) if item.applies_to(school)]
    answers = Response.objects.filter(verification=verification)
    signed = DepartmentSignoff.objects.filter(verification=verification)
    if authors:
        answers, signed = (
            answers.select_related("answered_by"),
            signed.select_related("confirmed_by"),
        )
    responses = {r.item_id: r for r in answers}
    evidence = defaultdict(list)
    if responses:  # evidence is attached to an answer
        by_pk = {r.pk: r for r in responses.values()}
        for piece in Evidence.objects.filter(response_id__in=by_pk):
            piece.response = by_pk[piece.response_id]  # known: a template asking reads nothing
            evidence[piece.response.item_id].append(piece)
    signoffs = {s.department_id: s for s in signed}
    rows = [Row(item, responses.get(item.pk), evidence.get(item.pk, [])) for item in items]
    sections: dict[int, SectionPart] = {}
    departments: dict[int, DepartmentPart] = {}
    for row in rows:
        sections.setdefault(
            row.item.section_id, SectionPart(section=row.item.section)
        ).rows.append(row)
        departments.setdefault(
            row.item.department_id,
            DepartmentPart(
                department=row.item.department, signoff=signoffs.get(row.item.department_id)
            ),
        ).rows.append(row)
    ordered = sorted(departments.values(), key=lambda p: (p.department.order, p.department.code))
    return Checklist(
        rows=rows,
        verification=verification,
        sections=list(sections.values()),
        departments=ordered,
    )


def result_of(sheet: Checklist) -> str | None:
    """The result the answers give, or None while an applicable item is unanswered:
    failed when a veto item fails; conditional when only other items fail."""
    if sheet.answered < sheet.total:
        return None
    failing = [row.item for row in sheet.rows if row.response and row.response.answer == "fail"]
    if any(item.veto for item in failing):
        return Verification.Result.FAILED
    if failing:
        return Verification.Result.CONDITIONAL
    return Verification.Result.PASSED


def failed_rows(sheet: Checklist) -> list[Row]:
    """The items answered “fail”, veto items first, with their notes and evidence."""
    failed = [row for row in sheet.rows if row.response and row.response.answer == "fail"]
    return sorted(failed, key=lambda row: not row.item.veto)


@dataclass(frozen=True)
class Reading:
    """The live value of the fact an item is bound to, and the answer it proposes
    ("pass", "fail", or "" without data)."""

    fact: Fact
    threshold: Decimal
    proposal: str


def reading_of(fact: Fact | None, item: ChecklistItem) -> Reading | None:
    if fact is None or item.threshold is None:
        return None
    meets = fact.meets(item.threshold)
    proposal = "" if meets is None else (Response.Answer.PASS if meets else Response.Answer.FAIL)
    return Reading(fact=fact, threshold=item.threshold, proposal=proposal)


def read_facts(*, verification: Verification, rows: list[Row]) -> None:
    """Reads, once for the page, the facts the school's bound items need."""
    keys = sorted({row.item.fact for row in rows if row.item.fact})
    if not keys:
        return
    facts = criteria.facts_of(verification.school_id, keys)
    for row in rows:
        if row.item.fact:
            row.reading = reading_of(facts.get(row.item.fact), row.item)


def item_reading(*, verification: Verification, item: ChecklistItem) -> Reading | None:
    """The reading of one bound item, now (when an answer is saved)."""
    if not item.fact:
        return None
    facts = criteria.facts_of(verification.school_id, [item.fact])
    return reading_of(facts.get(item.fact), item)


def verification_history(*, verification: Verification, limit: int | None = None) -> list:
    """Status changes and answer changes, newest first, with who and when; the
    newest ``limit`` of them when one is given (two queries either way)."""
    status = verification.history.select_related("history_user").order_by("-history_date")
    answers = (
        Response.history.filter(verification_id=verification.pk)
        .select_related("history_user", "item")
        .order_by("-history_date")
    )
    if limit is not None:
        status, answers = status[:limit], answers[:limit]
    merged = sorted([*status, *answers], key=lambda h: h.history_date, reverse=True)
    return merged if limit is None else merged[:limit]


# --- supervision -------------------------------------------------------------------

STATES = ("not_started", "in_progress", "submitted", "passed", "conditional", "failed")


def school_state(open_status: str | None, readiness: str) -> str:
    """The one state of a school, for supervision, the report and their lists: its
    readiness once it has one (a re-verification under way leaves it standing, as
    the school list shows it); before that, how far its first verification is."""
    if readiness != "unverified":
        return readiness
    if open_status in ("in_progress", "returned"):
        return "in_progress"
    if open_status == "submitted":
        return "submitted"
    return "not_started"


def _open_verification(field_name: str) -> Subquery:
    return Subquery(
        Verification.objects.filter(school=OuterRef("pk"), status__in=Verification.OPEN).values(
            field_name
        )[:1]
    )


def with_open_verification(schools: QuerySet[School]) -> QuerySet[School]:
    """Schools with the status and planned date of their verification under way, if any."""
    return schools.annotate(
        open_status=_open_verification("status"), open_planned=_open_verification("planned_on")
    )


def overdue_q(today: dt.date) -> Q:
    """Schools whose verification is late, as a filter on School: planned for a
    day that has passed and still with the team, or conditionally ready with the
    re-verification date passed and no re-verification assigned."""
    late = Verification.objects.filter(
        status__in=Verification.EDITABLE, planned_on__lt=today
    ).values("school_id")
    later = Verification.objects.filter(
        school=OuterRef("school"),
        status=Verification.Status.APPROVED,
        approved_at__gt=OuterRef("approved_at"),
    )
    due = (
        Verification.objects.filter(
            status=Verification.Status.APPROVED,
            result=Verification.Result.CONDITIONAL,
            reverify_due__lt=today,
            reverifications__isnull=True,
        )
        .exclude(Exists(later))  # the school's latest result
        .values("school_id")
    )
    return Q(pk__in=late) | Q(pk__in=due)


def state_counts(schools: QuerySet[School], today: dt.date) -> dict[int, dict]:
    """Per county id: schools by state, their total and the overdue ones (two queries).

    The open verification is joined, not looked up school by school: a school has
    at most one (``verification_one_open_per_school``), so the join adds no row,
    and one hash join of the city's 5,600 schools costs what 5,600 lookups cost
    tenfold."""
    counts = (
        schools.annotate(
            open=FilteredRelation(
                "verifications", condition=Q(verifications__status__in=Verification.OPEN)
            )
        )
        .values("county_id", "readiness", open_status=F("open__status"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    overdue = (
        schools.filter(overdue_q(today)).values("county_id").annotate(n=Count("pk")).order_by()
    )
    table: dict[int, dict] = {}
    for row in counts:
        entry = table.setdefault(row["county_id"], dict.fromkeys((*STATES, "total", "overdue"), 0))
        entry[school_state(row["open_status"], row["readiness"])] += row["n"]
        entry["total"] += row["n"]
    for row in overdue:
        table[row["county_id"]]["overdue"] = row["n"]
    return table


def supervision(*, user: User, today: dt.date | None = None) -> list[dict]:
    """Per county in scope: schools by state, and overdue ones, in three queries."""
    table = state_counts(
        School.objects.filter(scope_of(user).school_q()), today or timezone.localdate()
    )
    counties = County.objects.filter(pk__in=table).order_by("order", "code")
    return [{"county": county, **table[county.pk]} for county in counties]


def supervision_totals(table: list[dict]) -> dict[str, int]:
    """The city's (or county's) line under the ``supervision`` table."""
    return {key: sum(row[key] for row in table) for key in (*STATES, "total", "overdue")}


def supervision_schools(*, user: User, county_code: str, state: str | None = None) -> list[dict]:
    """The drill-down of one county: each school with its state and open verification."""
    today = timezone.localdate()
    schools = (
        with_open_verification(
            School.objects.filter(scope_of(user).school_q(), county__code=county_code)
        )
        .annotate(open_id=_open_verification("pk"))
        .order_by("code")
    )
    late = set(schools.filter(overdue_q(today)).values_list("pk", flat=True))
    rows = []
    for school in schools:
        row_state = school_state(school.open_status, school.readiness)
        overdue = school.pk in late  # the same rule as the county's count
        if state == "overdue" and not overdue:
            continue
        if state and state != "overdue" and row_state != state:
            continue
        rows.append({"school": school, "state": row_state, "overdue": overdue})
    return rows
