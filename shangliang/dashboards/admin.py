from django.contrib import admin

from shangliang.dashboards.models import CoverageTarget, FigureCell, ScoringRule


@admin.register(ScoringRule)
class ScoringRuleAdmin(admin.ModelAdmin):
    list_display = ["county", "subject", "item", "points", "cap", "updated_at"]
    list_filter = ["subject"]
    raw_id_fields = ["county", "updated_by"]


@admin.register(CoverageTarget)
class CoverageTargetAdmin(admin.ModelAdmin):
    list_display = ["county", "year", "percent", "updated_at"]
    raw_id_fields = ["county", "updated_by"]


@admin.register(FigureCell)
class FigureCellAdmin(admin.ModelAdmin):
    """The cache, for looking only: it is recomputed from the records (refresh_dashboards), never edited."""

    list_display = ["anchor", "kind", "key", "version", "computed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["anchor"]
    list_select_related = ["anchor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
