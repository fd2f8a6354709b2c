"""Django admin for staff with system rights; daily work happens in the app (its services write the events)."""

from django.contrib import admin

from shangliang.units.models import (
    Assessment,
    AssessmentResult,
    Room,
    RoomStageRecord,
    Standard,
    StandardItem,
    Subsidy,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "depth", "county", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    list_select_related = ("county",)
    raw_id_fields = ("county",)
    readonly_fields = ("path", "depth", "numchild")
    ordering = ("path",)


class StandardItemInline(admin.TabularInline):
    model = StandardItem
    extra = 0


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ("name", "county", "is_active")
    list_select_related = ("county",)
    raw_id_fields = ("county",)
    inlines = [StandardItemInline]


class RoomStageRecordInline(admin.TabularInline):
    model = RoomStageRecord
    extra = 0
    raw_id_fields = ("recorded_by",)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "kind", "stage", "stage_year", "operational_since")
    list_filter = ("kind", "stage")
    search_fields = ("name", "unit__name")
    list_select_related = ("unit",)
    raw_id_fields = ("unit",)
    inlines = [RoomStageRecordInline]


class AssessmentResultInline(admin.TabularInline):
    model = AssessmentResult
    extra = 0
    raw_id_fields = ("item",)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("room", "standard", "assessed_on", "passed", "assessor")
    list_filter = ("passed",)
    date_hierarchy = "assessed_on"
    list_select_related = ("room", "standard", "assessor")
    raw_id_fields = ("room", "assessor", "standard")
    inlines = [AssessmentResultInline]


@admin.register(Subsidy)
class SubsidyAdmin(admin.ModelAdmin):
    list_display = ("room", "year", "amount", "purpose")
    list_filter = ("year",)
    list_select_related = ("room",)
    raw_id_fields = ("room", "recorded_by")
