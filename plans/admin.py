"""Admin of plans and drills: shown to administrators; a plan's status and a
drill's attendance change only through their services (the pages and the API)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from readiness.admin import ReadOnlyAdmin

from .models import Drill, PlanPart, PlanStage, ReopeningPlan


class PlanStageInline(admin.TabularInline):
    model = PlanStage
    extra = 0


class PlanPartInline(admin.TabularInline):
    model = PlanPart
    extra = 0


@admin.register(ReopeningPlan)
class ReopeningPlanAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["school", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["school"]
    inlines = [PlanStageInline, PlanPartInline]
    raw_id_fields = ["school"]


@admin.register(Drill)
class DrillAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "on_date", "host"]
    list_filter = ["kind"]
    raw_id_fields = ["host", "attendees"]
