"""/api/v1/ public reads (scope public:read) and raising topics (scope topics:raise), always inside the client's unit
subtree: units, rooms with their QR targets, open topics and tracking by code, posted results with their timelines."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from shangliang.accountability.models import ResponsibilityTask, TaskStatus
from shangliang.accountability.selectors import rating_summary
from shangliang.api import raising
from shangliang.api.auth import client_of
from shangliang.api.base import IDEMPOTENCY_PARAMETER, ApiView, WriteView
from shangliang.api.models import Scope
from shangliang.api.pagination import UPDATED_SINCE, ChangedCursor, updated_since
from shangliang.api.progress import progress_of, tasks_by_topic, with_progress
from shangliang.api.residents import resident_of
from shangliang.api.v1 import serializers as s
from shangliang.consultations.models import CLOSED, Consultation, Suggestion, SuggestionStatus
from shangliang.core.eventtypes import label_of
from shangliang.core.models import Event
from shangliang.topics.models import Topic, normalise_code
from shangliang.topics.selectors import public_topics, topic_timeline
from shangliang.units.models import Room, Unit

ERRORS = {
    400: OpenApiResponse(s.Errors, description="Bad input (the field is named)"),
    401: OpenApiResponse(s.Errors, description="No or bad key"),
    403: OpenApiResponse(s.Errors, description="Not allowed for this client"),
    404: OpenApiResponse(s.Errors, description="Not found"),
    409: OpenApiResponse(s.Errors, description="Not possible in this state"),
    429: OpenApiResponse(s.Errors, description="Too many calls"),
}


def reads(status: int, serializer) -> dict:
    return {status: serializer, **{k: v for k, v in ERRORS.items() if k != 409}}


def writes(status: int, serializer) -> dict:
    return {status: serializer, **ERRORS}


class ListView(ApiView, GenericAPIView):
    """A cursor-paginated list with updated_since, inside the client's subtree."""

    required_scope = Scope.READ_PUBLIC
    pagination_class = ChangedCursor
    updated_field = "updated_at"

    def scoped(self, queryset, prefix: str = "unit__"):
        return queryset.filter(**{f"{prefix}path__startswith": client_of(self.request).unit.path})

    def page_of(self, queryset, serializer_class, context=None):
        page = self.paginate_queryset(updated_since(self.request, queryset, self.updated_field))
        context = {"request": self.request, **(context(page) if context else {})}
        return self.get_paginated_response(serializer_class(page, many=True, context=context).data)


class CreatedCursor(ChangedCursor):
    ordering = ("created_at", "id")


class Units(ListView):
    pagination_class = CreatedCursor
    updated_field = "created_at"
    serializer_class = s.UnitOut

    @extend_schema(
        operation_id="units_list",
        tags=["public"],
        parameters=[UPDATED_SINCE],
        responses=reads(200, s.UnitOut(many=True)),
        description="The units of the client's subtree (updated_since compares the creation time).",
    )
    def get(self, request):
        units = Unit.objects.filter(is_active=True, path__startswith=client_of(request).unit.path)
        return self.page_of(units, s.UnitOut)


class Rooms(ListView):
    serializer_class = s.RoomOut

    @extend_schema(
        operation_id="rooms_list",
        tags=["public"],
        parameters=[UPDATED_SINCE],
        responses=reads(200, s.RoomOut(many=True)),
    )
    def get(self, request):
        return self.page_of(self.scoped(Room.objects.all()), s.RoomOut)


def topic_context(page):
    return {"progress": progress_of(page), "ratings": topic_ratings(page)}


def topic_ratings(topics) -> dict:
    """The ratings of the topics' tasks (prefetched by `with_progress`), one query for all."""
    return rating_summary([t for tasks in tasks_by_topic(topics).values() for t in tasks])


@extend_schema_view(
    post=extend_schema(
        operation_id="topics_raise",
        tags=["topics"],
        request={"application/json": s.TopicIn, "multipart/form-data": s.TopicIn},
        parameters=[IDEMPOTENCY_PARAMETER],
        responses=writes(201, s.TopicDetail),
        description=(
            "Raise a concern as the client's source: 群众出题 at the unit's room (a name or mobile only with "
            "contact_consent), or 网格员收集 as the client's liaison account. Photos: multipart, up to 3."
        ),
    ),
)
class Topics(WriteView, ListView):
    serializer_class = s.TopicOut
    input_serializer = s.TopicIn

    def get_permissions(self):
        if self.request.method == "POST":
            self.required_scope = Scope.RAISE_TOPICS
        return super().get_permissions()

    @extend_schema(
        operation_id="topics_list",
        tags=["topics"],
        parameters=[UPDATED_SINCE],
        responses=reads(200, s.TopicOut(many=True)),
        description="Open topics (待筛选, 已受理, 已审定) of the client's subtree.",
    )
    def get(self, request):
        return self.page_of(with_progress(self.scoped(public_topics())), s.TopicOut, topic_context)

    def create(self, request):
        client = client_of(request)
        data = s.TopicIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        concern = raising.Concern(
            description=v["description"],
            title=v.get("title", ""),
            name=v.get("name", ""),
            mobile=v.get("mobile", ""),
            contact_consent=v.get("contact_consent", False),
            address=v.get("address", ""),
            photos=tuple(v.get("photos") or ()),
        )
        unit = raising.unit_for(client, v.get("unit_id"))
        visitor = resident_of(request, client) if client.has_scope(Scope.RESIDENTS) else None
        topic = raising.raise_topic(client=client, account=client.account, unit=unit, concern=concern, visitor=visitor)
        return Response(topic_detail(topic), status=201)


def topic_detail(topic: Topic) -> dict:
    topic = with_progress(Topic.objects.filter(pk=topic.pk)).get()
    events = list(topic_timeline(topic, public_only=True))
    topic.public_timeline = [timeline_entry(e) for e in events]
    return s.TopicDetail(topic, context=topic_context([topic])).data


def timeline_entry(event: Event) -> dict:
    return {
        "created_at": event.created_at,
        "action": event.action,
        "label": label_of(event),
        "to_state": event.to_state,
        "note": event.note,
    }


class TopicByCode(ApiView):
    required_scope = Scope.READ_PUBLIC

    @extend_schema(operation_id="topics_track", tags=["topics"], responses=reads(200, s.TopicDetail))
    def get(self, request, code):
        """Track a topic of the client's subtree by its tracking code (any status), with its public timeline."""
        topic = Topic.objects.filter(
            tracking_code=normalise_code(code), unit__path__startswith=client_of(request).unit.path
        ).first()
        if topic is None:
            raise NotFound(_("查询码不正确，或该议题不在本客户端的服务范围内。"))
        return Response(topic_detail(topic))


def results_queryset():
    tasks = ResponsibilityTask.objects.select_related("department", "owner_unit").exclude(status=TaskStatus.CANCELLED)
    suggestions = (
        Suggestion.objects.filter(status=SuggestionStatus.ACTIVE)
        .prefetch_related(Prefetch("tasks", queryset=tasks.order_by("deadline", "id")))
        .order_by("order", "id")
    )
    return Consultation.objects.filter(status__in=CLOSED).prefetch_related(
        Prefetch("suggestions", queryset=suggestions, to_attr="public_suggestions")
    )


def result_context(page):
    return {"ratings": rating_summary(s.result_tasks(page))}


class Results(ListView):
    serializer_class = s.ResultOut

    @extend_schema(
        operation_id="results_list",
        tags=["results"],
        parameters=[UPDATED_SINCE],
        responses=reads(200, s.ResultOut(many=True)),
        description="Consultations of the subtree whose results are posted (公示): suggestions and their tasks.",
    )
    def get(self, request):
        return self.page_of(self.scoped(results_queryset()), s.ResultOut, result_context)


class ResultDetail(ApiView):
    required_scope = Scope.READ_PUBLIC

    @extend_schema(operation_id="results_read", tags=["results"], responses=reads(200, s.ResultDetail))
    def get(self, request, pk):
        """One posted result with its progress timeline: the consultation's public events and its tasks'."""
        consultation = (
            results_queryset().filter(pk=pk, unit__path__startswith=client_of(request).unit.path).first()
            if 0 < pk < 2**62
            else None
        )
        if consultation is None:
            raise NotFound(_("没有这项已公示的协商成果，或不在本客户端的服务范围内。"))
        task_ids = [t.pk for t in s.result_tasks([consultation])]
        events = Event.objects.filter(public=True).filter(
            content_type=ContentType.objects.get_for_model(Consultation), object_id=consultation.pk
        ) | Event.objects.filter(
            public=True, content_type=ContentType.objects.get_for_model(ResponsibilityTask), object_id__in=task_ids
        )
        consultation.public_timeline = [timeline_entry(e) for e in events.order_by("created_at", "id")]
        return Response(s.ResultDetail(consultation, context=result_context([consultation])).data)
