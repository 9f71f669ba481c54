"""The rules editor (核验细则): the city bureau changes a draft version — its sections
and items, their order — previews the checklist a team would get for a given
school, and publishes it. A published version never changes: every write here
first locks its version and refuses one that is not a draft. Every change is
audited; verifications keep the version they were assigned with."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from readiness.access import require_right
from readiness.audit import audited
from readiness.models import School, User

from . import services
from .access import Right
from .models import ChecklistItem, ChecklistSection, ChecklistTemplate
from .resources import fact_errors

# What an item says; the form and the service share the list.
ITEM_FIELDS = ("section", "code", "text", "guidance", "department", "veto", "evidence_required",
               "levels", "boarding_only", "fact", "threshold")  # fmt: skip


# --- reading -------------------------------------------------------------------------------------


def template_versions(*, user: User) -> QuerySet[ChecklistTemplate]:
    require_right(user, Right.RULES_EDIT)
    return ChecklistTemplate.objects.order_by("name", "-version")


def template_get_for_editing(*, user: User, pk: int) -> ChecklistTemplate:
    """A version with its sections and items in order (three queries); any status,
    so that a published one is shown read-only."""
    require_right(user, Right.RULES_EDIT)
    items = ChecklistItem.objects.select_related("department").order_by("order", "code")
    template = (
        ChecklistTemplate.objects.prefetch_related(
            Prefetch("sections", ChecklistSection.objects.order_by("order", "code")),
            Prefetch("sections__items", items),
        )
        .filter(pk=pk)
        .first()
    )
    if template is None:
        raise Http404
    return template


@dataclass
class PreviewSection:
    section: ChecklistSection
    items: list[ChecklistItem] = field(default_factory=list)


@dataclass
class Preview:
    school: School
    sections: list[PreviewSection]
    total: int  # items of the version
    applicable: int  # of them, those the school gets


def checklist_preview(*, template: ChecklistTemplate, school: School) -> Preview:
    """The checklist a team verifying ``school`` with this version would answer:
    the items that apply to its level and boarding, by section, in order."""
    items = list(
        ChecklistItem.objects.filter(template=template)
        .select_related("section", "department")
        .order_by("section__order", "section__code", "order", "code")
    )
    sections: dict[int, PreviewSection] = {}
    for item in items:
        if item.applies_to(school):
            sections.setdefault(item.section_id, PreviewSection(item.section)).items.append(item)
    applicable = sum(len(part.items) for part in sections.values())
    return Preview(school, list(sections.values()), len(items), applicable)


# --- writing -------------------------------------------------------------------------------------


def _draft(actor: User, template: ChecklistTemplate) -> ChecklistTemplate:
    """The version locked for the change, refused unless it is a draft."""
    require_right(actor, Right.RULES_EDIT)
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status != ChecklistTemplate.Status.DRAFT:
        raise ValidationError(_("A published version never changes: start a new draft from it."))
    return template


@audited("verification.rules_draft", target="template")
def draft_start(*, actor: User, template: ChecklistTemplate) -> ChecklistTemplate:
    """The next draft, a copy of ``template`` (the version in force, usually)."""
    require_right(actor, Right.RULES_EDIT)
    return services.template_new_draft(template=template)


@audited("verification.rules_publish", target="template")
def draft_publish(*, actor: User, template: ChecklistTemplate) -> ChecklistTemplate:
    require_right(actor, Right.RULES_EDIT)
    return services.template_publish(template=template)


@audited("verification.section_save", target="template")
def section_save(
    *, actor: User, template: ChecklistTemplate, code: str, title: str,
    section: ChecklistSection | None = None,
) -> ChecklistSection:  # fmt: skip
    template = _draft(actor, template)
    code, title = code.strip(), title.strip()
    if section is not None and section.template_id != template.pk:
        raise Http404
    taken = template.sections.filter(code=code).exclude(pk=getattr(section, "pk", None))
    if taken.exists():
        raise ValidationError(
            {"code": _("This version has a section %(code)s already.") % {"code": code}}
        )
    if section is None:
        last = template.sections.aggregate(last=Max("order"))["last"] or 0
        section = ChecklistSection(template=template, order=last + 1)
    section.code, section.title = code, title
    section.save()
    return section


@audited("verification.section_delete", target="template")
def section_delete(*, actor: User, template: ChecklistTemplate, section: ChecklistSection) -> None:
    template = _draft(actor, template)
    if section.template_id != template.pk:
        raise Http404
    if section.items.exists():
        raise ValidationError(_("Move or delete the section's items first."))
    section.delete()


@audited("verification.item_save", target="template")
def item_save(
    *, actor: User, template: ChecklistTemplate, values: dict, item: ChecklistItem | None = None
) -> ChecklistItem:
    """An item added to, or changed in, the draft; ``values`` holds ITEM_FIELDS."""
    template = _draft(actor, template)
    if item is not None and item.template_id != template.pk:
        raise Http404
    section: ChecklistSection = values["section"]
    if section.template_id != template.pk:
        raise ValidationError({"section": _("Choose a section of this version.")})
    errors = fact_errors(values.get("fact") or "", values.get("threshold"))
    code = values["code"].strip()
    if template.items.filter(code=code).exclude(pk=getattr(item, "pk", None)).exists():
        errors["code"] = [_("This version has an item %(code)s already.") % {"code": code}]
    if errors:
        raise ValidationError(errors)
    if item is None or item.section_id != section.pk:
        last = section.items.aggregate(last=Max("order"))["last"] or 0
        order = last + 1
    else:
        order = item.order
    item = item or ChecklistItem(template=template)
    for name in ITEM_FIELDS:
        if name in values:
            setattr(item, name, values[name])
    item.code, item.order = code, order
    item.fact = item.fact or ""
    item.levels = sorted(item.levels or [], key=list(School.Level.values).index)
    item.save()
    return item


@audited("verification.item_delete", target="template")
def item_delete(*, actor: User, template: ChecklistTemplate, item: ChecklistItem) -> None:
    template = _draft(actor, template)
    if item.template_id != template.pk:
        raise Http404
    item.delete()


@audited("verification.rules_move", target="template")
def move(
    *, actor: User, template: ChecklistTemplate, row: ChecklistSection | ChecklistItem, up: bool
) -> None:
    """A section among the version's sections, or an item within its section, one
    place up or down; the places are numbered again 1, 2, 3… on the way."""
    template = _draft(actor, template)
    if row.template_id != template.pk:
        raise Http404
    if isinstance(row, ChecklistSection):
        siblings = list(template.sections.order_by("order", "code"))
    else:
        siblings = list(row.section.items.order_by("order", "code"))
    index = next(i for i, s in enumerate(siblings) if s.pk == row.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for place, sibling in enumerate(siblings, start=1):
        sibling.order = place
    type(row).objects.bulk_update(siblings, ["order"])


def item_values(item: ChecklistItem) -> dict:
    return {name: getattr(item, name) for name in ITEM_FIELDS}
