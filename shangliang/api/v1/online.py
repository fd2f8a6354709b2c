"""/api/v1/online-rooms/: online consultation rooms (网上协商议事室) of the client's subtree. Anyone may read a public
room, its statements and its results (scope public:read); a mini-program votes and adds statements for a resident
with the resident's token (scope residents:act), through the online room's own services — one participant per
verified number, the room's moderation, its rate limits."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from shangliang.api.auth import client_of
from shangliang.api.base import IDEMPOTENCY_PARAMETER, ApiView, WriteView
from shangliang.api.models import Scope
from shangliang.api.pagination import UPDATED_SINCE, ChangedCursor
from shangliang.api.residents import resident_of
from shangliang.api.v1.civic import int_param
from shangliang.api.v1.public import ListView, reads, writes
from shangliang.api.v1.resident import TOKEN_PARAMETER, resident_required
from shangliang.online import selectors
from shangliang.online import services as online_services
from shangliang.online.models import OnlineParticipant, OnlineRoom, RoomStatus, Statement, StatementStatus, VoteValue
from shangliang.residents.visitor import Visitor


class OnlineRoomOut(serializers.Serializer):
    id = serializers.IntegerField()
    consultation_id = serializers.IntegerField()
    unit_id = serializers.IntegerField()
    question = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    accepting = serializers.SerializerMethodField(help_text="Votes and statements are taken now.")
    moderation = serializers.CharField(help_text="pre: statements shown after review; post: shown at once")
    allow_statements = serializers.BooleanField()
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    page_url = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    def get_accepting(self, room) -> bool:
        return room.accepting()

    def get_page_url(self, room) -> str:
        path = reverse("online:room", args=[room.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class OnlineStatementOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class MyStatementOut(serializers.Serializer):
    id = serializers.IntegerField()
    room_id = serializers.IntegerField()
    room_question = serializers.CharField(source="room.question")
    text = serializers.CharField()
    status = serializers.ChoiceField(
        choices=StatementStatus.values,
        help_text="pending (awaiting review), approved, rejected (not published), hidden (taken down after review)",
    )
    status_label = serializers.CharField(source="get_status_display")
    shown = serializers.SerializerMethodField(help_text="Participants see it now (and may vote on it).")
    created_at = serializers.DateTimeField()

    def get_shown(self, statement) -> bool:
        return statement.status in statement.room.visible_statuses()


class OnlineNextOut(serializers.Serializer):
    statement = OnlineStatementOut(allow_null=True, help_text="The next statement to vote on; null when all are voted.")
    voted = serializers.IntegerField()
    total = serializers.IntegerField()


class OnlineVoteIn(serializers.Serializer):
    statement_id = serializers.IntegerField(label=gettext_lazy("观点"), min_value=1, max_value=2**62)
    value = serializers.ChoiceField(
        label=gettext_lazy("表态"), choices=VoteValue.values, help_text="1 agree, -1 disagree, 0 pass"
    )


class OnlineVoteOut(serializers.Serializer):
    statement_id = serializers.IntegerField()
    value = serializers.IntegerField()


class OnlineStatementIn(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("观点"), max_length=500)


class OnlineShareOut(serializers.Serializer):
    statement_id = serializers.IntegerField(source="statement.pk")
    text = serializers.CharField(source="statement.text")
    agree = serializers.IntegerField()
    disagree = serializers.IntegerField()
    passes = serializers.IntegerField()


class OnlineGroupOut(serializers.Serializer):
    label = serializers.CharField()
    size = serializers.IntegerField()


class OnlineResultsOut(serializers.Serializer):
    analysed_at = serializers.DateTimeField(
        source="created_at", allow_null=True, help_text="null before the first analysis"
    )
    groups = OnlineGroupOut(many=True)
    common_ground = OnlineShareOut(many=True)
    divisive = OnlineShareOut(many=True)
    statements = OnlineShareOut(many=True)


class CreatedCursor(ChangedCursor):
    ordering = ("created_at", "id")


def room_of(request, pk: int) -> OnlineRoom:
    room = (
        selectors.ROOMS.filter(
            pk=pk,
            status__in=(RoomStatus.OPEN, RoomStatus.CLOSED),
            unit__path__startswith=client_of(request).unit.path,
        ).first()
        if 0 < pk < 2**62
        else None
    )
    if room is None:
        raise NotFound(_("没有这个网上协商议事室，或它尚未开放、不在本客户端的服务范围内。"))
    return room


def participant_of(room: OnlineRoom, visitor: Visitor | None) -> OnlineParticipant | None:
    if visitor is None or visitor.mobile is None:
        return None
    found = OnlineParticipant.objects.filter(room=room, mobile_hash=visitor.mobile.mobile_hash).first()
    if found is not None:
        found.room = room
    return found


class Rooms(ListView):
    serializer_class = OnlineRoomOut

    @extend_schema(
        operation_id="online_rooms_list",
        tags=["online rooms"],
        parameters=[UPDATED_SINCE],
        responses=reads(200, OnlineRoomOut(many=True)),
        description="Open and closed online rooms of the subtree (rooms being prepared are not public).",
    )
    def get(self, request):
        rooms = OnlineRoom.objects.filter(status__in=(RoomStatus.OPEN, RoomStatus.CLOSED))
        return self.page_of(self.scoped(rooms), OnlineRoomOut)


class RoomDetail(ApiView):
    required_scope = Scope.READ_PUBLIC

    @extend_schema(operation_id="online_rooms_read", tags=["online rooms"], responses=reads(200, OnlineRoomOut))
    def get(self, request, pk):
        return Response(OnlineRoomOut(room_of(request, pk), context={"request": request}).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="online_statements_add",
        tags=["online rooms"],
        request=OnlineStatementIn,
        parameters=[TOKEN_PARAMETER, IDEMPOTENCY_PARAMETER],
        responses=writes(201, OnlineStatementOut),
        description="The resident adds a statement: shown after review (pre-moderated room) or at once (post).",
    ),
)
class Statements(WriteView, ListView):
    serializer_class = OnlineStatementOut
    input_serializer = OnlineStatementIn
    pagination_class = CreatedCursor
    updated_field = "created_at"

    def get_permissions(self):
        if self.request.method == "POST":
            self.required_scope = Scope.RESIDENTS
        return super().get_permissions()

    @extend_schema(
        operation_id="online_statements_list",
        tags=["online rooms"],
        parameters=[UPDATED_SINCE],
        responses=reads(200, OnlineStatementOut(many=True)),
        description="The statements participants see (updated_since compares the time a statement was made).",
    )
    def get(self, request, pk):
        room = room_of(request, pk)
        return self.page_of(selectors.visible_statements(room), OnlineStatementOut)

    def create(self, request, pk):
        room = room_of(request, pk)
        visitor = resident_required(request)
        data = OnlineStatementIn(data=request.data)
        data.is_valid(raise_exception=True)
        # the participant row is written with the statement: a refused statement leaves none behind
        statement = online_services.statement_add_by(room=room, mobile=visitor.mobile, text=data.validated_data["text"])
        return Response(OnlineStatementOut(statement).data, status=201)


class Next(ApiView):
    required_scope = Scope.READ_PUBLIC

    @extend_schema(
        operation_id="online_next",
        tags=["online rooms"],
        parameters=[TOKEN_PARAMETER],
        responses=reads(200, OnlineNextOut),
        description="The next statement for the resident to vote on (with the token; without it, for a newcomer).",
    )
    def get(self, request, pk):
        room = room_of(request, pk)
        card = selectors.next_card(room, participant_of(room, resident_of(request, client_of(request))))
        return Response(
            {
                "statement": card.statement and OnlineStatementOut(card.statement).data,
                "voted": card.voted,
                "total": card.total,
            }
        )


@extend_schema_view(
    post=extend_schema(
        operation_id="online_vote",
        tags=["online rooms"],
        request=OnlineVoteIn,
        parameters=[TOKEN_PARAMETER, IDEMPOTENCY_PARAMETER],
        responses=writes(201, OnlineVoteOut),
        description="The resident agrees (1), disagrees (-1) or passes (0) on a statement; a later vote replaces it.",
    ),
)
class Votes(WriteView):
    required_scope = Scope.RESIDENTS
    input_serializer = OnlineVoteIn

    def create(self, request, pk):
        room = room_of(request, pk)
        visitor = resident_required(request)
        data = OnlineVoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        vote = online_services.vote_by(  # the participant row is written with the vote (none left if refused)
            room=room, mobile=visitor.mobile, statement_id=v["statement_id"], value=v["value"]
        )
        return Response({"statement_id": vote.statement_id, "value": int(vote.value)}, status=201)


class Results(ApiView):
    required_scope = Scope.READ_PUBLIC

    @extend_schema(
        operation_id="online_results",
        tags=["online rooms"],
        responses=reads(200, OnlineResultsOut),
        description="The latest analysis: opinion groups, common ground, divisive statements, every statement's votes.",
    )
    def get(self, request, pk):
        results = selectors.room_results(room_of(request, pk))
        if results is None:
            empty = {"analysed_at": None, "groups": [], "common_ground": [], "divisive": [], "statements": []}
            return Response(empty)
        return Response(OnlineResultsOut(results).data)


ROOM_FILTER = OpenApiParameter(
    "room_id", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False, description="Only this online room's."
)


class MyStatements(ListView):
    """The statements the resident added (any room of the subtree), whatever their review says."""

    required_scope = Scope.RESIDENTS
    serializer_class = MyStatementOut
    pagination_class = CreatedCursor
    updated_field = "created_at"

    @extend_schema(
        operation_id="resident_statements",
        tags=["resident"],
        parameters=[TOKEN_PARAMETER, ROOM_FILTER, UPDATED_SINCE],
        responses=reads(200, MyStatementOut(many=True)),
        description=(
            "The statements the resident added in the online rooms of the client's subtree with this verified number, "
            "including those awaiting review (pending) and those not published (rejected, hidden); updated_since "
            "compares the time a statement was made, so a client following reviews reads the list again."
        ),
    )
    def get(self, request):
        visitor = resident_required(request)
        mine = Statement.objects.filter(
            author__mobile_hash=visitor.mobile_hash,
            room__status__in=(RoomStatus.OPEN, RoomStatus.CLOSED),
            room__unit__path__startswith=client_of(request).unit.path,
        ).select_related("room")
        room_id = int_param(request, "room_id")
        if room_id is not None:
            mine = mine.filter(room_id=room_id)
        return self.page_of(mine, MyStatementOut)
