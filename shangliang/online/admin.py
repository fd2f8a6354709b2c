"""Back office view of online rooms. Status, moderation, votes and analysis runs change only through the app's
services and the background task, so the admin shows them read-only (and never loads a run's JSON in a list)."""

from django.contrib import admin

from shangliang.online.models import AnalysisRun, OnlineParticipant, OnlineRoom, Statement, Vote


@admin.register(OnlineRoom)
class OnlineRoomAdmin(admin.ModelAdmin):
    list_display = ("question", "unit", "status", "moderation", "opens_at", "closes_at", "created_at")
    list_filter = ("status", "moderation")
    list_select_related = ("unit",)
    search_fields = ("question", "consultation__title")
    raw_id_fields = ("consultation", "unit", "created_by")
    readonly_fields = (
        "status",
        "opened_at",
        "closed_at",
        "change_seq",
        "recompute_queued_at",
        "created_at",
        "updated_at",
    )


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ("text", "room", "polis_id", "status", "is_seed", "created_at")
    list_filter = ("status", "is_seed")
    list_select_related = ("room",)
    search_fields = ("text",)
    raw_id_fields = ("room", "author", "added_by", "suggestion")
    readonly_fields = ("room", "polis_id", "status", "author", "added_by", "suggestion", "created_at")


@admin.register(OnlineParticipant)
class OnlineParticipantAdmin(admin.ModelAdmin):
    list_display = ("room", "polis_id", "kind", "user", "mobile_masked", "created_at")
    list_filter = ("kind",)
    list_select_related = ("room", "user")
    raw_id_fields = ("room", "user")
    readonly_fields = ("room", "polis_id", "kind", "user", "mobile_masked", "created_at")


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ("room", "participant", "statement", "value", "updated_at")
    list_select_related = ("room", "participant", "statement")
    raw_id_fields = ("room", "participant", "statement")
    readonly_fields = ("room", "participant", "statement", "value", "created_at", "updated_at")


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    list_display = ("room", "created_at", "n_votes", "n_participants", "n_analysed", "k", "seconds")
    list_select_related = ("room",)
    raw_id_fields = ("room",)
    exclude = ("result", "state", "priorities")
    readonly_fields = (
        "room",
        "covers_seq",
        "n_votes",
        "n_participants",
        "n_analysed",
        "n_statements",
        "k",
        "seconds",
        "total_seconds",
        "created_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).defer("result", "state", "priorities")
