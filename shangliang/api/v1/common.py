"""Views of /api/v1/ that concern the client itself."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from shangliang.api.auth import client_of
from shangliang.api.base import ApiView
from shangliang.api.v1.serializers import Errors


class ClientSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField(source="unit.name")
    scopes = serializers.ListField(child=serializers.CharField())
    topic_source = serializers.CharField()
    rate_limit = serializers.CharField()


UNAUTHENTICATED = {401: Errors, 429: Errors}


def not_found(request, *args, **kwargs):
    """Any other address under the API: a 404 in the API's error shape (not the site's HTML page)."""
    return JsonResponse(
        {"errors": [{"code": "not_found", "message": str(_("没有这个接口地址。"))}]},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


class WhoAmI(ApiView):
    """The calling client as registered: its unit subtree, scopes and rate limit."""

    @extend_schema(responses={200: ClientSerializer, **UNAUTHENTICATED}, operation_id="client_read", tags=["client"])
    def get(self, request):
        return Response(ClientSerializer(client_of(request)).data)
