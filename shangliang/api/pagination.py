"""Every list of /api/v1/ is paginated by cursor (stable while rows are added: a synchronising client never skips or
repeats one) in the order rows last changed, and filtered by `updated_since`."""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import CursorPagination

from shangliang.core.errors import InvalidInput

UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    OpenApiParameter.QUERY,
    required=False,
    description="Only rows changed at or after this time (ISO 8601 with a time zone), for synchronisation.",
)


class ChangedCursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("updated_at", "id")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise InvalidInput(
                _("每页条数应为 1 至 %(max)d 之间的整数。") % {"max": self.max_page_size}, field="page_size"
            )
        return int(raw)


def updated_since(request, queryset, field: str = "updated_at"):
    raw = request.query_params.get("updated_since")
    if raw is None:
        return queryset
    try:
        moment = parse_datetime(raw.strip().replace(" ", "+")) if len(raw) <= 40 else None
    except ValueError:  # well formed but not a date (month 13)
        moment = None
    bad = _("时间格式应为 ISO 8601（如 2026-01-31T08:00:00+08:00）。")
    if moment is None:
        raise InvalidInput(bad, field="updated_since")
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # In UTC: PostgreSQL refuses an offset beyond ±15:59 that ISO 8601 syntax allows (-23:36).
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):  # out of the calendar's range once shifted (0001-01-01T00:00+01:00)
        raise InvalidInput(bad, field="updated_since") from None
    return queryset.filter(**{f"{field}__gte": moment})
