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

from .models import (
    County,
    DispatchReport,
    Drill,
    Person,
    PersonImport,
    PlanPart,
    PlanStage,
    ReopeningPlan,
    School,
    ScreeningCount,
    Upload,
    User,
)
from .resources import SchoolAdminResource
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


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "owner", "created_at"]
    list_select_related = ["owner"]
    readonly_fields = ["kind", "owner", "file", "original_name", "options", "created_at"]


class PlanStageInline(admin.TabularInline):
    model = PlanStage
    extra = 0


class PlanPartInline(admin.TabularInline):
    model = PlanPart
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "id_number", "school", "kind", "whereabouts", "returned", "health"]
    list_filter = ["kind", "whereabouts", "returned", "health"]
    list_select_related = ["school"]
    search_fields = ["name", "id_number"]
    raw_id_fields = ["school"]
    show_full_result_count = False  # millions of rows: no COUNT(*) on every page


@admin.register(PersonImport)
class PersonImportAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "owner",
        "status",
        "rows_read",
        "rows_written",
        "error_count",
        "created_at",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in PersonImport._meta.fields]


@admin.register(ReopeningPlan)
class ReopeningPlanAdmin(SimpleHistoryAdmin):
    list_display = ["school", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["school"]
    inlines = [PlanStageInline, PlanPartInline]
    raw_id_fields = ["school"]


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "on_date", "host"]
    list_filter = ["kind"]
    raw_id_fields = ["host", "attendees"]


@admin.register(ScreeningCount)
class ScreeningCountAdmin(admin.ModelAdmin):
    list_display = ["school", "staff_files", "student_files", "abroad", "refreshed_at"]
    list_select_related = ["school"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # counted from the ledger, never edited
