"""/api/v1/: public reads inside the client's subtree, raising and tracking topics, posted results with their
timelines, a department's system working on its tasks through the accountability services; cursor pagination and
updated_since; idempotent POSTs; bad input named in Chinese and English with nothing saved."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shangliang.accountability.models import ProgressReport, TaskStatus
from shangliang.api.models import Scope
from shangliang.topics.models import Topic, TopicSource
from tests.accountability.conftest import assign, walk
from tests.consultations.conftest import make, people  # noqa: F401 (fixture)
from tests.uploads import png, upload


@pytest.fixture
def town(world, register):
    """A mini-program of town T1: reads and raises (群众出题)."""
    return register(world.t1, [Scope.READ_PUBLIC, Scope.RAISE_TOPICS])


@pytest.fixture
def dept(world, register):
    """住建局's own system, county-wide, as its staff account."""
    return register(world.a, [Scope.READ_PUBLIC, Scope.ACT_ON_TASKS], account=world.users["department"])


def test_units_and_rooms_of_the_subtree_only(town, world):
    units = town.api.get("/api/v1/units/").json()["results"]
    assert {u["name"] for u in units} == {"一镇", "一村", "二村"}
    rooms = town.api.get("/api/v1/rooms/").json()["results"]
    assert {r["unit_id"] for r in rooms} == {world.t1.pk, world.v1.pk, world.v2.pk}
    assert rooms[0]["submit_url"].endswith(f"/public/rooms/{rooms[0]['id']}/new/")


def test_a_cursor_walks_the_list_and_updated_since_filters_it(town, world, freeze):
    freeze("2026-03-01 09:00")
    for i in range(5):
        town.api.post("/api/v1/topics/", {"description": f"第{i}件事：路灯不亮", "unit_id": world.v1.pk})
    freeze("2026-03-02 09:00")
    town.api.post("/api/v1/topics/", {"description": "新的一件事"})
    seen, url = [], "/api/v1/topics/?page_size=2"
    while url:
        page = town.api.get(url).json()
        seen += [t["code"] for t in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 6
    recent = town.api.get("/api/v1/topics/?updated_since=2026-03-02T00:00:00%2B08:00").json()["results"]
    assert [t["title"] for t in recent] == ["新的一件事"]
    bad = town.api.get("/api/v1/topics/?updated_since=yesterday")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "updated_since"


def test_raise_a_topic_and_track_it_by_code(town, world):
    response = town.api.post(
        "/api/v1/topics/",
        {"title": "路灯", "description": "村口路灯坏了", "unit_id": world.v1.pk, "photos": [png()]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    topic = Topic.objects.get(tracking_code=body["code"])
    assert topic.source == TopicSource.RESIDENT and topic.photos.count() == 1
    assert body["stage"] == "submitted" and body["timeline"][0]["action"] == "submit"
    tracked = town.api.get(f"/api/v1/topics/{body['code'].lower()}/").json()
    assert tracked["title"] == "路灯"
    assert town.api.get("/api/v1/topics/AAAAAAAAAAAA/").status_code == 404


def test_a_topic_of_another_town_is_not_tracked(town, world, register):
    other = register(world.t2, [Scope.READ_PUBLIC, Scope.RAISE_TOPICS])
    code = other.api.post("/api/v1/topics/", {"description": "二镇的事"}).json()["code"]
    assert town.api.get(f"/api/v1/topics/{code}/").status_code == 404
    assert code not in [t["code"] for t in town.api.get("/api/v1/topics/").json()["results"]]


@pytest.mark.parametrize(
    ("data", "field", "zh", "en"),
    [
        ({}, "description", "详细描述", "Description"),
        ({"description": "x" * 2001}, "description", "详细描述", "Description"),
        ({"description": "事", "unit_id": "abc"}, "unit_id", "所属单元", None),
        ({"description": "事", "name": "张三"}, "contact_consent", "同意联系", None),
        ({"description": "事", "title": "长" * 101}, "title", "标题", "Title"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(town, data, field, zh, en):
    response = town.api.post("/api/v1/topics/", data)
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert (error["field"], error["field_zh"]) == (field, zh)
    if en:
        assert error["field_en"] == en
    assert not Topic.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(town):
    response = town.api.post(
        "/api/v1/topics/",
        {"description": "事", "photos": [upload("x.png", b"not an image", "image/png")]},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"].startswith("photos")
    assert not Topic.objects.exists()


def test_english_messages_on_request(town):
    response = town.api.post("/api/v1/topics/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].isascii()


def test_idempotent_raise(town):
    first = town.api.post("/api/v1/topics/", {"description": "重复发送"}, HTTP_IDEMPOTENCY_KEY="mini-000123")
    again = town.api.post("/api/v1/topics/", {"description": "重复发送"}, HTTP_IDEMPOTENCY_KEY="mini-000123")
    assert first.json()["code"] == again.json()["code"] and again["Idempotent-Replayed"] == "true"
    assert Topic.objects.count() == 1
    bad = town.api.post("/api/v1/topics/", {"description": "x"}, HTTP_IDEMPOTENCY_KEY="short")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "Idempotency-Key"


def test_posted_results_and_their_timeline(town, world, people):  # noqa: F811
    consultation = make(world, people, "submitted")
    task = assign(world, consultation)
    walk(world, task, TaskStatus.IN_PROGRESS)
    listed = town.api.get("/api/v1/results/").json()["results"]
    assert [r["id"] for r in listed] == [consultation.pk]
    assert listed[0]["suggestions"][0]["tasks"][0]["status"] == TaskStatus.IN_PROGRESS
    detail = town.api.get(f"/api/v1/results/{consultation.pk}/").json()
    assert any(e["action"] == "sign" for e in detail["timeline"])
    topic = consultation.topics.get()
    tracked = town.api.get(f"/api/v1/topics/{topic.tracking_code}/").json()
    assert tracked["stage"] == "implementing" and tracked["responsible"] == ["住建局"]


def test_a_department_system_signs_reports_and_completes(dept, world, people):  # noqa: F811
    consultation = make(world, people, "submitted")
    task = assign(world, consultation)
    listed = dept.api.get("/api/v1/tasks/").json()["results"]
    assert [t["id"] for t in listed] == [task.pk]
    signed = dept.api.post(f"/api/v1/tasks/{task.pk}/sign/", {"note": "已签收"}, HTTP_IDEMPOTENCY_KEY="sign-0000001")
    assert signed.status_code == 200 and signed.json()["status"] == TaskStatus.IN_PROGRESS
    again = dept.api.post(f"/api/v1/tasks/{task.pk}/sign/", {"note": "已签收"}, HTTP_IDEMPOTENCY_KEY="sign-0000001")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    twice = dept.api.post(f"/api/v1/tasks/{task.pk}/sign/", {"note": "再签一次"})
    assert twice.status_code == 409  # not possible in this state
    progress = dept.api.post(
        f"/api/v1/tasks/{task.pk}/progress/", {"text": "已勘测", "percent": 40, "files": [png()]}, format="multipart"
    )
    assert progress.status_code == 201, progress.content
    bad = dept.api.post(f"/api/v1/tasks/{task.pk}/progress/", {"text": "x", "percent": 140})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "percent"
    no_evidence = dept.api.post(f"/api/v1/tasks/{task.pk}/completion/", {"text": "已完成"}, format="multipart")
    assert no_evidence.status_code == 400 and no_evidence.json()["errors"][0]["field"] == "files"
    done = dept.api.post(
        f"/api/v1/tasks/{task.pk}/completion/", {"text": "已划设车位", "files": [png()]}, format="multipart"
    )
    assert done.status_code == 201
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETION_REPORTED
    assert ProgressReport.objects.filter(task=task).count() == 2


def test_hand_back_needs_a_reason(dept, world, people):  # noqa: F811
    task = assign(world, make(world, people, "submitted"))
    missing = dept.api.post(f"/api/v1/tasks/{task.pk}/hand-back/", {})
    assert missing.status_code == 400 and missing.json()["errors"][0]["field_zh"] == "申请退回理由"
    done = dept.api.post(f"/api/v1/tasks/{task.pk}/hand-back/", {"reason": "不属于本部门职责"})
    assert done.status_code == 200 and done.json()["status"] == TaskStatus.HAND_BACK_REQUESTED


def test_schema_and_docs_page(client, db):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.1")
    assert "/api/v1/topics/" in schema.json()["paths"] and not any(
        p.startswith("/open311") for p in schema.json()["paths"]
    )
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html and "//cdn" not in html and "unpkg" not in html


def test_query_counts_do_not_grow_with_the_data(town, world, people, freeze):  # noqa: F811
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert town.api.get(url).status_code == 200
        return len(ctx)

    make(world, people, "submitted")
    for i in range(2):
        town.api.post("/api/v1/topics/", {"description": f"事{i}", "photos": [png()]}, format="multipart")
    urls = ["/api/v1/units/", "/api/v1/rooms/", "/api/v1/topics/", "/api/v1/results/"]
    before = {u: count(u) for u in urls}
    make(world, people, "submitted")
    for i in range(6):
        town.api.post("/api/v1/topics/", {"description": f"又一件{i}"})
    after = {u: count(u) for u in urls}
    assert before == after


@pytest.mark.parametrize("since", ["7391-06-20T12:36:54-23:36", "2026-03-02T00:00:00+15:00"])
def test_updated_since_takes_any_offset_iso_8601_allows(town, since):
    """PostgreSQL refuses offsets beyond ±15:59 (a 500 Schemathesis found): the moment is compared in UTC."""
    assert town.api.get("/api/v1/topics/", {"updated_since": since}).status_code == 200


def test_updated_since_at_the_edge_of_the_calendar_is_bad_input(town):
    response = town.api.get("/api/v1/topics/", {"updated_since": "0001-01-01T00:00:00+01:00"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "updated_since"
