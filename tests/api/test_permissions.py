"""The API's permission matrix: a client's scope × where it is registered (the unit itself / a sibling town / the
county above) × action. Reads and writes reach only the client's subtree; each action needs its scope; task steps
also need the account's own permission on the task (the same rules as the pages). The newer public faces
(disclosures, figures, online rooms, ratings) are in the same matrix: own unit / unit below / sibling / elsewhere ×
scope × a revoked key."""

from datetime import date
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from shangliang.accountability.models import Rating, TaskStatus
from shangliang.api import services
from shangliang.api.models import Scope
from shangliang.online import services as online_services
from shangliang.online.models import Statement, StatementStatus, Vote
from shangliang.people.models import RoleAssignment
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic
from tests.accountability.conftest import assign, walk
from tests.api.test_residents import token_for
from tests.consultations.conftest import make, people  # noqa: F401 (fixture)
from tests.online.rooms import make_room, participant
from tests.villageaffairs.conftest import va  # noqa: F401 (fixture)

ALL = [Scope.READ_PUBLIC, Scope.RAISE_TOPICS, Scope.ACT_ON_TASKS]

# Where the client is registered, seen from the object in town T1 (its village V1).
PLACES = {"own": "t1", "sibling": "t2", "county": "a"}


@pytest.fixture
def v1_topic(world):
    return topic_services.topic_enter(
        actor=world.users["liaison"],
        unit=world.v1,
        source="grid",
        title="路灯",
        description="村口路灯坏了",
        name="张三",
    )


@pytest.mark.parametrize(
    ("place", "scopes", "expected"),
    [
        ("own", [Scope.READ_PUBLIC], 200),
        ("county", [Scope.READ_PUBLIC], 200),
        ("sibling", [Scope.READ_PUBLIC], 404),
        ("own", [Scope.RAISE_TOPICS], 403),
        ("own", [Scope.ACT_ON_TASKS], 403),
    ],
)
def test_track_a_topic(world, register, v1_topic, place, scopes, expected):
    account = world.users["department"] if Scope.ACT_ON_TASKS in scopes else None
    client = register(getattr(world, PLACES[place]), scopes, account=account)
    assert client.api.get(f"/api/v1/topics/{v1_topic.tracking_code}/").status_code == expected


@pytest.mark.parametrize(
    ("place", "scopes", "expected"),
    [
        ("own", [Scope.RAISE_TOPICS], 201),
        ("county", [Scope.RAISE_TOPICS], 201),
        ("sibling", [Scope.RAISE_TOPICS], 400),
        ("own", [Scope.READ_PUBLIC], 403),
    ],
)
@pytest.mark.parametrize("door", ["rest", "open311"])
def test_raise_a_topic_at_village_v1(world, register, place, scopes, expected, door):
    client = register(getattr(world, PLACES[place]), scopes)
    if door == "rest":
        response = client.api.post("/api/v1/topics/", {"description": "村口路灯坏了", "unit_id": world.v1.pk})
    else:
        response = client.api.post(
            "/open311/v2/requests.json",
            {
                "service_code": "livelihood",
                "description": "村口路灯坏了",
                "address_string": "村口",
                "jurisdiction_id": world.v1.pk,
            },
        )
    assert response.status_code == expected
    assert Topic.objects.count() == (1 if expected == 201 else 0)


def test_a_grid_client_writes_with_its_liaisons_permission_as_it_is_now(world, register):
    """The liaison's permission is checked at each call: once their role in T1 ends, the grid system is refused."""
    client = register(world.t1, [Scope.RAISE_TOPICS], account=world.users["liaison"], topic_source="grid")
    ok = client.api.post("/api/v1/topics/", {"description": "一村的事", "unit_id": world.v1.pk})
    assert ok.status_code == 201
    RoleAssignment.objects.filter(user=world.users["liaison"]).update(renounced_at=date(2021, 1, 1))
    refused = client.api.post("/api/v1/topics/", {"description": "二村的事", "unit_id": world.v2.pk})
    assert refused.status_code == 403
    assert Topic.objects.count() == 1


@pytest.mark.parametrize(
    ("place", "account", "scopes", "list_count", "sign"),
    [
        ("county", "department", ALL, 1, 200),  # the department's own system
        ("own", "department", ALL, 1, 200),  # registered for T1: T1's task is inside
        ("sibling", "department", ALL, 0, 404),  # registered for T2: T1's task is outside
        ("county", "convenor", ALL, 1, 403),  # the office sees the task but is not its body
        ("county", "stranger", ALL, 0, 404),  # an account without a role sees nothing
        ("county", "department", [Scope.READ_PUBLIC], None, 403),  # no tasks scope
    ],
)
def test_a_departments_task(world, register, people, place, account, scopes, list_count, sign):  # noqa: F811
    task = assign(world, make(world, people, "submitted"))
    client = register(getattr(world, PLACES[place]), scopes, account=world.users[account])
    listed = client.api.get("/api/v1/tasks/")
    if list_count is None:
        assert listed.status_code == 403
    else:
        assert len(listed.json()["results"]) == list_count
    assert client.api.post(f"/api/v1/tasks/{task.pk}/sign/").status_code == sign
    task.refresh_from_db()
    assert (task.signed_at is not None) == (sign == 200)


# --- the loop's other public faces: disclosures, figures, online rooms, ratings ----------------------------------
#
# Seen from the object: the client is registered for the object's own unit, for the unit above it (the object lies in
# a unit below the client's), for a sibling unit, or elsewhere (another town's village; another county's town).
ABOVE = {"v1": "t1", "t1": "a"}
SIBLING = {"v1": "v2", "t1": "t2"}
ELSEWHERE = {"v1": "v3", "t1": "tb"}
RELATIONS = ["own", "below", "sibling", "elsewhere"]
INSIDE = {"own", "below"}


def client_unit(world, object_unit: str, relation: str):
    name = {"own": object_unit, "below": ABOVE.get(object_unit), "sibling": SIBLING.get(object_unit)}.get(
        relation, ELSEWHERE[object_unit]
    )
    return getattr(world, name)


@pytest.fixture
def faces(va, world):  # noqa: F811
    """A published disclosure of village V1 and an open online room of town T1 (read faces by unit)."""
    room = make_room(world)
    return SimpleNamespace(
        disclosure=("v1", "/api/v1/disclosures/", f"/api/v1/disclosures/{va.published.pk}/", va.published.pk),
        figures=("v1", None, f"/api/v1/units/{world.v1.pk}/figures/?period=2026", None),
        online_room=("t1", "/api/v1/online-rooms/", f"/api/v1/online-rooms/{room.pk}/", room.pk),
        online_statements=("t1", None, f"/api/v1/online-rooms/{room.pk}/statements/", None),
        online_next=("t1", None, f"/api/v1/online-rooms/{room.pk}/next/", None),
        online_results=("t1", None, f"/api/v1/online-rooms/{room.pk}/results/", None),
    )


FACES = ["disclosure", "figures", "online_room", "online_statements", "online_next", "online_results"]


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("face", FACES)
def test_reading_a_public_face(world, register, faces, face, relation):
    unit, list_url, url, pk = getattr(faces, face)
    client = register(client_unit(world, unit, relation), [Scope.READ_PUBLIC])
    inside = relation in INSIDE
    assert client.api.get(url).status_code == (200 if inside else 404)
    if list_url:
        listed = [row["id"] for row in client.api.get(list_url).json()["results"]]
        assert (pk in listed) == inside


@pytest.mark.parametrize("face", FACES)
def test_a_public_face_needs_the_read_scope_and_a_live_key(world, register, sysadmin, faces, face):
    unit, list_url, url, _pk = getattr(faces, face)
    without = register(getattr(world, unit), [Scope.RAISE_TOPICS, Scope.RESIDENTS])
    revoked = register(getattr(world, unit), [Scope.READ_PUBLIC])
    services.client_revoke(actor=sysadmin, client=revoked.client, reason="系统下线")
    for address in filter(None, [list_url, url]):
        assert without.api.get(address).status_code == 403
        assert revoked.api.get(address).status_code == 401
        assert APIClient().get(address).status_code == 401  # no key at all


@pytest.fixture
def done_task(world, people):  # noqa: F811
    return walk(world, assign(world, make(world, people, "submitted")), TaskStatus.DONE)


def resident_writes(world, done_task):
    """What a mini-program writes for a resident in town T1: a vote and a statement in T1's online room, a rating of
    T1's finished task. Each (address, data, the rows it adds)."""
    room = make_room(world)
    statement = Statement.objects.filter(room=room, status=StatementStatus.APPROVED).order_by("pk").first()
    return {
        "vote": (f"/api/v1/online-rooms/{room.pk}/votes/", {"statement_id": statement.pk, "value": 1}, Vote.objects),
        "statement": (
            f"/api/v1/online-rooms/{room.pk}/statements/",
            {"text": "处理站运行费用也要公开"},
            Statement.objects.filter(is_seed=False),
        ),
        "rating": ("/api/v1/ratings/", {"task_id": done_task.pk, "score": 4}, Rating.objects),
    }


@pytest.mark.parametrize("relation", RELATIONS)
def test_a_mini_program_writes_for_a_resident_inside_its_subtree_only(world, register, done_task, sms_outbox, relation):
    writes = resident_writes(world, done_task)
    client = register(client_unit(world, "t1", relation), [Scope.READ_PUBLIC, Scope.RESIDENTS])
    token = token_for(client.api, sms_outbox, "13912345678")
    for action, (url, data, rows) in writes.items():
        response = client.api.post(url, data, HTTP_X_RESIDENT_TOKEN=token)
        assert response.status_code == (201 if relation in INSIDE else 404), (action, response.content)
        assert rows.count() == (1 if relation in INSIDE else 0), action


def test_resident_writes_need_the_residents_scope_a_token_of_this_client_and_a_live_key(
    world, register, sysadmin, done_task, sms_outbox
):
    writes = resident_writes(world, done_task)
    reader = register(world.t1, [Scope.READ_PUBLIC, Scope.RAISE_TOPICS])
    mini = register(world.t1, [Scope.READ_PUBLIC, Scope.RESIDENTS])
    other = register(world.t1, [Scope.READ_PUBLIC, Scope.RESIDENTS])
    token = token_for(mini.api, sms_outbox, "13912345678")
    services.client_revoke(actor=sysadmin, client=other.client, reason="系统下线")
    for action, (url, data, rows) in writes.items():
        assert reader.api.post(url, data, HTTP_X_RESIDENT_TOKEN=token).status_code == 403, action  # no scope
        assert mini.api.post(url, data).status_code == 403, action  # no token
        assert mini.api.post(url, data, HTTP_X_RESIDENT_TOKEN="x" * 40).status_code == 403, action  # forged
        assert other.api.post(url, data, HTTP_X_RESIDENT_TOKEN=token).status_code == 401, action  # revoked key
        assert rows.count() == 0, action


@pytest.mark.parametrize("relation", RELATIONS)
def test_a_residents_own_statements_inside_the_subtree_only(world, register, sms_outbox, relation):
    """A statement the resident made in T1's online room (awaiting review): listed for them by a mini-program whose
    subtree holds the room, never by another's, never for another number."""
    room = make_room(world)
    online_services.statement_add(participant=participant(room, number="13912345678"), text="处理站运行费用也要公开")
    client = register(client_unit(world, "t1", relation), [Scope.READ_PUBLIC, Scope.RESIDENTS])
    token = token_for(client.api, sms_outbox, "13912345678")
    listed = client.api.get("/api/v1/resident/statements/", HTTP_X_RESIDENT_TOKEN=token).json()["results"]
    assert [s["status"] for s in listed] == (["pending"] if relation in INSIDE else [])
    other = token_for(client.api, sms_outbox, "13800001111")
    assert client.api.get("/api/v1/resident/statements/", HTTP_X_RESIDENT_TOKEN=other).json()["results"] == []
    reader = register(client_unit(world, "t1", relation), [Scope.READ_PUBLIC])
    assert reader.api.get("/api/v1/resident/statements/", HTTP_X_RESIDENT_TOKEN=token).status_code == 403
