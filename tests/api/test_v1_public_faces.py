"""The loop's other public faces through /api/v1/: village-affairs disclosures, a unit's public figures, online rooms
(read, and vote / add a statement for a resident with the resident's token), and residents' ratings of finished
tasks — always inside the client's subtree, through the apps' own services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shangliang.accountability.models import Rating, TaskStatus
from shangliang.api.models import Scope
from shangliang.online.models import OnlineParticipant, Statement, StatementStatus, Vote
from shangliang.villageaffairs import services as va_services
from shangliang.villageaffairs.models import PowerCategory
from tests.accountability.conftest import assign, walk
from tests.api.test_residents import token_for
from tests.consultations.conftest import make, people  # noqa: F401 (fixture)
from tests.online.rooms import make_room
from tests.villageaffairs.conftest import disclosure_data, va  # noqa: F401 (fixture)

A, B = "13912345678", "13800001111"


@pytest.fixture
def reader(world, register):
    return register(world.t1, [Scope.READ_PUBLIC])


@pytest.fixture
def mini(world, register):
    return register(world.t1, [Scope.READ_PUBLIC, Scope.RESIDENTS])


def test_disclosures_of_the_subtree_published_only(va, reader, register, world):  # noqa: F811
    staff = world.users["staff"]
    other = va_services.disclosure_create(
        actor=staff, unit=world.v3, **disclosure_data(va.items[PowerCategory.DAILY_MANAGEMENT], title="三村账目")
    )
    va_services.disclosure_publish(actor=staff, disclosure=other)
    listed = reader.api.get("/api/v1/disclosures/").json()["results"]
    assert [d["id"] for d in listed] == [va.published.pk]  # not the draft, not T2's village
    first = listed[0]
    assert (
        first["state"] == "open"
        and first["amount"] == "128000.50"
        and first["page_url"].endswith(f"/public/disclosures/{va.published.pk}/")
    )
    assert reader.api.get(f"/api/v1/disclosures/{va.draft.pk}/").status_code == 404
    assert reader.api.get(f"/api/v1/disclosures/{other.pk}/").status_code == 404
    county = register(world.a, [Scope.READ_PUBLIC])
    assert len(county.api.get("/api/v1/disclosures/").json()["results"]) == 2
    only = county.api.get(f"/api/v1/disclosures/?unit_id={world.v3.pk}").json()["results"]
    assert [d["id"] for d in only] == [other.pk]
    bad = county.api.get("/api/v1/disclosures/?unit_id=x")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "unit_id"


def test_public_figures_of_a_unit(reader, world):
    response = reader.api.get(f"/api/v1/units/{world.t1.pk}/figures/?period=2026")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit_id"] == world.t1.pk and body["period"]["start"] == "2026-01-01"
    keys = {f["key"] for f in body["figures"]}
    assert "topics_raised" in keys or len(keys) > 5
    assert all(f["value"] is None or isinstance(f["value"], int | float) for f in body["figures"])
    assert reader.api.get(f"/api/v1/units/{world.t2.pk}/figures/").status_code == 404  # outside the subtree
    bad = reader.api.get(f"/api/v1/units/{world.t1.pk}/figures/?period=2026-13")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "period"


def test_a_resident_votes_and_adds_a_statement_in_an_online_room(world, mini, sms_outbox):
    room = make_room(world)
    rooms = mini.api.get("/api/v1/online-rooms/").json()["results"]
    assert [r["id"] for r in rooms] == [room.pk] and rooms[0]["accepting"] is True
    statements = mini.api.get(f"/api/v1/online-rooms/{room.pk}/statements/").json()["results"]
    assert len(statements) == Statement.objects.filter(room=room, status=StatementStatus.APPROVED).count() > 0
    token = token_for(mini.api, sms_outbox, A)
    card = mini.api.get(f"/api/v1/online-rooms/{room.pk}/next/", HTTP_X_RESIDENT_TOKEN=token).json()
    assert card["voted"] == 0 and card["statement"] is not None
    vote = mini.api.post(
        f"/api/v1/online-rooms/{room.pk}/votes/",
        {"statement_id": card["statement"]["id"], "value": 1},
        HTTP_X_RESIDENT_TOKEN=token,
    )
    assert vote.status_code == 201, vote.content
    assert mini.api.get(f"/api/v1/online-rooms/{room.pk}/next/", HTTP_X_RESIDENT_TOKEN=token).json()["voted"] == 1
    added = mini.api.post(
        f"/api/v1/online-rooms/{room.pk}/statements/", {"text": "处理站运行费用也要公开"}, HTTP_X_RESIDENT_TOKEN=token
    )
    assert added.status_code == 201 and added.json()["status"] == "pending"  # pre-moderated room
    assert OnlineParticipant.objects.filter(room=room).count() == 1 and Vote.objects.filter(room=room).count() == 1
    # without a token nothing is written; a bad vote names its field
    assert mini.api.post(f"/api/v1/online-rooms/{room.pk}/votes/", {"statement_id": 1, "value": 1}).status_code == 403
    bad = mini.api.post(
        f"/api/v1/online-rooms/{room.pk}/votes/", {"statement_id": 1, "value": 7}, HTTP_X_RESIDENT_TOKEN=token
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "value"
    assert Vote.objects.filter(room=room).count() == 1
    results = mini.api.get(f"/api/v1/online-rooms/{room.pk}/results/")
    assert results.status_code == 200 and "common_ground" in results.json()


def test_online_rooms_outside_the_subtree_or_not_open_are_not_found(world, register):
    room = make_room(world)
    other = register(world.t2, [Scope.READ_PUBLIC])
    assert other.api.get("/api/v1/online-rooms/").json()["results"] == []
    assert other.api.get(f"/api/v1/online-rooms/{room.pk}/").status_code == 404


def test_a_resident_rates_a_finished_task_once(world, people, mini, sms_outbox):  # noqa: F811
    task = assign(world, make(world, people, "submitted"))
    token = token_for(mini.api, sms_outbox, A)
    early = mini.api.post("/api/v1/ratings/", {"task_id": task.pk, "score": 5}, HTTP_X_RESIDENT_TOKEN=token)
    assert early.status_code == 409  # not finished yet
    walk(world, task, TaskStatus.DONE)
    rated = mini.api.post(
        "/api/v1/ratings/", {"task_id": task.pk, "score": 4, "comment": "车位够用"}, HTTP_X_RESIDENT_TOKEN=token
    )
    assert rated.status_code == 201, rated.content
    again = mini.api.post("/api/v1/ratings/", {"task_id": task.pk, "score": 1}, HTTP_X_RESIDENT_TOKEN=token)
    assert again.status_code == 400
    assert mini.api.post("/api/v1/ratings/", {"task_id": task.pk, "score": 5}).status_code == 403  # no token
    assert Rating.objects.filter(task=task).count() == 1


def test_query_counts_do_not_grow_with_the_data(va, world, register):  # noqa: F811
    county = register(world.a, [Scope.READ_PUBLIC])
    urls = ["/api/v1/disclosures/", "/api/v1/online-rooms/"]

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert county.api.get(url).status_code == 200
        return len(ctx)

    make_room(world)
    before = {u: count(u) for u in urls}
    staff = world.users["staff"]
    for village in (world.v2, world.v3):
        item = va_services.disclosure_create(
            actor=staff, unit=village, **disclosure_data(va.items[PowerCategory.DAILY_MANAGEMENT])
        )
        va_services.disclosure_publish(actor=staff, disclosure=item)
    make_room(world, unit=world.t2)
    after = {u: count(u) for u in urls}
    assert before == after
    assert len(county.api.get("/api/v1/disclosures/").json()["results"]) == 3
