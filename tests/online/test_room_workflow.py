"""The room's one transition table (draft → open → closed) and statement moderation: who may, what state allows,
the event log, and that each refusal is the right kind ("not allowed for you" vs "not possible now")."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import timeline
from shangliang.online import services
from shangliang.online.models import ModerationMode, RoomStatus, StatementStatus
from shangliang.online.workflow import ROOM_WORKFLOW, STATEMENT_WORKFLOW
from tests.conftest import fresh
from tests.online.rooms import _clear_cache, consultation, convenor, make_room, participant, reload  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_tables_are_the_documented_ones():
    assert {(t.source, t.action, t.target) for t in ROOM_WORKFLOW.transitions} == {
        ("draft", "open", "open"),
        ("open", "close", "closed"),
    }
    assert {(t.source, t.action, t.target) for t in STATEMENT_WORKFLOW.transitions} == {
        ("pending", "approve", "approved"),
        ("pending", "reject", "rejected"),
        ("approved", "hide", "hidden"),
        ("hidden", "restore", "approved"),
        ("rejected", "restore", "approved"),
    }


def test_draft_opens_then_closes_with_events(world):
    room = make_room(world, status=RoomStatus.DRAFT)
    assert room.status == RoomStatus.DRAFT and not room.accepting()
    services.room_open(actor=convenor(world), room=room)
    room = reload(room)
    assert room.status == RoomStatus.OPEN and room.opened_at and room.accepting()
    services.room_close(actor=convenor(world), room=room)
    room = reload(room)
    assert room.status == RoomStatus.CLOSED and room.closed_at and not room.accepting()
    steps = [(e.action, e.from_state, e.to_state) for e in timeline(room)]
    assert steps[0][0] == "create"
    assert ("open", "draft", "open") in steps and ("close", "open", "closed") in steps
    assert [e.action for e in timeline(room)].count("seed") == 8


@pytest.mark.parametrize(
    ("state", "action"), [("draft", "close"), ("open", "open"), ("closed", "open"), ("closed", "close")]
)
def test_impossible_steps_are_not_possible_not_forbidden(world, state, action):
    room = make_room(world, status=state)
    step = services.room_open if action == "open" else services.room_close
    with pytest.raises(NotPossible):
        step(actor=convenor(world), room=room)
    assert reload(room).status == state


@pytest.mark.parametrize("role", ["staff", "approver", "liaison", "member", "resident", "stranger"])
def test_only_the_units_convenor_opens_and_closes(world, role):
    room = make_room(world, status=RoomStatus.DRAFT)
    with pytest.raises(NotAllowed):
        services.room_open(actor=fresh(world.users[role]), room=room)
    services.room_open(actor=convenor(world), room=room)
    with pytest.raises(NotAllowed):
        services.room_close(actor=fresh(world.users[role]), room=reload(room))
    assert reload(room).status == RoomStatus.OPEN


def test_opening_needs_a_statement_and_a_future_closing_time(world):
    room = make_room(world, status=RoomStatus.DRAFT, seeds=())
    with pytest.raises(NotPossible, match="预设至少一条观点"):
        services.room_open(actor=convenor(world), room=room)
    services.statement_seed(actor=convenor(world), room=room, text="应当公开水质检测结果")
    room.closes_at = None
    room.save(update_fields=["closes_at"])
    with pytest.raises(NotPossible, match="结束时间"):
        services.room_open(actor=convenor(world), room=reload(room))
    assert reload(room).status == RoomStatus.DRAFT


def test_one_room_per_consultation_and_none_for_a_cancelled_one(world):
    room = make_room(world)
    with pytest.raises(NotPossible, match="已有"):
        services.room_create(actor=convenor(world), consultation=room.consultation, question="再开一个？")
    cancelled = consultation(world, status="cancelled")
    with pytest.raises(NotPossible, match="结束或取消"):
        services.room_create(actor=convenor(world), consultation=cancelled, question="？")


def test_the_online_consultations_period_is_the_default(world):
    c = consultation(world)
    opens, closes = timezone.now() + timedelta(days=1), timezone.now() + timedelta(days=9)
    c.online_opens_at, c.online_closes_at = opens, closes
    c.save()
    room = services.room_create(actor=convenor(world), consultation=c, question="怎么办？")
    assert room.opens_at == opens.replace(second=0, microsecond=0)
    assert room.closes_at == closes.replace(second=0, microsecond=0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"question": ""}, "请填写协商的问题"),
        ({"question": "问" * 201}, "不能超过 200 个字"),
        ({"moderation": "later"}, "请选择审核方式"),
        ({"opens_at": timezone.now() + timedelta(days=3), "closes_at": timezone.now() + timedelta(days=2)}, "晚于开始"),
        ({"closes_at": timezone.now() + timedelta(days=900)}, "一年以后"),
    ],
)
def test_bad_settings_are_refused(world, fields, message):
    c = consultation(world)
    data = {"question": "怎么办？", **fields}
    with pytest.raises(InvalidInput, match=message):
        services.room_create(actor=convenor(world), consultation=c, **data)
    assert not hasattr(c, "online_room") or c.online_room is None


def test_moderation_steps_and_their_log(world):
    room = make_room(world)
    p = participant(room, world.users["resident"])
    s = services.statement_add(participant=p, text="希望每月公开一次进展")
    assert s.status == StatementStatus.PENDING
    services.statement_moderate(actor=convenor(world), statement=s, action="approve")
    assert s.status == StatementStatus.APPROVED
    with pytest.raises(InvalidInput, match="需要填写说明"):
        services.statement_moderate(actor=convenor(world), statement=s, action="hide")
    services.statement_moderate(actor=convenor(world), statement=s, action="hide", note="与议题无关")
    assert s.status == StatementStatus.HIDDEN
    with pytest.raises(NotPossible):
        services.statement_moderate(actor=convenor(world), statement=s, action="approve")
    services.statement_moderate(actor=convenor(world), statement=s, action="restore")
    assert s.status == StatementStatus.APPROVED
    log = [(e.action, e.from_state, e.to_state, e.unit_id) for e in timeline(s)]
    assert log == [
        ("approve", "pending", "approved", world.t1.pk),
        ("hide", "approved", "hidden", world.t1.pk),
        ("restore", "hidden", "approved", world.t1.pk),
    ]


@pytest.mark.parametrize("role", ["staff", "approver", "liaison", "member", "resident", "stranger"])
def test_only_the_convenor_moderates(world, role):
    room = make_room(world)
    s = services.statement_add(participant=participant(room, number="13900000001"), text="多开几次说明会")
    with pytest.raises(NotAllowed):
        services.statement_moderate(actor=fresh(world.users[role]), statement=s, action="approve")
    s.refresh_from_db()
    assert s.status == StatementStatus.PENDING


def test_post_moderation_shows_at_once_until_rejected(world):
    room = make_room(world, moderation=ModerationMode.POST)
    p = participant(room, number="13900000002")
    s = services.statement_add(participant=p, text="先把沟渠清理干净")
    assert s.status == StatementStatus.PENDING
    assert s.pk in set(room.statements.filter(status__in=room.visible_statuses()).values_list("pk", flat=True))
    services.statement_moderate(actor=convenor(world), statement=s, action="reject", note="重复")
    assert s.pk not in set(room.statements.filter(status__in=room.visible_statuses()).values_list("pk", flat=True))
