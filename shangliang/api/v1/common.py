"""Views of /api/v1/ that concern the client itself."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from shangliang.api.auth import client_of
from shangliang.api.base import ApiView


class ClientSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField(source="unit.name")
    scopes = serializers.ListField(child=serializers.CharField())
    topic_source = serializers.CharField()
    rate_limit = serializers.CharField()


class WhoAmI(ApiView):
    """The calling client as registered: its unit subtree, scopes and rate limit."""

    @extend_schema(responses=ClientSerializer, operation_id="client_read", tags=["client"])
    def get(self, request):
        return Response(ClientSerializer(client_of(request)).data)
