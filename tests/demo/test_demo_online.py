"""The demo online room: on the demo town's consultation in session, seeded statements, 300 synthetic residents'
votes with planted opinion groups found again, moderation examples, a stored analysis, loaded once."""

import pytest
from django.test import Client
from django.urls import reverse

from shangliang.demo import online as demo_online
from shangliang.demo.loader import load_demo
from shangliang.online.models import AnalysisRun, OnlineRoom, StatementStatus, Vote
from shangliang.online.selectors import room_results
from shangliang.people.models import User


@pytest.fixture
def room(demo, db):
    return OnlineRoom.objects.select_related("consultation", "unit").get(question=demo_online.QUESTION)


def test_the_room_is_open_on_the_demo_towns_consultation(room):
    assert room.unit.name == "绥阳镇" and room.status == "open" and room.accepting()
    assert room.consultation.status == "in_session"
    assert room.consultation.topics.filter(title__startswith=demo_online.TOPIC).exists()
    statuses = list(room.statements.values_list("status", flat=True))
    assert statuses.count(StatementStatus.APPROVED) == len(demo_online.STATEMENTS)
    assert statuses.count(StatementStatus.PENDING) == 1 and statuses.count(StatementStatus.REJECTED) == 1
    assert room.participants.filter(kind="imported").count() == demo_online.PARTICIPANTS
    assert room.participants.filter(user__username="demo_resident").exists()
    assert Vote.objects.filter(room=room).count() > 4000


def test_the_stored_analysis_finds_the_planted_groups_and_common_ground(room):
    run = AnalysisRun.objects.filter(room=room).latest("id")
    room.refresh_from_db()
    assert run.covers_seq == room.change_seq and room.recompute_queued_at is None
    assert run.k == 3 and run.n_analysed >= 290
    results = room_results(room)
    common = {r.statement.text for r in results.common_ground}
    planted = {text for text, lean, _a in demo_online.STATEMENTS if set(lean) == {1}}
    assert common and common <= planted
    divisive = {r.statement.text for r in results.divisive}
    assert divisive and not divisive & planted
    texts = {r.statement.text for r in results.statements}
    assert demo_online.REJECTED[0] not in texts and demo_online.PENDING not in texts
    sizes = sorted((g.size for g in results.groups), reverse=True)
    assert sizes[0] > sizes[-1] > 40
    # the strongest common ground is already in the suggestion list
    assert results.common_ground[0].statement.suggestion is not None


def test_the_demo_accounts_open_the_rooms_pages(room):
    convenor = Client()
    convenor.force_login(User.objects.get(username="demo_convenor"))
    for name in ("manage", "results", "room"):
        assert convenor.get(reverse(f"online:{name}", args=[room.pk])).status_code == 200, name
    resident = Client()
    resident.force_login(User.objects.get(username="demo_resident"))
    html = resident.get(reverse("online:results", args=[room.pk])).content.decode()
    assert "您属于" in html
    detail = convenor.get(reverse("consultations:detail", args=[room.consultation_id])).content.decode()
    assert reverse("online:manage", args=[room.pk]) in detail


def test_loading_again_adds_nothing(room):
    counts = (room.statements.count(), room.participants.count(), Vote.objects.filter(room=room).count())
    summary = load_demo()
    assert "online" not in summary.created
    assert (room.statements.count(), room.participants.count(), Vote.objects.filter(room=room).count()) == counts
    assert OnlineRoom.objects.count() == 1


def test_the_synthetic_conversation_is_deterministic():
    from django.utils import timezone

    now = timezone.now()
    a, b = demo_online.synthetic_conversation(now), demo_online.synthetic_conversation(now)
    assert (a.votes.participant_ids == b.votes.participant_ids).all()
    assert (a.votes.values == b.votes.values).all()
    assert [s.body for s in a.statements] == [s.body for s in b.statements]
