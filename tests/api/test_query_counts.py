"""The N+1 guard for the API's lists and figures: besides django-zeal (its middleware fails any request of the suite
that repeats a query per object), each endpoint here costs the same number of queries with more rows and more
units. Counted with the page's own warm-up call first (caches, content types), then compared."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shangliang.api.models import Scope
from shangliang.core import clock
from shangliang.online import services as online_services
from shangliang.residents.services import mobile_hash
from shangliang.topics.models import RejectionReason, TopicSource, TopicStatus
from shangliang.units.models import UnitKind
from tests.accountability.conftest import assign
from tests.api.test_residents import token_for
from tests.consultations.conftest import make, people  # noqa: F401 (fixture)
from tests.dashboards.conftest import topic
from tests.factories import make_room as make_unit_room
from tests.factories import make_unit
from tests.online.rooms import make_room, participant

A = "13912345678"


def queries(client, url, **headers) -> int:
    assert client.api.get(url, **headers).status_code == 200  # warm-up: content types, caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.api.get(url, **headers)
    assert response.status_code == 200, response.content
    return len(ctx)


def grow(world, n: int = 4):
    """More villages under T1, each with a room and topics of every source and state."""
    now = clock.now()
    for i in range(n):
        village = make_unit(f"新{i}村", UnitKind.VILLAGE, world.t1)
        make_unit_room(village)
        for j, source in enumerate(TopicSource.values):
            status = [TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, TopicStatus.REJECTED][j % 3]
            reason = {"rejection_reason": RejectionReason.values[0]} if status == TopicStatus.REJECTED else {}
            topic(village, now - timedelta(days=j), source=source, status=status, **reason)


@pytest.mark.parametrize("unit", ["a", "t1", "v1"])
def test_figures_cost_the_same_with_more_units_and_rows(world, register, unit):
    client = register(world.a, [Scope.READ_PUBLIC])
    url = f"/api/v1/units/{getattr(world, unit).pk}/figures/?period={clock.today().year}"
    topic(world.v1, clock.now(), source=TopicSource.GRID)
    before = queries(client, url)
    grow(world)
    topic(world.v1, clock.now(), source=TopicSource.MEMBER)
    assert queries(client, url) == before


def test_a_departments_task_list_costs_the_same_with_more_tasks(world, register, people):  # noqa: F811
    client = register(world.a, [Scope.READ_PUBLIC, Scope.ACT_ON_TASKS], account=world.users["department"])
    consultation = make(world, people, "submitted")
    assign(world, consultation)
    before = queries(client, "/api/v1/tasks/")
    for i in range(5):
        assign(world, consultation, action=f"第{i}项：补齐停车标识")
    assign(world, make(world, people, "submitted"))
    assert queries(client, "/api/v1/tasks/") == before
    assert len(client.api.get("/api/v1/tasks/").json()["results"]) == 7


def test_a_residents_topics_cost_the_same_with_more_topics(world, register, sms_outbox):
    mini = register(world.t1, [Scope.READ_PUBLIC, Scope.RAISE_TOPICS, Scope.RESIDENTS])
    token = token_for(mini.api, sms_outbox, A)
    headers = {"HTTP_X_RESIDENT_TOKEN": token}
    raised = mini.api.post(
        "/api/v1/topics/", {"description": "楼道灯坏了", "mobile": A, "contact_consent": True}, **headers
    )
    assert raised.status_code == 201, raised.content
    before = queries(mini, "/api/v1/resident/topics/", **headers)
    for i in range(5):  # more of the resident's topics (the resident's own rate limit is not the point here)
        topic(world.v2, clock.now(), description=f"第{i}件：路面积水", mobile_hash=mobile_hash(A))
    assert queries(mini, "/api/v1/resident/topics/", **headers) == before
    assert len(mini.api.get("/api/v1/resident/topics/", **headers).json()["results"]) == 6


def test_an_online_rooms_statements_cost_the_same_with_more_statements(world, register):
    client = register(world.a, [Scope.READ_PUBLIC])
    room = make_room(world, seeds=("污水处理站建设费用应主要由排污企业承担",))
    url = f"/api/v1/online-rooms/{room.pk}/statements/"
    before = queries(client, url)
    for i in range(6):
        who = participant(room, number=f"1391234560{i}")
        online_services.statement_add(participant=who, text=f"观点{i}：先公示方案")
    online_services.statement_seed(actor=world.users["convenor"], room=room, text="费用按排污量分担")
    assert queries(client, url) == before


def test_a_residents_statements_cost_the_same_with_more_statements_and_rooms(world, register, sms_outbox):
    mini = register(world.a, [Scope.READ_PUBLIC, Scope.RESIDENTS])
    headers = {"HTTP_X_RESIDENT_TOKEN": token_for(mini.api, sms_outbox, A)}
    room = make_room(world)
    online_services.statement_add(participant=participant(room, number=A), text="处理站运行费用也要公开")
    before = queries(mini, "/api/v1/resident/statements/", **headers)
    for unit in (world.t1, world.t2):
        other = make_room(world, unit=unit, moderation="post")
        for i in range(3):
            online_services.statement_add(participant=participant(other, number=A), text=f"{unit.name}观点{i}")
    assert queries(mini, "/api/v1/resident/statements/", **headers) == before
    assert len(mini.api.get("/api/v1/resident/statements/", **headers).json()["results"]) == 7
