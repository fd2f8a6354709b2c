"""Back office view of consultations. Every change of state, list, vote or submission goes through the services, so
the admin is read-only for them; the county configuration (rules and norms) can be edited here too."""

from django.contrib import admin

from shangliang.consultations.models import (
    Consultation,
    FrequencyNorm,
    Participant,
    RepresentativenessRule,
    Submission,
    Suggestion,
    SuggestionVote,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ("name", "kind", "user", "talent", "status", "signed_in_at", "signin_method")
    readonly_fields = fields


class SuggestionInline(ReadOnlyInline):
    model = Suggestion
    fields = ("order", "text", "status")
    readonly_fields = fields


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "form", "status", "outcome", "held_at", "reconvene_count")
    list_filter = ("status", "form", "outcome")
    list_select_related = ("unit",)
    search_fields = ("title",)
    raw_id_fields = ("unit", "room", "reconvened_from", "created_by")
    readonly_fields = [f.name for f in Consultation._meta.concrete_fields] + ["topics"]
    inlines = [ParticipantInline, SuggestionInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(SuggestionVote)
class SuggestionVoteAdmin(admin.ModelAdmin):
    list_display = ("suggestion", "participant", "choice", "updated_at")
    list_filter = ("choice",)
    list_select_related = ("suggestion", "participant")
    readonly_fields = ("suggestion", "participant", "choice", "dissent", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("consultation", "level", "receiver_unit", "submitted_at", "acknowledged_at")
    list_select_related = ("consultation", "receiver_unit")
    readonly_fields = [f.name for f in Submission._meta.concrete_fields]

    def has_add_permission(self, request):
        return False


@admin.register(RepresentativenessRule)
class RepresentativenessRuleAdmin(admin.ModelAdmin):
    list_display = ("county", "min_participants", "min_stakeholders", "min_resident_reps", "max_official_percent")
    list_select_related = ("county",)
    raw_id_fields = ("county", "updated_by")


@admin.register(FrequencyNorm)
class FrequencyNormAdmin(admin.ModelAdmin):
    list_display = ("county", "level", "min_count", "period_months", "effective_from")
    list_filter = ("level",)
    list_select_related = ("county",)
    raw_id_fields = ("county", "updated_by")
