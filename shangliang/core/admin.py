from django.contrib import admin

from shangliang.core.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The audit trail is read-only."""

    list_display = ("created_at", "content_type", "object_id", "action", "from_state", "to_state", "actor", "unit")
    list_filter = ("action", "content_type", "public")
    list_select_related = ("content_type", "actor", "unit")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
