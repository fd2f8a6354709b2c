"""Back office view of topics. Status, supports and the event log change only through the app's services, so the
admin shows them read-only."""

from django.contrib import admin

from shangliang.topics.models import Support, Topic, TopicPhoto


class TopicPhotoInline(admin.TabularInline):
    model = TopicPhoto
    extra = 0
    readonly_fields = ("image", "created_at")
    can_delete = False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "source", "status", "category", "urgent", "supports_count", "created_at")
    list_filter = ("status", "source", "category", "urgent", "anonymous")
    list_select_related = ("unit",)
    search_fields = ("title", "tracking_code", "submitted_by_name")
    raw_id_fields = ("unit", "room", "submitter", "merged_into", "referred_department")
    readonly_fields = (
        "status",
        "category",
        "rejection_reason",
        "merged_into",
        "supports_count",
        "search_terms",
        "created_at",
        "updated_at",
    )
    inlines = [TopicPhotoInline]
    date_hierarchy = "created_at"


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ("topic", "user", "created_at")
    list_select_related = ("topic", "user")
    raw_id_fields = ("topic", "user")
    readonly_fields = ("topic", "user", "client_key", "created_at")
