"""The pages over HTTP: proving a mobile number, the vote card (one statement at a time, by the engine's priority,
htmx or plain forms), adding statements, the convenor's pages; bad input, forged ids and double submits get a clear
message and change nothing. Every request runs under the N+1 guard (django-zeal, tests/settings.py)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from shangliang.core.events import timeline
from shangliang.online import services
from shangliang.online.models import (
    AnalysisRun,
    OnlineParticipant,
    OnlineRoom,
    RoomStatus,
    Statement,
    StatementStatus,
    Vote,
)
from shangliang.online.services import tasks
from tests.online.rooms import _clear_cache, consultation, convenor, key, make_room, participant, statements  # noqa: F401

pytestmark = pytest.mark.django_db


def verify(client, room, number="13812345678"):
    """The room sends a resident to the one verification page (residents) and back."""
    from datetime import timedelta

    from django.utils import timezone

    from shangliang.notifications import sms
    from shangliang.residents.models import SmsCode

    response = client.get(reverse("online:verify", args=[room.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("residents:verify"))
    url = response["Location"]
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # another browser, a minute later
    with override_settings(SMS_BACKEND="shangliang.notifications.sms.LocmemBackend"):
        response = client.post(url, {"step": "send", "mobile": number, "consent": "on"})
    assert response.status_code == 302, response.content.decode()
    code = sms.outbox[-1].text.split("验证码是 ")[1][:6]
    response = client.post(url, {"step": "check", "code": code})
    assert response.status_code == 302
    return response


def test_a_resident_proves_a_mobile_and_votes(client, world):
    room = make_room(world)
    page = client.get(reverse("online:room", args=[room.pk])).content.decode()
    assert "验证手机号" in page and 'name="value"' not in page  # sees the statement, cannot vote yet
    response = verify(client, room)
    assert response["Location"] == reverse("online:room", args=[room.pk])
    page = client.get(reverse("online:room", args=[room.pk])).content.decode()
    assert "138****5678" in page and 'name="value"' in page
    card = client.get(reverse("online:room", args=[room.pk])).context["card"]
    response = client.post(reverse("online:vote", args=[room.pk]), {"statement": card.statement.pk, "value": "1"})
    assert response.status_code == 302
    p = OnlineParticipant.objects.get(room=room)
    assert (p.kind, p.mobile_masked, p.user_id) == ("mobile", "138****5678", None)
    assert list(Vote.objects.filter(participant=p).values_list("statement_id", "value")) == [(card.statement.pk, 1)]
    # the same number in another browser is the same participant
    other = client.__class__()
    verify(other, room)
    other.post(reverse("online:vote", args=[room.pk]), {"statement": card.statement.pk, "value": "-1"})
    assert OnlineParticipant.objects.filter(room=room).count() == 1
    assert Vote.objects.get(participant=p).value == -1


def test_an_account_votes_with_htmx_and_the_next_card_comes_back(client, world):
    room = make_room(world)
    client.force_login(world.users["resident"])
    seen = []
    for _i in range(3):
        card = client.get(reverse("online:card", args=[room.pk])).context["card"]
        seen.append(card.statement.pk)
        response = client.post(
            reverse("online:vote", args=[room.pk]),
            {"statement": card.statement.pk, "value": "0"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and 'id="vote-card"' in response.content.decode()
        assert response.context["card"].statement.pk not in seen
    assert len(set(seen)) == 3
    assert Vote.objects.filter(participant__user=world.users["resident"]).count() == 3


def test_every_statement_once_then_done_and_new_ones_come_first(client, world):
    room = make_room(world, seeds=("第一条观点", "第二条观点"))
    client.force_login(world.users["resident"])
    for _i in range(2):
        card = client.get(reverse("online:card", args=[room.pk])).context["card"]
        client.post(reverse("online:vote", args=[room.pk]), {"statement": card.statement.pk, "value": "1"})
    page = client.get(reverse("online:room", args=[room.pk])).content.decode()
    assert "您已对全部 2 条观点表态" in page
    new = services.statement_seed(actor=convenor(world), room=room, text="新加的观点")
    assert client.get(reverse("online:card", args=[room.pk])).context["card"].statement.pk == new.pk


def test_the_next_statement_follows_the_stored_priority(client, world):
    room = make_room(world)
    ids = [s.pk for s in statements(room)]
    run = AnalysisRun.objects.filter(room=room).latest("id")
    run.priorities = {str(pk): (1000.0 if pk == ids[5] else 1e-9) for pk in ids}
    run.save(update_fields=["priorities"])
    for number in ("13800000001", "13800000002", "13800000003"):
        c = client.__class__()
        verify(c, room, number)
        assert c.get(reverse("online:card", args=[room.pk])).context["card"].statement.pk == ids[5]


def test_voting_needs_an_identity(client, world):
    room = make_room(world)
    s = statements(room)[0]
    response = client.post(reverse("online:vote", args=[room.pk]), {"statement": s.pk, "value": "1"})
    assert response.status_code == 302 and reverse("online:verify", args=[room.pk]) in response["Location"]
    response = client.post(reverse("online:add_statement", args=[room.pk]), {"text": "没有身份"})
    assert response.status_code == 302
    assert not Vote.objects.exists() and Statement.objects.filter(room=room).count() == 8


def test_refused_votes_over_http(client, world):
    room = make_room(world)
    other = make_room(world, seeds=("别处的观点",))
    client.force_login(world.users["resident"])
    s = statements(room)[0]
    forged = client.post(reverse("online:vote", args=[room.pk]), {"statement": statements(other)[0].pk, "value": "1"})
    assert forged.status_code == 400 and "不存在或不属于本议事室" in forged.content.decode()
    bad = client.post(reverse("online:vote", args=[room.pk]), {"statement": s.pk, "value": "yes"})
    assert bad.status_code == 400 and "请选择同意、不同意或跳过" in bad.content.decode()
    services.statement_moderate(actor=convenor(world), statement=s, action="hide", note="不当")
    hidden = client.post(
        reverse("online:vote", args=[room.pk]), {"statement": s.pk, "value": "1"}, HTTP_HX_REQUEST="true"
    )
    assert hidden.status_code == 200 and "已被隐藏" in hidden.content.decode()
    services.room_close(actor=convenor(world), room=room)
    closed = client.post(reverse("online:vote", args=[room.pk]), {"statement": statements(room)[1].pk, "value": "1"})
    assert closed.status_code == 409 and "网上协商已结束" in closed.content.decode()
    assert not Vote.objects.exists()


def test_adding_a_statement_over_http(client, world):
    room = make_room(world)
    client.force_login(world.users["resident"])
    url = reverse("online:add_statement", args=[room.pk])
    k = key()
    for _i in range(2):  # a double click: one statement
        response = client.post(url, {"text": "希望每月公开一次进展", "idempotency_key": k})
        assert response.status_code == 302
    assert Statement.objects.filter(room=room, text="希望每月公开一次进展").count() == 1
    page = client.get(reverse("online:room", args=[room.pk])).content.decode()
    assert "审核通过后显示" in page
    long = client.post(url, {"text": "长" * 141, "idempotency_key": key()})
    assert long.status_code == 400 and "不能超过 140 个字" in long.content.decode()
    empty = client.post(url, {"text": "", "idempotency_key": key()})
    assert empty.status_code == 400 and "请填写观点" in empty.content.decode()
    assert Statement.objects.filter(room=room).count() == 9


def test_a_draft_room_is_not_public(client, world):
    room = make_room(world, status=RoomStatus.DRAFT)
    assert client.get(reverse("online:room", args=[room.pk])).status_code == 404
    assert client.post(reverse("online:vote", args=[room.pk]), {"statement": 1, "value": 1}).status_code == 404
    assert client.get(reverse("online:results", args=[room.pk])).status_code == 404
    assert client.get(reverse("online:room", args=[999999])).status_code == 404


def test_the_convenor_opens_a_room_from_the_consultation(client, world):
    c = consultation(world)
    client.force_login(world.users["convenor"])
    url = reverse("online:create", args=[c.pk])
    assert client.get(url).status_code == 200
    closes = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(url, {"question": "", "moderation": "pre", "closes_at": closes})
    assert bad.status_code == 400 and "请填写协商的问题" in bad.content.decode()
    response = client.post(url, {"question": "污水处理站怎么建？", "moderation": "post", "closes_at": closes})
    room = OnlineRoom.objects.get(consultation=c)
    assert response.status_code == 302 and room.moderation == "post" and room.status == RoomStatus.DRAFT
    assert client.get(url)["Location"] == reverse("online:manage", args=[room.pk])  # one room per consultation
    seed_url = reverse("online:seed", args=[room.pk])
    k = key()
    for _i in range(2):
        client.post(seed_url, {"text": "费用按排污量分担", "idempotency_key": k})
    client.post(seed_url, {"text": "", "idempotency_key": key()})
    assert list(Statement.objects.filter(room=room).values_list("text", flat=True)) == ["费用按排污量分担"]
    client.post(reverse("online:transition", args=[room.pk]), {"action": "open"})
    room.refresh_from_db()
    assert room.status == RoomStatus.OPEN
    edit = client.post(
        reverse("online:edit", args=[room.pk]),
        {
            "question": "污水处理站怎么建、钱怎么分？",
            "moderation": "pre",
            "closes_at": closes,
            "allow_statements": "on",
        },
    )
    assert edit.status_code == 302
    room.refresh_from_db()
    assert room.question == "污水处理站怎么建、钱怎么分？" and room.moderation == "pre"
    client.post(reverse("online:transition", args=[room.pk]), {"action": "close"})
    room.refresh_from_db()
    assert room.status == RoomStatus.CLOSED
    assert [e.action for e in timeline(room)] == ["create", "seed", "open", "update", "close"]


def test_moderation_over_http_and_forged_statement_ids(client, world):
    room = make_room(world)
    other = make_room(world, seeds=("别处的观点",))
    s = services.statement_add(participant=participant(room, number="13800000031"), text="希望公开账目")
    client.force_login(world.users["convenor"])
    assert (
        client.post(reverse("online:moderate", args=[room.pk, statements(other)[0].pk]), {"action": "hide"}).status_code
        == 404
    )
    client.post(reverse("online:moderate", args=[room.pk, s.pk]), {"action": "reject"})  # a note is required
    s.refresh_from_db()
    assert s.status == StatementStatus.PENDING
    client.post(reverse("online:moderate", args=[room.pk, s.pk]), {"action": "explode"})
    client.post(reverse("online:moderate", args=[room.pk, s.pk]), {"action": "approve"})
    s.refresh_from_db()
    assert s.status == StatementStatus.APPROVED
    page = client.get(reverse("online:manage", args=[room.pk]))
    assert page.status_code == 200 and "希望公开账目" in page.content.decode()


def test_pages_hold_no_n_plus_one_on_a_busy_room(client, world):
    """Many statements, participants and votes: the staff page, the room and the results render (zeal guards)."""
    room = make_room(world)
    for i in range(12):
        services.statement_seed(actor=convenor(world), room=room, text=f"补充观点 {i}")
    people = [participant(room, number=f"1350000{i:04d}") for i in range(20)]
    ids = [s.pk for s in statements(room)]
    Vote.objects.bulk_create(
        Vote(room=room, participant=p, statement_id=sid, value=(i + j) % 3 - 1)
        for i, p in enumerate(people)
        for j, sid in enumerate(ids)
    )
    for p in people[:3]:
        s = services.statement_add(participant=p, text=f"参与者的观点 {p.pk}")
        services.statement_moderate(actor=convenor(world), statement=s, action="approve")
    OnlineRoom.objects.filter(pk=room.pk).update(change_seq=10_000)
    tasks.recompute(room.pk)
    client.force_login(world.users["convenor"])
    for name in ("manage", "room", "results"):
        response = client.get(reverse(f"online:{name}", args=[room.pk]))
        assert response.status_code == 200, name
    client.force_login(world.users["staff"])  # sees, does not run: no buttons
    html = client.get(reverse("online:manage", args=[room.pk])).content.decode()
    assert 'name="action" value="close"' not in html and "纳入建议清单" not in html and "导出为 Pol.is 格式" in html
    client.force_login(world.users["convenor"])
    html = client.get(reverse("online:manage", args=[room.pk])).content.decode()
    assert 'name="action" value="close"' in html and "纳入建议清单" in html


def test_a_refused_vote_or_statement_leaves_no_participant(client, world):
    """Refused votes and statements write nothing, not even the visitor's participant row (issue 12: nothing
    half-saved); an accepted one writes the participant with it."""
    room = make_room(world)
    other = make_room(world, seeds=("别处的观点",))
    client.force_login(world.users["resident"])
    vote_url = reverse("online:vote", args=[room.pk])
    statement_url = reverse("online:add_statement", args=[room.pk])
    refused = [
        client.post(vote_url, {"statement": statements(other)[0].pk, "value": "1"}),  # a forged statement
        client.post(vote_url, {"statement": statements(room)[0].pk, "value": "yes"}),
        client.post(vote_url, {"statement": "", "value": ""}, HTTP_HX_REQUEST="true"),
    ]
    assert [r.status_code for r in refused] == [400, 400, 200]
    assert "请选择同意、不同意或跳过" in refused[2].content.decode()
    OnlineRoom.objects.filter(pk=room.pk).update(allow_statements=False)
    no_statements = client.post(statement_url, {"text": "本室只对预设观点表态", "idempotency_key": key()})
    assert no_statements.status_code == 409
    OnlineRoom.objects.filter(pk=room.pk).update(allow_statements=True)
    services.room_close(actor=convenor(world), room=room)
    closed = client.post(statement_url, {"text": "结束后还想说", "idempotency_key": key()})
    assert closed.status_code == 409 and "网上协商已结束" in closed.content.decode()
    assert not OnlineParticipant.objects.filter(room=room).exists()
    assert not Vote.objects.exists() and Statement.objects.filter(room=room).count() == 8
    # a visitor with a verified number, in an open room: refused, then accepted
    open_room = make_room(world, seeds=("开着的观点",))
    visitor = client.__class__()
    verify(visitor, open_room)
    response = visitor.post(reverse("online:vote", args=[open_room.pk]), {"statement": MISSING_ID, "value": "1"})
    assert response.status_code == 400 and not OnlineParticipant.objects.filter(room=open_room).exists()
    response = visitor.post(
        reverse("online:vote", args=[open_room.pk]), {"statement": statements(open_room)[0].pk, "value": "1"}
    )
    assert response.status_code == 302
    assert OnlineParticipant.objects.get(room=open_room).mobile_masked == "138****5678"


MISSING_ID = 987654321


def test_the_visitor_services_write_the_participant_with_the_vote_or_statement(world):
    """vote_by and statement_add_by (the pages' and the API's way in) create the participant in the same
    transaction: a refusal at any step leaves no row."""
    from shangliang.core.errors import InvalidInput, NotPossible
    from tests.online.rooms import mobile

    room = make_room(world)
    with pytest.raises(InvalidInput):
        services.vote_by(room=room, mobile=mobile("13800000011"), statement_id=MISSING_ID, value=1)
    with pytest.raises(InvalidInput):
        services.statement_add_by(room=room, mobile=mobile("13800000011"), text="\x00")
    with pytest.raises(InvalidInput):  # no identity at all
        services.vote_by(room=room, statement_id=statements(room)[0].pk, value=1)
    assert not OnlineParticipant.objects.filter(room=room).exists()
    services.room_close(actor=convenor(world), room=room)
    with pytest.raises(NotPossible):
        services.statement_add_by(room=room, user=world.users["resident"], text="结束后还想说")
    assert not OnlineParticipant.objects.filter(room=room).exists()
    open_room = make_room(world, seeds=("开着的观点",))
    vote = services.vote_by(
        room=open_room, mobile=mobile("13800000011"), statement_id=statements(open_room)[0].pk, value=-1
    )
    statement = services.statement_add_by(room=open_room, user=world.users["resident"], text="再加一条")
    assert vote.participant.mobile_masked == "138****0011"
    assert statement.author.user == world.users["resident"]
    assert OnlineParticipant.objects.filter(room=open_room).count() == 2
