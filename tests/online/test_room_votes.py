"""Votes and statements from participants: one vote per participant and statement (a later one replaces it),
the moderation modes, bad input with a clear message and nothing changed, rate limits, double submits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.ratelimit import RateLimited
from shangliang.online import services
from shangliang.online.models import ModerationMode, OnlineRoom, RoomStatus, Statement, StatementStatus, Vote
from tests.conftest import fresh
from tests.online.rooms import _clear_cache, convenor, key, make_room, participant, statements  # noqa: F401

pytestmark = pytest.mark.django_db


def snapshot(room):
    return (
        sorted(Vote.objects.filter(room=room).values_list("participant_id", "statement_id", "value")),
        sorted(Statement.objects.filter(room=room).values_list("pk", "status", "text")),
        OnlineRoom.objects.get(pk=room.pk).change_seq,
    )


def test_a_later_vote_replaces_the_earlier_one(world):
    room = make_room(world)
    p = participant(room, world.users["resident"])
    s = statements(room)[0]
    first = services.vote_cast(participant=p, statement_id=s.pk, value=1)
    second = services.vote_cast(participant=p, statement_id=s.pk, value="-1")
    assert first.pk == second.pk
    assert list(Vote.objects.filter(participant=p).values_list("statement_id", "value")) == [(s.pk, -1)]
    assert second.updated_at >= first.created_at
    services.vote_cast(participant=p, statement_id=s.pk, value=0)
    assert Vote.objects.get(participant=p, statement=s).value == 0


def test_the_same_vote_twice_changes_nothing(world):
    room = make_room(world)
    p = participant(room, number="13800000001")
    s = statements(room)[1]
    services.vote_cast(participant=p, statement_id=s.pk, value=1)
    before = snapshot(room)
    services.vote_cast(participant=p, statement_id=s.pk, value=1)
    assert snapshot(room) == before


def test_an_account_and_a_mobile_are_one_participant_each(world):
    room = make_room(world)
    a = participant(room, world.users["resident"])
    assert participant(room, world.users["resident"]).pk == a.pk
    b = participant(room, number="13800000002")
    assert participant(room, number="13800000002").pk == b.pk
    assert a.pk != b.pk
    assert (a.kind, b.kind, b.mobile_masked) == ("account", "mobile", "138****0002")
    assert sorted([a.polis_id, b.polis_id]) == [0, 1]
    with pytest.raises(InvalidInput, match="请先登录或验证手机号"):
        services.participant_for(room=room)


@pytest.mark.parametrize(
    ("value", "statement", "error", "message"),
    [
        ("2", 0, InvalidInput, "请选择同意、不同意或跳过"),
        ("", 0, InvalidInput, "请选择同意、不同意或跳过"),
        ("abc", 0, InvalidInput, "请选择同意、不同意或跳过"),
        ("1", "x", InvalidInput, "不存在或不属于本议事室"),
        ("1", 999999, InvalidInput, "不存在或不属于本议事室"),
    ],
)
def test_bad_votes_change_nothing(world, value, statement, error, message):
    room = make_room(world)
    p = participant(room, number="13800000003")
    sid = statements(room)[0].pk if statement == 0 else statement
    before = snapshot(room)
    with pytest.raises(error, match=message):
        services.vote_cast(participant=p, statement_id=sid, value=value)
    assert snapshot(room) == before


def test_a_vote_on_another_rooms_statement_is_refused(world):
    room = make_room(world)
    other = make_room(world, seeds=("别的议事室的观点",))
    p = participant(room, number="13800000004")
    before = snapshot(room)
    with pytest.raises(InvalidInput, match="不属于本议事室"):
        services.vote_cast(participant=p, statement_id=statements(other)[0].pk, value=1)
    assert snapshot(room) == before and not Vote.objects.filter(room=other).exists()


@pytest.mark.parametrize("state", [RoomStatus.DRAFT, RoomStatus.CLOSED])
def test_no_votes_or_statements_unless_open(world, state):
    room = make_room(world, status=state)
    p = participant(room, number="13800000005")
    before = snapshot(room)
    with pytest.raises(NotPossible, match="尚未开始" if state == RoomStatus.DRAFT else "已结束"):
        services.vote_cast(participant=p, statement_id=statements(room)[0].pk, value=1)
    with pytest.raises(NotPossible):
        services.statement_add(participant=p, text="还能说吗")
    assert snapshot(room) == before


def test_no_votes_outside_the_period(world):
    room = make_room(world)
    p = participant(room, number="13800000006")
    s = statements(room)[0]
    OnlineRoom.objects.filter(pk=room.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(NotPossible, match="截止"):
        services.vote_cast(participant=p, statement_id=s.pk, value=1)
    OnlineRoom.objects.filter(pk=room.pk).update(
        opens_at=timezone.now() + timedelta(hours=1), closes_at=timezone.now() + timedelta(days=1)
    )
    with pytest.raises(NotPossible, match="届时才能表态"):
        services.vote_cast(participant=p, statement_id=s.pk, value=1)
    assert not Vote.objects.filter(room=room).exists()


@pytest.mark.parametrize("hidden_as", ["hide", "reject", "pending"])
def test_no_votes_on_hidden_rejected_or_unreviewed_statements(world, hidden_as):
    room = make_room(world)
    p = participant(room, number="13800000007")
    if hidden_as == "hide":
        s = statements(room)[0]
        services.statement_moderate(actor=convenor(world), statement=s, action="hide", note="不当")
    else:
        s = services.statement_add(participant=participant(room, number="13800000008"), text="加快进度")
        if hidden_as == "reject":
            services.statement_moderate(actor=convenor(world), statement=s, action="reject", note="重复")
    before = snapshot(room)
    with pytest.raises(NotPossible, match="已被隐藏或尚未通过审核"):
        services.vote_cast(participant=p, statement_id=s.pk, value=1)
    assert snapshot(room) == before


def test_pre_moderation_hides_new_statements_until_approved(world):
    room = make_room(world, moderation=ModerationMode.PRE)
    p = participant(room, world.users["resident"])
    s = services.statement_add(participant=p, text="  希望建一个\n公开栏  ")
    assert (s.status, s.text, s.author_id, s.is_seed) == (StatementStatus.PENDING, "希望建一个 公开栏", p.pk, False)
    voter = participant(room, number="13800000009")
    with pytest.raises(NotPossible):
        services.vote_cast(participant=voter, statement_id=s.pk, value=1)
    services.statement_moderate(actor=convenor(world), statement=s, action="approve")
    services.vote_cast(participant=voter, statement_id=s.pk, value=1)
    assert Vote.objects.filter(statement=s).count() == 1


def test_post_moderation_takes_votes_at_once_and_hiding_stops_them(world):
    room = make_room(world, moderation=ModerationMode.POST)
    s = services.statement_add(participant=participant(room, number="13800000010"), text="先清理沟渠")
    voter = participant(room, number="13800000011")
    services.vote_cast(participant=voter, statement_id=s.pk, value=1)
    services.statement_moderate(actor=convenor(world), statement=s, action="reject", note="重复")
    with pytest.raises(NotPossible):
        services.vote_cast(participant=voter, statement_id=s.pk, value=-1)
    assert Vote.objects.get(statement=s).value == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请填写观点"),
        ("   ", "请填写观点"),
        ("长" * 141, "不能超过 140 个字"),
        ("有\x00无效字符", "无效字符"),
        (None, "请填写观点"),
        (["列表"], "格式不正确"),
    ],
)
def test_bad_statements_change_nothing(world, text, message):
    room = make_room(world)
    p = participant(room, number="13800000012")
    before = snapshot(room)
    with pytest.raises(InvalidInput, match=message):
        services.statement_add(participant=p, text=text)
    with pytest.raises(InvalidInput, match=message):
        services.statement_seed(actor=convenor(world), room=room, text=text)
    assert snapshot(room) == before


def test_a_duplicate_statement_is_refused_and_a_double_submit_gives_the_first(world):
    room = make_room(world)
    p = participant(room, number="13800000013")
    with pytest.raises(InvalidInput, match="已有相同的观点"):
        services.statement_add(participant=p, text=statements(room)[0].text)
    k = key()
    first = services.statement_add(participant=p, text="希望每月公开进展", idempotency_key=k)
    again = services.statement_add(participant=p, text="希望每月公开进展", idempotency_key=k)
    assert first.pk == again.pk and again.replayed
    other = participant(room, number="13800000014")
    with pytest.raises(InvalidInput, match="表单已失效"):
        services.statement_add(participant=other, text="别人拿同一个表单", idempotency_key=k)
    with pytest.raises(InvalidInput, match="表单已失效"):
        services.statement_add(participant=other, text="坏的表单", idempotency_key="bad key!")
    assert Statement.objects.filter(room=room, author__isnull=False).count() == 1


def test_a_room_without_new_statements_refuses_them(world):
    room = make_room(world, allow_statements=False)
    with pytest.raises(NotPossible, match="不接受新观点"):
        services.statement_add(participant=participant(room, number="13800000015"), text="我有新想法")


def test_votes_are_rate_limited_per_participant(world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": {"each": (3, 600), "network": (3000, 600)}}
    room = make_room(world)
    p = participant(room, number="13800000016")
    ids = [s.pk for s in statements(room)]
    for sid in ids[:3]:
        services.vote_cast(participant=p, statement_id=sid, value=1)
    before = snapshot(room)
    with pytest.raises(RateLimited, match="表态过于频繁"):
        services.vote_cast(participant=p, statement_id=ids[3], value=1)
    assert snapshot(room) == before
    # another participant on the same network is not held back by this one
    services.vote_cast(participant=participant(room, number="13800000017"), statement_id=ids[3], value=1)


def test_statements_are_rate_limited(world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "statement": {"each": (2, 3600), "network": (100, 3600)}}
    room = make_room(world)
    p = participant(room, number="13800000021")
    services.statement_add(participant=p, text="第一条")
    services.statement_add(participant=p, text="第二条")
    with pytest.raises(RateLimited, match="发表观点过于频繁"):
        services.statement_add(participant=p, text="第三条")
    assert Statement.objects.filter(author=p).count() == 2


def test_seeding_is_the_convenors_and_not_after_closing(world):
    room = make_room(world)
    from shangliang.core.errors import NotAllowed

    for role in ("staff", "approver", "member", "resident"):
        with pytest.raises(NotAllowed):
            services.statement_seed(actor=fresh(world.users[role]), room=room, text="我来预设一条")
    services.room_close(actor=convenor(world), room=room)
    with pytest.raises(NotPossible, match="已结束"):
        services.statement_seed(actor=convenor(world), room=room, text="结束后再加")
