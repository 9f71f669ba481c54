"""The rules (核验细则) as a spreadsheet: one row per item, written into a draft.

A published version never changes: rows naming one are refused.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from readiness import criteria
from readiness.models import School
from readiness.resources import TextWidget, YesNoWidget

from .models import ChecklistItem, ChecklistSection, ChecklistTemplate, Department

COLUMNS = {
    "template": gettext_lazy("Rules"),
    "version": gettext_lazy("Version"),
    "section_code": gettext_lazy("Section code"),
    "section_title": gettext_lazy("Section"),
    "code": gettext_lazy("Item code"),
    "text": gettext_lazy("Requirement"),
    "guidance": gettext_lazy("Guidance"),
    "department": gettext_lazy("Department"),
    "veto": gettext_lazy("Veto item"),
    "evidence_required": gettext_lazy("Evidence required"),
    "levels": gettext_lazy("Levels (empty: all)"),
    "boarding_only": gettext_lazy("Boarding schools only"),
    "order": gettext_lazy("Order"),
    "fact": gettext_lazy("Fact read"),
    "threshold": gettext_lazy("Threshold"),
}


def fact_errors(fact: str, threshold) -> dict[str, list[str]]:
    """An item bound to a fact names a fact offered and a threshold, or neither."""
    if fact and fact not in criteria.fact_specs():
        return {"fact": [_("No such fact: %(fact)s.") % {"fact": fact}]}
    if bool(fact) != (threshold is not None):
        return {"threshold": [_("A fact and its threshold go together.")]}
    return {}


class DepartmentWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        for department in Department.objects.all():
            if text in (department.code, department.name):
                return department
        raise ValueError(_("Unknown department “%(value)s”.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class LevelsWidget(widgets.Widget):
    """School levels separated by 、 or commas, by label or value; empty means all."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").replace("，", ",").replace("、", ",")
        by_label = {str(label): v for v, label in School.Level.choices}
        levels = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            level = part if part in School.Level.values else by_label.get(part)
            if level is None:
                raise ValueError(_("Unknown school level “%(value)s”.") % {"value": part})
            levels.append(level)
        return levels

    def render(self, value, obj=None, **kwargs):
        return "、".join(str(School.Level(v).label) for v in value or [])


class ItemLoader(BaseInstanceLoader):
    def get_instance(self, row):
        template = self.resource.template_of(row)
        if template is None:
            return None
        return ChecklistItem.objects.filter(template=template, code=str(row.get("code"))).first()


class ChecklistItemResource(resources.ModelResource):
    def __init__(self, **kwargs) -> None:
        super().__init__()
        self.fields = {
            "template": fields.Field("template__name", "template", readonly=True),
            "version": fields.Field("template__version", "version", readonly=True),
            "section_code": fields.Field("section__code", "section_code", readonly=True),
            "section_title": fields.Field("section__title", "section_title", readonly=True),
            "code": fields.Field("code", "code", widget=TextWidget(20)),
            "text": fields.Field("text", "text", widget=TextWidget(300)),
            "guidance": fields.Field("guidance", "guidance", widget=TextWidget(2000)),
            "department": fields.Field("department", "department", widget=DepartmentWidget()),
            "veto": fields.Field("veto", "veto", widget=YesNoWidget(), saves_null_values=False),
            "evidence_required": fields.Field(
                "evidence_required",
                "evidence_required",
                widget=YesNoWidget(),
                saves_null_values=False,
            ),
            "levels": fields.Field("levels", "levels", widget=LevelsWidget()),
            "boarding_only": fields.Field(
                "boarding_only", "boarding_only", widget=YesNoWidget(), saves_null_values=False
            ),
            "order": fields.Field("order", "order", widget=widgets.IntegerWidget()),
            "fact": fields.Field("fact", "fact", widget=TextWidget(60)),
            "threshold": fields.Field("threshold", "threshold", widget=widgets.DecimalWidget()),
        }
        self._templates: dict[tuple, ChecklistTemplate | None] = {}

    class Meta:
        model = ChecklistItem
        import_id_fields = ("code",)
        instance_loader_class = ItemLoader
        skip_diff = True

    def get_export_headers(self, selected_fields=None):
        return [str(COLUMNS[f.column_name]) for f in self.get_export_fields(selected_fields)]

    def get_queryset(self):
        return ChecklistItem.objects.select_related("template", "section", "department")

    def before_import(self, dataset, **kwargs):
        labels = {}
        for key, label in COLUMNS.items():
            labels[str(label)] = key
            labels[key] = key
        dataset.headers = [labels.get(str(h or "").strip(), str(h)) for h in dataset.headers]

    def template_of(self, row) -> ChecklistTemplate | None:
        key = (str(row.get("template") or "").strip(), str(row.get("version") or "").strip())
        if key not in self._templates:
            version = key[1].split(".")[0]
            self._templates[key] = (
                ChecklistTemplate.objects.filter(name=key[0], version=version).first()
                if version.isdigit()
                else None
            )
        return self._templates[key]

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        template = self.template_of(row)
        errors.update(fact_errors(instance.fact, instance.threshold))
        if template is None:
            errors["template"] = [_("No such rules and version.")]
        elif template.status != ChecklistTemplate.Status.DRAFT:
            errors["template"] = [_("A published version cannot change: start a new draft.")]
        if errors:
            raise ValidationError(errors)
        section_code = str(row.get("section_code") or "").strip()
        if not section_code:
            raise ValidationError({"section_code": [_("This column may not be empty.")]})
        instance.template = template
        instance.section, _created = ChecklistSection.objects.get_or_create(
            template=template,
            code=section_code,
            defaults={"title": str(row.get("section_title") or section_code).strip()},
        )
