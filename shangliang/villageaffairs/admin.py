"""Django admin for staff with system rights; daily work happens in the app (its services write the events).

Published disclosures, their documents and residents' feedback are read-only here too: a correction is a new version
made in the app, and the model refuses to change a published disclosure's content whoever saves it.
"""

from django.contrib import admin

from shangliang.villageaffairs.models import (
    AgendaItem,
    Attendance,
    Disclosure,
    DisclosureDocument,
    DisclosureStatus,
    Dispute,
    Feedback,
    MeetingNorm,
    MonthlyMeeting,
    Petition,
    PowerItem,
)


@admin.register(PowerItem)
class PowerItemAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "unit", "order", "is_active")
    list_filter = ("category", "is_active")
    list_select_related = ("unit",)
    search_fields = ("name", "unit__name")
    raw_id_fields = ("unit",)


class DocumentInline(admin.TabularInline):
    model = DisclosureDocument
    extra = 0
    fields = ("name", "kind", "size", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "version", "status", "amount", "period_start", "period_end")
    list_filter = ("status", "kind", "power_item__category")
    list_select_related = ("unit",)
    search_fields = ("title", "unit__name")
    raw_id_fields = ("unit", "power_item", "previous", "root", "superseded_by", "created_by", "published_by")
    readonly_fields = ("status", "version", "previous", "root", "superseded_by", "published_at", "published_by")
    date_hierarchy = "period_start"
    inlines = [DocumentInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != DisclosureStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("disclosure", "kind", "created_at", "masked_mobile")
    list_filter = ("kind",)
    list_select_related = ("disclosure",)
    search_fields = ("text", "disclosure__title")
    readonly_fields = ("disclosure", "kind", "text", "author", "name", "masked_mobile", "receipt_code", "created_at")
    exclude = ("idempotency_key", "mobile")  # the number stays encrypted; the admin shows it masked

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeetingNorm)
class MeetingNormAdmin(admin.ModelAdmin):
    list_display = ("county", "started_on", "interval_months")
    list_select_related = ("county",)
    raw_id_fields = ("county",)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fk_name = "meeting"
    extra = 0
    fields = ("order", "source", "title", "status", "resolution")
    readonly_fields = ("source", "status")


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ("name", "capacity", "present", "note")


@admin.register(MonthlyMeeting)
class MonthlyMeetingAdmin(admin.ModelAdmin):
    list_display = ("unit", "month", "status", "held_on")
    list_filter = ("status",)
    list_select_related = ("unit",)
    search_fields = ("unit__name",)
    raw_id_fields = ("unit",)
    readonly_fields = ("status",)
    date_hierarchy = "month"
    inlines = [AgendaItemInline, AttendanceInline]


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("summary", "unit", "kind", "received_on", "status")
    list_filter = ("status", "kind")
    list_select_related = ("unit",)
    search_fields = ("summary", "unit__name")
    raw_id_fields = ("unit",)
    readonly_fields = ("status",)
    exclude = ("idempotency_key",)


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ("subject", "unit", "channel", "collective", "received_on", "status")
    list_filter = ("status", "channel", "collective")
    list_select_related = ("unit",)
    search_fields = ("subject", "unit__name")
    raw_id_fields = ("unit",)
    readonly_fields = ("status",)
    exclude = ("idempotency_key",)
