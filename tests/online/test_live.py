"""Found and live: the unit's public page lists its open online rooms (not drafts, not closed ones), the
consultation's public page links its room, the room has a QR poster; the event stream tells a page what it has not
seen (a new analysis, a change in the moderation queue) and ends at once; a participant sees their vote counted."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from shangliang.consultations.models import ConsultationStatus
from shangliang.online import selectors, services
from shangliang.online.models import OnlineRoom, RoomStatus
from tests.online.rooms import _clear_cache, convenor, make_room, participant, statements  # noqa: F401

pytestmark = pytest.mark.django_db


def stream(client, room, last=None, **headers):
    url = reverse("online:events", args=[room.pk])
    response = client.get(url if last is None else f"{url}?last={last}", **headers)
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    return b"".join(response.streaming_content).decode()


def test_the_units_public_page_lists_open_rooms_only(client, world):
    open_room = make_room(world)
    draft = make_room(world, status=RoomStatus.DRAFT)
    closed = make_room(world, status=RoomStatus.CLOSED)
    past = make_room(world)
    OnlineRoom.objects.filter(pk=past.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    OnlineRoom.objects.filter(pk=draft.pk).update(question="还在筹备的议事室")
    OnlineRoom.objects.filter(pk=closed.pk).update(question="已经结束的议事室")
    for unit in (world.t1, world.a):  # the town itself, and the county above it
        html = client.get(reverse("public:unit", args=[unit.pk])).content.decode()
        assert "网上协商：正在征求意见" in html
        assert reverse("online:room", args=[open_room.pk]) in html
        for hidden in (draft, closed, past):
            assert reverse("online:room", args=[hidden.pk]) not in html
        assert "还在筹备的议事室" not in html and "已经结束的议事室" not in html
    # a sibling town's page lists none of them
    html = client.get(reverse("public:unit", args=[world.t2.pk])).content.decode()
    assert reverse("online:room", args=[open_room.pk]) not in html


def test_the_consultations_public_page_links_its_room(client, world):
    room = make_room(world, status=RoomStatus.CLOSED)
    c = room.consultation
    type(c).objects.filter(pk=c.pk).update(status=ConsultationStatus.CLOSED_CONSENSUS)
    html = client.get(reverse("accountability:public_consultation", args=[c.pk])).content.decode()
    assert "网上协商议事室" in html and reverse("online:results", args=[room.pk]) in html
    assert "参与网上协商" not in html  # closed: its results, no more taking part


def test_the_room_has_a_qr_poster(client, world, settings):
    settings.SITE_URL = "https://shangliang.example.cn"
    room = make_room(world)
    html = client.get(reverse("online:poster", args=[room.pk])).content.decode()
    assert f"https://shangliang.example.cn/public/online/{room.pk}/" in html and room.question in html
    svg = client.get(reverse("online:qr_svg", args=[room.pk]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(reverse("online:qr_png", args=[room.pk]) + "?download=1")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n" and "attachment" in png["Content-Disposition"]
    draft = make_room(world, status=RoomStatus.DRAFT)
    assert client.get(reverse("online:poster", args=[draft.pk])).status_code == 404


def test_the_stream_sends_what_the_page_has_not_seen_and_ends(client, world):
    room = make_room(world)
    marker = selectors.live_marker(room)
    quiet = stream(client, room, last=marker)
    assert quiet == "retry: 3000\n\n"  # nothing new: only when to come back
    # a new analysis: a `run` event whose id the browser sends back as Last-Event-ID
    p = participant(room)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.vote_cast(participant=p, statement_id=statements(room)[0].pk, value=1)
    fresh = selectors.live_marker(room)
    assert fresh != marker
    sent = stream(client, room, last=marker)
    assert f"id: {fresh}\nevent: run\ndata: {fresh}\n\n" in sent
    assert stream(client, room, HTTP_LAST_EVENT_ID=fresh) == "retry: 3000\n\n"
    # a statement waiting for review: a `queue` event (the convenor's page refreshes its queue)
    services.statement_add(participant=p, text="应当请第三方监测水质")
    queued = stream(client, room, HTTP_LAST_EVENT_ID=fresh)
    assert "event: queue\n" in queued and f"id: {selectors.live_marker(room)}\n" in queued


def test_the_stream_comes_back_sooner_while_an_analysis_runs_and_is_not_public_for_drafts(client, world):
    room = make_room(world)
    OnlineRoom.objects.filter(pk=room.pk).update(recompute_queued_at=timezone.now())
    assert stream(client, room, last=selectors.live_marker(room)).startswith("retry: 1000\n")
    draft = make_room(world, status=RoomStatus.DRAFT)
    assert client.get(reverse("online:events", args=[draft.pk])).status_code == 404
    client.force_login(convenor(world))
    assert client.get(reverse("online:events", args=[draft.pk])).status_code == 200


def test_the_live_pages_connect_to_the_stream(client, world):
    room = make_room(world)
    events = reverse("online:events", args=[room.pk])
    html = client.get(reverse("online:results", args=[room.pk])).content.decode()
    assert f'data-live-events="{events}?last=' in html and 'hx-trigger="live:run, every 60s"' in html
    client.force_login(convenor(world))
    html = client.get(reverse("online:manage", args=[room.pk])).content.decode()
    assert f'data-live-events="{events}?last=' in html and 'hx-trigger="live:queue, live:run"' in html


def test_a_participant_sees_their_vote_counted_at_once(client, world):
    room = make_room(world)
    client.force_login(world.users["resident"])
    card = client.get(reverse("online:card", args=[room.pk])).context["card"]
    response = client.post(
        reverse("online:vote", args=[room.pk]), {"statement": card.statement.pk, "value": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "已记下您的表态：同意「" in html and "您已表态 1 条" in html
    response = client.post(
        reverse("online:vote", args=[room.pk]), {"statement": card.statement.pk, "value": "-1"}, follow=True
    )
    assert any("已记下您的表态：不同意「" in str(m) for m in response.context["messages"])
