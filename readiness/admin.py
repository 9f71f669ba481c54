"""The admin: for the city's system administrators (superusers) only.

Everyone else works through the pages, which scope every row; the admin shows
the whole city, so it is closed to anyone without city-wide rights.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import AuditEntry, County, DispatchReport, School, SchoolImport, User
from .resources import SchoolAdminResource
from .services import SCHOOL_EDITABLE_FIELDS
from .spreadsheets import CSV, XLSX

admin.site.site_header = _("School reopening readiness portal")
admin.site.site_title = _("Readiness portal")
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "order"]
    list_editable = ["order"]
    search_fields = ["code", "name"]


@admin.register(School)
class SchoolAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [SchoolAdminResource]
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    list_display = ["code", "name", "county", "level", "jurisdiction", "risk_level", "students"]
    list_filter = ["county", "level", "jurisdiction", "risk_level", "boarding", "demonstration"]
    list_select_related = ["county"]
    search_fields = ["code", "name", "principal"]
    # The change form edits what the school service edits, and saves through it.
    fields = ["code", "county", *SCHOOL_EDITABLE_FIELDS]
    readonly_fields = ["code", "county"]

    def has_add_permission(self, request) -> bool:
        return False  # schools arrive by import (here or on the page)

    def save_model(self, request, obj, form, change) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        services.school_update(actor=request.user, school=obj, data=data)

    def get_resource_kwargs(self, request, *args, **kwargs):
        # Administrators round-trip exports: an existing code updates its school.
        return {"user": request.user, "update_existing": True}

    def get_import_data_kwargs(self, **kwargs):
        # The whole file or nothing, also when a row turned invalid after the preview.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request, _("The file was not imported: it no longer passes the checks.")
            )
            return redirect("admin:readiness_school_import")
        return super().process_result(result, request)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "county", "school", "is_active"]
    list_filter = ["role", "county", "is_active", "is_superuser"]
    list_select_related = ["county", "school"]
    search_fields = ["username", "full_name", "phone"]
    autocomplete_fields = ["school"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("full_name", "phone", "role", "county", "school")}),
    )


@admin.register(DispatchReport)
class DispatchReportAdmin(admin.ModelAdmin):
    list_display = ["on_date", "built_at"]
    readonly_fields = ["on_date", "data", "built_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a report is frozen once built


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows written only by their services: the admin shows them, never edits them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "address", "action", "target", "county"]
    list_filter = ["action", "county"]
    search_fields = ["actor_name", "action", "target"]
    date_hierarchy = "at"


@admin.register(SchoolImport)
class SchoolImportAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "owner", "stage", "status", "done", "created_at"]
    list_filter = ["stage", "status"]
    list_select_related = ["owner"]
