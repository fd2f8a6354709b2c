"""Django admin for staff with system rights; daily work happens in the app (its services write the events)."""

from django.contrib import admin

from shangliang.opinions.models import Adoption, Endorsement, OpinionReport


class AdoptionInline(admin.TabularInline):
    model = Adoption
    extra = 0
    fields = ("level", "adopted_on", "body", "publication")


class EndorsementInline(admin.TabularInline):
    model = Endorsement
    extra = 0
    fields = ("leader", "leader_title", "level", "endorsed_on", "text")


@admin.register(OpinionReport)
class OpinionReportAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "unit", "status", "submitted_at", "department")
    list_filter = ("status", "author_kind", "source")
    list_select_related = ("author", "unit", "department")
    search_fields = ("title", "author__full_name", "unit__name")
    raw_id_fields = ("unit", "author", "topic", "consultation", "merged_into", "department", "contributors")
    # The county follows from the unit (the services keep it); shown, not edited.
    readonly_fields = (
        "county",
        "status",
        "submitted_title",
        "submitted_body",
        "submitted_at",
        "handed_at",
        "answered_at",
    )
    exclude = ("idempotency_key",)
    date_hierarchy = "submitted_at"
    inlines = [AdoptionInline, EndorsementInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("county")
