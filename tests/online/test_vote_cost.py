"""What one vote costs the app (issue 21, a busy room): the vote request's queries stay the same however many votes the
participant and the room hold, the room's row is locked only by the last statement before the COMMIT, and with the
production counters (CACHE_BACKEND=database) the rate limit is one statement. `manage.py bench_vote_cost` measures the
same request on a room of 10,000 participants × 1,000 statements (queries and CPU milliseconds per vote)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shangliang.online import services
from shangliang.online.models import OnlineParticipant, OnlineRoom, Vote
from shangliang.residents.visitor import SESSION_MOBILE
from tests.online.rooms import _clear_cache, make_room, mobile, participant, statements  # noqa: F401

pytestmark = pytest.mark.django_db

# session, room, participant; the vote's transaction (synchronous_commit off on PostgreSQL, the rate-limit count,
# the statement with its room, the participant's earlier vote, the vote, the room's change counter and queued flag);
# the next card (visible statements, the participant's votes, the latest run's priorities, the chosen statement).
VOTE_QUERIES_MAX = 16


def resident(client, number="13812345678"):
    session = client.session
    verified = mobile(number)
    session[SESSION_MOBILE] = {"hash": verified.mobile_hash, "masked": verified.masked}
    session.save()
    return verified


def vote(client, room, statement, value="1"):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("online:vote", args=[room.pk]), {"statement": statement.pk, "value": value}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200 and "errorlist" not in response.content.decode()
    assert "已记下您的表态" in response.content.decode()
    return [q["sql"] for q in captured.captured_queries]


def crowd(room, n):
    """n other participants, each with a vote on every statement."""
    for i in range(n):
        p = participant(room, number=f"1390000{i:04d}")
        Vote.objects.bulk_create(Vote(room=room, participant=p, statement=s, value=1) for s in statements(room))


def test_a_votes_queries_do_not_grow_with_the_votes(client, world):
    room = make_room(world)
    resident(client)
    seeds = statements(room)
    first = vote(client, room, seeds[0])  # the participant row is written with the first vote
    assert OnlineParticipant.objects.filter(room=room).count() == 1
    counts = [len(vote(client, room, s)) for s in seeds[1:3]]
    crowd(room, 5)
    counts += [len(vote(client, room, s)) for s in seeds[3:6]]
    counts.append(len(vote(client, room, seeds[0], value="-1")))  # a changed vote costs what a new one does
    assert len(set(counts)) == 1, counts
    assert counts[0] <= VOTE_QUERIES_MAX and len(first) <= VOTE_QUERIES_MAX + 6


def test_the_room_is_locked_only_by_the_votes_last_statements(client, world):
    room = make_room(world)
    resident(client)
    seeds = statements(room)
    vote(client, room, seeds[0])
    queries = vote(client, room, seeds[1])
    table = OnlineRoom._meta.db_table
    assert not any("FOR UPDATE" in q for q in queries)  # no row lock taken by a read
    touching_room = [i for i, q in enumerate(queries) if q.startswith("UPDATE") and table in q]
    vote_write = max(i for i, q in enumerate(queries) if Vote._meta.db_table in q and not q.startswith("SELECT"))
    assert touching_room and min(touching_room) > vote_write  # the counter after the vote, then the COMMIT
    assert OnlineRoom.objects.get(pk=room.pk).change_seq > room.change_seq


def test_with_database_counters_the_rate_limit_is_one_statement(client, world, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "unused"}}
    room = make_room(world)
    resident(client)
    seeds = statements(room)
    vote(client, room, seeds[0])
    queries = vote(client, room, seeds[1])
    counting = [q for q in queries if "core_ratecounter" in q]
    assert len(counting) == 1 and "ON CONFLICT" in counting[0]
    assert len(queries) <= VOTE_QUERIES_MAX


def test_floods_are_still_refused_with_database_counters(client, world, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "unused"}}
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": {"each": (2, 600), "network": (100, 600)}}
    room = make_room(world)
    resident(client)
    seeds = statements(room)
    vote(client, room, seeds[0])
    vote(client, room, seeds[1])
    response = client.post(
        reverse("online:vote", args=[room.pk]), {"statement": seeds[2].pk, "value": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "表态过于频繁" in response.content.decode()
    assert Vote.objects.filter(room=room).count() == 2


def test_a_vote_in_a_room_closed_after_the_page_was_read_is_refused(world):
    room = make_room(world)
    p = services.participant_for(room=room, mobile=mobile("13800000009"))
    OnlineRoom.objects.filter(pk=room.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    from shangliang.core.errors import NotPossible

    with pytest.raises(NotPossible, match="截止"):
        services.vote_cast(participant=p, statement_id=statements(room)[0].pk, value=1)
    assert not Vote.objects.filter(room=room).exists()
