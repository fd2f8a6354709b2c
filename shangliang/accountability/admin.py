"""Admin: read-mostly views of the lists for the CPPCC office; changes go through the app's services."""

from django.contrib import admin

from shangliang.accountability.models import (
    AccountabilitySettings,
    EvaluationForm,
    EvaluationItem,
    EvaluationResponse,
    FollowUpCheck,
    PublicNotice,
    Rating,
    Reminder,
    ResponsibilityTask,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResponsibilityTask)
class TaskAdmin(ReadOnly):
    list_display = ("id", "action", "unit", "department", "owner_unit", "owner_name", "deadline", "status", "percent")
    list_filter = ("status",)
    list_select_related = ("unit", "department", "owner_unit")
    search_fields = ("action", "owner_name")
    date_hierarchy = "deadline"


@admin.register(Reminder)
class ReminderAdmin(ReadOnly):
    list_display = ("task", "kind", "deadline", "sent_at", "sent_by")
    list_filter = ("kind",)
    list_select_related = ("task", "sent_by")


@admin.register(PublicNotice)
class NoticeAdmin(ReadOnly):
    list_display = ("task", "unit", "deadline", "days_overdue", "published_at")
    list_select_related = ("task", "unit")


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ("task", "round", "score", "created_at")
    list_select_related = ("task",)


@admin.register(FollowUpCheck)
class FollowUpAdmin(ReadOnly):
    list_display = ("task", "round", "due_on", "status", "checked_at")
    list_filter = ("status",)
    list_select_related = ("task",)


@admin.register(EvaluationResponse)
class EvaluationAdmin(ReadOnly):
    list_display = ("consultation", "evaluator", "score", "created_at")
    list_select_related = ("consultation", "evaluator")


class ItemInline(admin.TabularInline):
    model = EvaluationItem
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvaluationForm)
class EvaluationFormAdmin(ReadOnly):
    list_display = ("name", "county", "is_active", "created_at")
    inlines = [ItemInline]


@admin.register(AccountabilitySettings)
class SettingsAdmin(ReadOnly):
    list_display = ("county", "notice_grace_days", "dissatisfaction_percent", "follow_up_months", "updated_at")
