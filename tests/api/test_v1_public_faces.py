"""The loop's other public faces through /api/v1/: village-affairs disclosures, a unit's public figures, online rooms
(read, and vote / add a statement for a resident with the resident's token), and residents' ratings of finished
tasks — always inside the client's subtree, through the apps' own services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shangliang.accountability.models import Rating, TaskStatus
from shangliang.api.models import Scope
from shangliang.online import services as online_services
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


def test_a_resident_follows_the_review_of_their_own_statements(world, mini, sms_outbox):
    room = make_room(world)
    token = token_for(mini.api, sms_outbox, A)
    mine = {}
    for text in ("处理站运行费用也要公开", "请先开一次村民说明会", "木耳厂老板应当道歉"):
        url = f"/api/v1/online-rooms/{room.pk}/statements/"
        added = mini.api.post(url, {"text": text}, HTTP_X_RESIDENT_TOKEN=token)
        assert added.status_code == 201, added.content
        mine[text] = added.json()["id"]
    convenor = world.users["convenor"]
    online_services.statement_moderate(
        actor=convenor, statement=Statement.objects.get(pk=mine["请先开一次村民说明会"]), action="approve"
    )
    online_services.statement_moderate(
        actor=convenor,
        statement=Statement.objects.get(pk=mine["木耳厂老板应当道歉"]),
        action="reject",
        note="针对个人",
    )
    listed = mini.api.get("/api/v1/resident/statements/", HTTP_X_RESIDENT_TOKEN=token)
    assert listed.status_code == 200, listed.content
    seen = {s["text"]: (s["status"], s["shown"], s["room_id"]) for s in listed.json()["results"]}
    assert seen == {
        "处理站运行费用也要公开": ("pending", False, room.pk),  # pre-moderated: not shown until approved
        "请先开一次村民说明会": ("approved", True, room.pk),
        "木耳厂老板应当道歉": ("rejected", False, room.pk),
    }
    # the public list has only the approved one of them; another resident sees none of them as theirs
    public = {s["id"] for s in mini.api.get(f"/api/v1/online-rooms/{room.pk}/statements/").json()["results"]}
    assert mine["请先开一次村民说明会"] in public
    assert not {mine["处理站运行费用也要公开"], mine["木耳厂老板应当道歉"]} & public
    other = token_for(mini.api, sms_outbox, B)
    assert mini.api.get("/api/v1/resident/statements/", HTTP_X_RESIDENT_TOKEN=other).json()["results"] == []
    assert mini.api.get("/api/v1/resident/statements/").status_code == 403  # no token
    only = mini.api.get(f"/api/v1/resident/statements/?room_id={room.pk + 1}", HTTP_X_RESIDENT_TOKEN=token)
    assert only.status_code == 200 and only.json()["results"] == []
    bad = mini.api.get("/api/v1/resident/statements/?room_id=x", HTTP_X_RESIDENT_TOKEN=token)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "room_id"


def test_results_tasks_and_topics_carry_the_residents_ratings(world, people, register):  # noqa: F811
    consultation = make(world, people, "submitted")
    rated = walk(world, assign(world, consultation), TaskStatus.DONE)
    unrated = assign(world, consultation, action="补齐停车标识")
    for i, score in enumerate((5, 4, 2)):  # as residents left them (written directly: the service is not the point)
        Rating.objects.create(task=rated, round=rated.round, score=score, mobile_hash=f"h{i}", mobile_masked="139****")
    expected = {"count": 3, "average": 3.67, "satisfied": 2, "dissatisfied": 1, "satisfied_percent": 66.7}
    nobody = {"count": 0, "average": None, "satisfied": 0, "dissatisfied": 0, "satisfied_percent": None}
    reader = register(world.a, [Scope.READ_PUBLIC])
    (result,) = reader.api.get("/api/v1/results/").json()["results"]
    detail = reader.api.get(f"/api/v1/results/{consultation.pk}/").json()
    for body in (result, detail):
        assert body["rating"] == expected
        tasks = {t["id"]: t["rating"] for sug in body["suggestions"] for t in sug["tasks"]}
        assert tasks == {rated.pk: expected, unrated.pk: nobody}
    code = consultation.topics.get().tracking_code
    assert reader.api.get(f"/api/v1/topics/{code}/").json()["rating"] == expected
    dept = register(world.a, [Scope.ACT_ON_TASKS], account=world.users["department"])
    listed = {t["id"]: t["rating"] for t in dept.api.get("/api/v1/tasks/").json()["results"]}
    assert listed == {rated.pk: expected, unrated.pk: nobody}
    assert dept.api.get(f"/api/v1/tasks/{rated.pk}/").json()["rating"] == expected


def test_ratings_cost_no_more_queries_with_more_rated_tasks(world, people, register):  # noqa: F811
    reader = register(world.a, [Scope.READ_PUBLIC])

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert reader.api.get(url).status_code == 200
        return len(ctx)

    consultation = make(world, people, "submitted")
    Rating.objects.create(task=assign(world, consultation), score=5, mobile_hash="a", mobile_masked="139****0000")
    urls = ["/api/v1/results/", f"/api/v1/results/{consultation.pk}/"]
    before = {u: count(u) for u in urls}
    for i in range(4):
        task = assign(world, consultation, action=f"第{i}项")
        Rating.objects.create(task=task, score=4, mobile_hash=f"b{i}", mobile_masked="139****0000")
    make(world, people, "submitted")
    assert {u: count(u) for u in urls} == before
