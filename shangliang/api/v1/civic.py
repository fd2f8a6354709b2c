"""/api/v1/ public reads of the loop's other public faces (scope public:read), inside the client's subtree: village
affairs disclosures (村务公示) with their documents and versions, and a unit's public dashboard figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from shangliang.api.auth import client_of
from shangliang.api.base import ApiView
from shangliang.api.models import Scope
from shangliang.api.pagination import UPDATED_SINCE
from shangliang.api.v1.public import ListView, reads
from shangliang.core.errors import InvalidInput
from shangliang.dashboards import periods
from shangliang.dashboards.metric_registry import METRICS, Table
from shangliang.dashboards.metrics import PUBLIC_CARDS, PUBLIC_SECTIONS
from shangliang.dashboards.scope import Scope as FigureScope
from shangliang.units.models import Unit
from shangliang.villageaffairs.models import PUBLIC_DISCLOSURE_STATUSES, Disclosure, DisclosureDocument

UNIT_FILTER = OpenApiParameter(
    "unit_id", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False, description="Only this village's."
)


class DocumentOut(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, document) -> str:
        path = reverse("villageaffairs:document", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DisclosureOut(serializers.Serializer):
    id = serializers.IntegerField()
    unit_id = serializers.IntegerField()
    power_item = serializers.CharField(source="power_item.name")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    content = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    decided_on = serializers.DateField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    state = serializers.CharField(help_text="upcoming, open (residents may comment or object), ended, superseded")
    state_label = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    previous_id = serializers.IntegerField(allow_null=True)
    superseded_by_id = serializers.IntegerField(allow_null=True)
    correction_reason = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    documents = DocumentOut(many=True, source="public_documents")
    page_url = serializers.SerializerMethodField(help_text="The public page where residents comment or object.")
    updated_at = serializers.DateTimeField()

    def get_state_label(self, item) -> str:
        return str(item.state.label)

    def get_page_url(self, item) -> str:
        path = reverse("villageaffairs:public_disclosure", args=[item.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def disclosures_in(request):
    return (
        Disclosure.objects.filter(
            status__in=PUBLIC_DISCLOSURE_STATUSES,
            unit__is_active=True,
            unit__path__startswith=client_of(request).unit.path,
        )
        .select_related("power_item")
        .prefetch_related(
            Prefetch("documents", queryset=DisclosureDocument.objects.order_by("id"), to_attr="public_documents")
        )
    )


def int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**62:
        raise InvalidInput(_("应为正整数。"), field=name)
    return int(raw)


class Disclosures(ListView):
    serializer_class = DisclosureOut

    @extend_schema(
        operation_id="disclosures_list",
        tags=["village affairs"],
        parameters=[UNIT_FILTER, UPDATED_SINCE],
        responses=reads(200, DisclosureOut(many=True)),
        description=(
            "Village-affairs disclosures (村务公示) of the subtree: current versions and the versions they corrected "
            "(state superseded, superseded_by_id), with their documents."
        ),
    )
    def get(self, request):
        items = disclosures_in(request)
        unit_id = int_param(request, "unit_id")
        if unit_id is not None:
            items = items.filter(unit_id=unit_id)
        return self.page_of(items, DisclosureOut)


class DisclosureDetail(ApiView):
    required_scope = Scope.READ_PUBLIC

    @extend_schema(operation_id="disclosures_read", tags=["village affairs"], responses=reads(200, DisclosureOut))
    def get(self, request, pk):
        item = disclosures_in(request).filter(pk=pk).first() if 0 < pk < 2**62 else None
        if item is None:
            raise NotFound(_("没有这项村务公示，或不在本客户端的服务范围内。"))
        return Response(DisclosureOut(item, context={"request": request}).data)


# --- public figures ---------------------------------------------------------------------------------------------


def plain(value):
    """A figure's cell as JSON: lazy text as text, decimals as numbers, dates as ISO 8601."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class TableOut(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))


class FigureOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()
    section = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True, help_text="What the number counts in (%, 个…).")
    value = serializers.FloatField(allow_null=True, help_text="A single figure (null for a table or no data).")
    table = TableOut(allow_null=True)


class PeriodOut(serializers.Serializer):
    value = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class FiguresOut(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    period = PeriodOut()
    figures = FigureOut(many=True)


def figure(scope, key: str, section: str) -> dict:
    metric = METRICS[key]
    value = metric(scope)
    table = None
    if isinstance(value, Table):
        table = {
            "columns": [str(c) for c in value.columns],
            "rows": [[plain(cell) for cell in row] for row in value.rows],
        }
        value = None
    return {
        "key": key,
        "title": str(metric.title),
        "definition": str(metric.definition),
        "section": section,
        "unit": str(metric.unit),
        "value": plain(value),
        "table": table,
    }


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        required=False,
        description="2026, 2026-Q1 or 2026-03 (default: this year); or start and end for a range.",
    ),
    OpenApiParameter("start", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False),
    OpenApiParameter("end", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False),
]


class Figures(ApiView):
    required_scope = Scope.READ_PUBLIC

    @extend_schema(
        operation_id="figures_read",
        tags=["public"],
        parameters=PERIOD_PARAMETERS,
        responses=reads(200, FiguresOut),
        description="The unit's public dashboard figures (公开统计) for a period, as its public page has them.",
    )
    def get(self, request, pk):
        unit = (
            Unit.objects.filter(pk=pk, is_active=True, path__startswith=client_of(request).unit.path).first()
            if 0 < pk < 2**62
            else None
        )
        if unit is None:
            raise NotFound(_("没有这个单元，或不在本客户端的服务范围内。"))
        if len(request.query_params.get("period", "")) > 20:
            raise InvalidInput(_("统计期间格式不正确。"), field="period")
        try:
            period = periods.from_request(request)
        except (periods.BadPeriod, ValueError, OverflowError) as exc:
            raise InvalidInput(str(exc) or _("统计期间格式不正确。"), field="period") from None
        scope = FigureScope(unit, period)
        figures = [figure(scope, key, "") for key in PUBLIC_CARDS]
        figures += [figure(scope, key, str(title)) for title, keys in PUBLIC_SECTIONS for key in keys]
        return Response(
            {
                "unit_id": unit.pk,
                "unit_name": unit.name,
                "period": {"value": period.value, "start": period.start, "end": period.end},
                "figures": figures,
            }
        )
