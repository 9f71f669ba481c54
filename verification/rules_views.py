"""The rules editor's pages: the versions, a draft's sections and items, the
preview for a school, publishing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readiness import criteria
from readiness.forms import add_service_errors
from readiness.models import School
from readiness.spreadsheets import spreadsheet_response

from . import rules
from .models import ChecklistItem, ChecklistSection, ChecklistTemplate, Department
from .resources import ChecklistItemResource


class SectionForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Section code"), max_length=20)
    title = forms.CharField(label=gettext_lazy("Section"), max_length=100)


class ItemForm(forms.Form):
    section = forms.ModelChoiceField(
        label=gettext_lazy("Section"), queryset=ChecklistSection.objects.none()
    )
    code = forms.CharField(label=gettext_lazy("Item code"), max_length=20)
    text = forms.CharField(
        label=gettext_lazy("Requirement"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    guidance = forms.CharField(
        label=gettext_lazy("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.order_by("order", "code")
    )
    veto = forms.BooleanField(label=gettext_lazy("Veto item"), required=False)
    evidence_required = forms.BooleanField(label=gettext_lazy("Evidence required"), required=False)
    levels = forms.MultipleChoiceField(
        label=gettext_lazy("Levels (empty: all)"), choices=School.Level.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    boarding_only = forms.BooleanField(label=gettext_lazy("Boarding schools only"), required=False)
    fact = forms.ChoiceField(label=gettext_lazy("Fact read"), required=False)
    threshold = forms.DecimalField(
        label=gettext_lazy("Threshold"), required=False, max_digits=10, decimal_places=2
    )

    def __init__(self, *args, template: ChecklistTemplate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = template.sections.order_by("order", "code")
        self.fields["fact"].choices = [("", "—")] + [
            (key, f"{spec.label}{f' ({spec.unit})' if spec.unit else ''}")
            for key, spec in criteria.fact_specs().items()
        ]


def _posted(request: HttpRequest):
    return (request.POST,) if request.method == "POST" else ()


def _read_only(request: HttpRequest, template: ChecklistTemplate) -> HttpResponse | None:
    """A published (or retired) version's forms are not offered: back to its page."""
    if template.status == ChecklistTemplate.Status.DRAFT:
        return None
    messages.error(request, _("A published version never changes: start a new draft from it."))
    return redirect("rules_edit", pk=template.pk)


@login_required
@require_GET
def rules_versions(request: HttpRequest) -> HttpResponse:
    versions = rules.template_versions(user=request.user)
    drafts = {t.name for t in versions if t.status == ChecklistTemplate.Status.DRAFT}
    return render(
        request, "verification/rules/versions.html", {"versions": versions, "drafts": drafts}
    )


@login_required
@require_GET
def rules_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = rules.template_get_for_editing(user=request.user, pk=pk)
    return render(
        request,
        "verification/rules/edit.html",
        {"template": template, "draft": template.status == ChecklistTemplate.Status.DRAFT,
         "section_form": SectionForm()},
    )  # fmt: skip


@login_required
@require_POST
def rules_draft(request: HttpRequest, pk: int) -> HttpResponse:
    template = rules.template_get_for_editing(user=request.user, pk=pk)
    try:
        draft = rules.draft_start(actor=request.user, template=template)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("rules_versions")
    messages.success(
        request,
        _("Version %(version)d is a draft: change it, then publish it.")
        % {"version": draft.version},
    )
    return redirect("rules_edit", pk=draft.pk)


@login_required
@require_POST
def rules_publish(request: HttpRequest, pk: int) -> HttpResponse:
    template = rules.template_get_for_editing(user=request.user, pk=pk)
    try:
        rules.draft_publish(actor=request.user, template=template)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Version %(version)d is published: new verifications use it.")
                         % {"version": template.version})  # fmt: skip
    return redirect("rules_edit", pk=template.pk)


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int, section_id: int | None = None) -> HttpResponse:
    template = rules.template_get_for_editing(user=request.user, pk=pk)
    if refused := _read_only(request, template):
        return refused
    section = get_object_or_404(template.sections, pk=section_id) if section_id else None
    initial = {"code": section.code, "title": section.title} if section else None
    form = SectionForm(*_posted(request), initial=initial)
    if form.is_valid():
        try:
            rules.section_save(
                actor=request.user, template=template, section=section, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The section is saved."))
            return redirect("rules_edit", pk=template.pk)
    return render(
        request, "verification/rules/section_form.html",
        {"template": template, "section": section, "form": form},
        status=400 if form.is_bound else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, item_id: int | None = None) -> HttpResponse:
    template = rules.template_get_for_editing(user=request.user, pk=pk)
    if refused := _read_only(request, template):
        return refused
    item = get_object_or_404(ChecklistItem, template=template, pk=item_id) if item_id else None
    initial = rules.item_values(item) if item else {"section": request.GET.get("section")}
    if item is not None:
        initial["section"], initial["department"] = item.section_id, item.department_id
    form = ItemForm(*_posted(request), initial=initial, template=template)
    if form.is_valid():
        try:
            rules.item_save(
                actor=request.user, template=template, item=item, values=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The item is saved."))
            return redirect("rules_edit", pk=template.pk)
    return render(
        request, "verification/rules/item_form.html",
        {"template": template, "item": item, "form": form},
        status=400 if form.is_bound else 200,
    )  # fmt: skip


@login_required
@require_POST
def rules_delete(request: HttpRequest, pk: int, kind: str, row: int) -> HttpResponse:
    template = rules.template_get_for_editing(user=request.user, pk=pk)
    try:
        if kind == "section":
            section = get_object_or_404(ChecklistSection, template=template, pk=row)
            rules.section_delete(actor=request.user, template=template, section=section)
        elif kind == "item":
            item = get_object_or_404(ChecklistItem, template=template, pk=row)
            rules.item_delete(actor=request.user, template=template, item=item)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Deleted."))
    return redirect("rules_edit", pk=template.pk)


@login_required
@require_POST
def rules_move(request: HttpRequest, pk: int, kind: str, row: int, direction: str) -> HttpResponse:
    template = rules.template_get_for_editing(user=request.user, pk=pk)
    model = {"section": ChecklistSection, "item": ChecklistItem}.get(kind)
    if model is None or direction not in ("up", "down"):
        raise Http404
    target = get_object_or_404(model, template=template, pk=row)
    try:
        rules.move(actor=request.user, template=template, row=target, up=direction == "up")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{reverse('rules_edit', args=[template.pk])}#{kind}-{row}")


@login_required
@require_GET
def rules_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist of a school (by its code) as a team would answer it with this version."""
    template = rules.template_get_for_editing(user=request.user, pk=pk)
    code = request.GET.get("school", "").strip()
    school = School.objects.filter(code=code).first() if code else None
    preview = rules.checklist_preview(template=template, school=school) if school else None
    return render(
        request, "verification/rules/preview.html",
        {"template": template, "preview": preview, "code": code, "unknown": bool(code) and school is None},
    )  # fmt: skip


@login_required
@require_GET
def rules_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's items as the spreadsheet the admin's import reads back into a draft."""
    template = rules.template_get_for_editing(user=request.user, pk=pk)
    items = template.items.select_related("template", "section", "department").order_by(
        "section__order", "section__code", "order", "code"
    )
    dataset = ChecklistItemResource().export(queryset=items)
    return spreadsheet_response(dataset, "xlsx", f"rules-v{template.version}")
