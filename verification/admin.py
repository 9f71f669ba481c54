"""The admin of verification: teams and draft rules are plain records; every change of
state (publishing the rules, the workflow) goes through the services, so the
workflow's records are read-only here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from readiness.spreadsheets import CSV, XLSX

from . import selectors, services
from .forms import ChecklistItemAdminForm
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
from .resources import ChecklistItemResource


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    autocomplete_fields = ["user"]
    extra = 1


@admin.register(VerificationTeam)
class VerificationTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "county", "leader"]
    list_filter = ["level", "county"]
    list_select_related = ["county", "leader"]
    inlines = [TeamMemberInline]
    autocomplete_fields = ["leader"]
    search_fields = ["name"]


class SectionInline(admin.TabularInline):
    model = ChecklistSection
    extra = 0


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the workflow's services write: shown, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Its history is shown; reverting to an old version would change the status
    without its service, so the revert form is refused."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "status", "published_at"]
    list_filter = ["status"]
    inlines = [SectionInline]
    actions = ["publish", "new_draft"]
    readonly_fields = ["status", "published_at", "based_on"]

    def has_change_permission(self, request, obj=None) -> bool:
        # A published version is frozen: changes go into a new draft.
        return obj is None or obj.status == ChecklistTemplate.Status.DRAFT

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or obj.status == ChecklistTemplate.Status.DRAFT

    @admin.action(description=_("Publish the selected draft"))
    def publish(self, request, queryset):
        for template in queryset:
            try:
                services.template_publish(template=template)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)

    @admin.action(description=_("Start a new draft from the selected version"))
    def new_draft(self, request, queryset):
        for template in queryset:
            try:
                services.template_new_draft(template=template)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ImportExportModelAdmin):
    """Items of the rules; import writes only into a draft version."""

    form = ChecklistItemAdminForm
    resource_classes = [ChecklistItemResource]
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    list_display = ["code", "text", "section", "department", "veto", "evidence_required"]
    list_filter = ["template", "department", "veto", "section__title"]
    list_select_related = ["section", "department", "template"]
    search_fields = ["code", "text"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or obj.template.status == ChecklistTemplate.Status.DRAFT

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or obj.template.status == ChecklistTemplate.Status.DRAFT

    def get_readonly_fields(self, request, obj=None):
        # An item stays in its version and section; new items go into a draft.
        return ["template", "section"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "template":
            kwargs["queryset"] = selectors.template_drafts()
        if db_field.name == "section":
            kwargs["queryset"] = selectors.section_drafts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}


@admin.register(Verification)
class VerificationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["school", "team", "status", "result", "planned_on"]
    list_filter = ["status", "result", "team__level"]
    list_select_related = ["school", "team"]
    search_fields = ["school__name", "school__code"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["verification", "item", "answer", "answered_by", "answered_at"]
    list_select_related = ["verification__school", "item", "answered_by"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(DepartmentSignoff)
class DepartmentSignoffAdmin(ReadOnlyAdmin):
    list_display = ["verification", "department", "confirmed_by", "confirmed_at"]
