"""The API's permission matrix: a client's scope × where it is registered (the unit itself / a sibling town / the
county above) × action. Reads and writes reach only the client's subtree; each action needs its scope; task steps
also need the account's own permission on the task (the same rules as the pages)."""

from datetime import date

import pytest

from shangliang.api.models import Scope
from shangliang.people.models import RoleAssignment
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic
from tests.accountability.conftest import assign
from tests.consultations.conftest import make, people  # noqa: F401 (fixture)

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
