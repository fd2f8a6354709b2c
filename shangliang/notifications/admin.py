from django.contrib import admin

from shangliang.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "verb", "text", "created_at", "read_at")
    list_filter = ("verb", "read_at")
    list_select_related = ("user",)
    search_fields = ("text", "user__username", "user__full_name")
    raw_id_fields = ("user", "event")
    readonly_fields = ("created_at",)
