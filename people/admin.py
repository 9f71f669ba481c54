"""Admin of the ledger: shown to administrators, written only by the import."""

from __future__ import annotations

from django.contrib import admin

from readiness.admin import ReadOnlyAdmin

from .models import Person, PersonImport, ScreeningCount


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "id_number", "school", "kind", "whereabouts", "returned", "health"]
    list_filter = ["kind", "whereabouts", "returned", "health"]
    list_select_related = ["school"]
    search_fields = ["name", "id_number"]
    raw_id_fields = ["school"]
    show_full_result_count = False  # millions of rows: no COUNT(*) on every page


@admin.register(PersonImport)
class PersonImportAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "owner",
        "status",
        "done",
        "rows_written",
        "error_count",
        "created_at",
    ]
    list_filter = ["status"]


@admin.register(ScreeningCount)
class ScreeningCountAdmin(ReadOnlyAdmin):
    list_display = ["school", "staff_files", "student_files", "abroad", "refreshed_at"]
    list_select_related = ["school"]
