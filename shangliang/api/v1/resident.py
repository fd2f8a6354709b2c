"""/api/v1/resident/: a mini-program gets a short-lived token for a resident by the resident's verified mobile (the
one SMS code flow), then supports topics and reads the resident's own topics with it (scope residents:act)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from shangliang.accountability import services as acc
from shangliang.accountability.models import ResponsibilityTask, TaskStatus
from shangliang.api import residents
from shangliang.api.auth import client_of
from shangliang.api.base import IDEMPOTENCY_PARAMETER, WriteView
from shangliang.api.models import Scope
from shangliang.api.pagination import UPDATED_SINCE
from shangliang.api.progress import with_progress
from shangliang.api.v1 import serializers as s
from shangliang.api.v1.public import ListView, reads, topic_context, writes
from shangliang.core.errors import NotAllowed
from shangliang.residents import services as resident_services
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic, normalise_code

TOKEN_PARAMETER = OpenApiParameter(
    residents.TOKEN_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The resident's token from POST /api/v1/resident/token/ (30 minutes).",
)


class MobileIn(serializers.Serializer):
    mobile = serializers.CharField(label=gettext_lazy("手机号"), max_length=20)


class TokenIn(MobileIn):
    code = serializers.CharField(label=gettext_lazy("验证码"), max_length=10)


class SentOut(serializers.Serializer):
    sent = serializers.BooleanField()


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    expires_in = serializers.IntegerField()
    masked_mobile = serializers.CharField()


class SupportOut(serializers.Serializer):
    code = serializers.CharField()
    supports_count = serializers.IntegerField()


def resident_required(request):
    visitor = residents.resident_of(request, client_of(request))
    if visitor is None:
        raise NotAllowed(_("请先用居民的手机号短信验证，取得居民凭证（X-Resident-Token）。"))
    return visitor


@extend_schema_view(
    post=extend_schema(
        operation_id="resident_code",
        tags=["resident"],
        request=MobileIn,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses=writes(202, SentOut),
        description="Send the resident an SMS code (the platform's one verification flow; its rate limits apply).",
    ),
)
class CodeSend(WriteView):
    required_scope = Scope.RESIDENTS
    input_serializer = MobileIn

    def create(self, request):
        data = MobileIn(data=request.data)
        data.is_valid(raise_exception=True)
        resident_services.code_send(visitor=residents.visitor_for_code(request), mobile=data.validated_data["mobile"])
        return Response({"sent": True}, status=202)


@extend_schema_view(
    post=extend_schema(
        operation_id="resident_token",
        tags=["resident"],
        request=TokenIn,
        responses=writes(201, TokenOut),
        description="Exchange the mobile and its SMS code for a token acting for that resident (30 minutes).",
    ),
)
class TokenIssue(WriteView):
    required_scope = Scope.RESIDENTS
    input_serializer = TokenIn

    def create(self, request):
        data = TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        verified = resident_services.code_check(
            visitor=residents.visitor_for_code(request), mobile=v["mobile"], code=v["code"]
        )
        token = residents.issue(client_of(request), verified)
        return Response(
            {"token": token, "expires_in": residents.TOKEN_MINUTES * 60, "masked_mobile": verified.masked}, status=201
        )


@extend_schema_view(
    post=extend_schema(
        operation_id="topics_support",
        tags=["resident"],
        request=None,
        parameters=[TOKEN_PARAMETER, IDEMPOTENCY_PARAMETER],
        responses=writes(201, SupportOut),
        description="The resident supports (附议) an open topic of the client's subtree, once per verified number.",
    ),
)
class Support(WriteView):
    required_scope = Scope.RESIDENTS

    def create(self, request, code):
        visitor = resident_required(request)
        topic = Topic.objects.filter(
            tracking_code=normalise_code(code), unit__path__startswith=client_of(request).unit.path
        ).first()
        if topic is None:
            raise NotFound(_("查询码不正确，或该议题不在本客户端的服务范围内。"))
        topic_services.topic_support(topic=topic, actor=AnonymousUser(), visitor=visitor)
        return Response({"code": topic.tracking_code, "supports_count": topic.supports_count}, status=201)


class MyTopics(ListView):
    required_scope = Scope.RESIDENTS
    serializer_class = s.TopicOut

    @extend_schema(
        operation_id="resident_topics",
        tags=["resident"],
        parameters=[TOKEN_PARAMETER, UPDATED_SINCE],
        responses=reads(200, s.TopicOut(many=True)),
        description="The topics the resident raised leaving this verified number, in the client's subtree.",
    )
    def get(self, request):
        visitor = resident_required(request)
        mine = self.scoped(Topic.objects.filter(mobile_hash=visitor.mobile_hash))
        return self.page_of(with_progress(mine), s.TopicOut, topic_context)


class RatingIn(serializers.Serializer):
    task_id = serializers.IntegerField(label=gettext_lazy("工作责任"), min_value=1, max_value=2**62)
    score = serializers.IntegerField(label=gettext_lazy("满意度"), min_value=1, max_value=5)
    comment = serializers.CharField(label=gettext_lazy("评价意见"), max_length=500, required=False, allow_blank=True)


class RatingOut(serializers.Serializer):
    task_id = serializers.IntegerField()
    round = serializers.IntegerField()
    score = serializers.IntegerField()
    created_at = serializers.DateTimeField()


@extend_schema_view(
    post=extend_schema(
        operation_id="ratings_add",
        tags=["resident"],
        request=RatingIn,
        parameters=[TOKEN_PARAMETER, IDEMPOTENCY_PARAMETER],
        responses=writes(201, RatingOut),
        description=(
            "The resident rates (群众评价, 1–5) a finished task of a posted result, once per number and round; "
            "too many 1–2 scores reopen it (重办), as on the public page."
        ),
    ),
)
class Ratings(WriteView):
    required_scope = Scope.RESIDENTS
    input_serializer = RatingIn

    def create(self, request):
        visitor = resident_required(request)
        data = RatingIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        task = (
            ResponsibilityTask.objects.filter(pk=v["task_id"], unit__path__startswith=client_of(request).unit.path)
            .exclude(status=TaskStatus.CANCELLED)
            .first()
        )
        if task is None:
            raise NotFound(_("没有这项工作责任，或不在本客户端的范围内。"))
        rating = acc.rating_submit(
            task=task, actor=AnonymousUser(), score=v["score"], comment=v.get("comment", ""), visitor=visitor
        )
        return Response(RatingOut(rating).data, status=201)
