"""Reads of the API's clients (the administrator's pages)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr

from shangliang.api.audit_actions import CALL, CALL_REFUSED
from shangliang.api.models import ApiClient, WebhookDelivery, WebhookSubscription
from shangliang.core.models import AuditRecord
from shangliang.units.models import Unit


def clients():
    return ApiClient.objects.select_related("unit", "account", "created_by").order_by("revoked_at", "name", "id")


def recent_calls(client: ApiClient, *, limit: int = 20):
    """The client's latest calls as the audit trail recorded them."""
    return list(
        AuditRecord.objects.filter(
            action__in=[CALL, CALL_REFUSED], object_type="api.apiclient", object_id=str(client.pk)
        ).order_by("-created_at", "-id")[:limit]
    )


def webhooks(client: ApiClient):
    return list(WebhookSubscription.objects.filter(client=client).order_by("ended_at", "id"))


def recent_deliveries(client: ApiClient, *, limit: int = 20):
    return list(
        WebhookDelivery.objects.filter(subscription__client=client)
        .select_related("subscription")
        .order_by("-attempted_at", "-id")[:limit]
    )


def client_units():
    """The units a client may serve (its subtree's top): every active unit, by tree order, each with the name of the
    unit above it (`parent_name`: two towns may each have a village of the same name). A province has thousands, so
    the form searches them (core.picker) instead of listing them."""
    parent = Unit.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen))
    return (
        Unit.objects.filter(is_active=True).annotate(parent_name=Subquery(parent.values("name")[:1])).order_by("path")
    )
