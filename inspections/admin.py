from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from readiness.admin import ReadOnlyAdmin

from .models import (
    Aspect,
    Finding,
    InspectionSquad,
    KeyArea,
    NoticeArchive,
    RectificationNotice,
    RectificationReport,
    Visit,
)


@admin.register(KeyArea, Aspect)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]
    list_editable = ["order"]


@admin.register(InspectionSquad)
class InspectionSquadAdmin(admin.ModelAdmin):
    list_display = ["name", "leader"]
    filter_horizontal = ["members", "counties"]
    autocomplete_fields = ["leader"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["school", "squad", "status", "planned_on", "visited_at"]
    list_filter = ["status", "squad"]
    list_select_related = ["school", "squad"]
    readonly_fields = ["squad", "school", "status", "visited_at", "planned_by"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Findings change only through the inspection pages and API (their services)."""

    list_display = ["description", "school", "severity", "status", "deadline", "overdue"]
    list_filter = ["status", "severity", "overdue", "key_area", "aspect"]
    list_select_related = ["school"]


@admin.register(RectificationNotice)
class RectificationNoticeAdmin(admin.ModelAdmin):
    """Issued notices never change: the admin shows them, nothing more."""

    list_display = ["__str__", "visit", "issued_by", "issued_at"]
    list_select_related = ["visit__school", "issued_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RectificationReport)
class RectificationReportAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["finding", "decision", "submitted_by", "submitted_at"]
    list_filter = ["decision"]
    readonly_fields = [
        "finding",
        "text",
        "submitted_by",
        "decision",
        "reason",
        "decided_by",
        "decided_at",
    ]


@admin.register(NoticeArchive)
class NoticeArchiveAdmin(ReadOnlyAdmin):
    list_display = ["owner", "status", "done", "created_at"]
