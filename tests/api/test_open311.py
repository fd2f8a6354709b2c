"""Open311 GeoReport v2: a grid system or a hotline pushes a concern, follows it, in JSON or XML; errors as the
specification lists them, naming the field in Chinese and English; nothing saved on a refusal."""

from xml.etree import ElementTree

import pytest

from shangliang.api.models import Open311Request, Scope
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic, TopicSource, TopicStatus
from tests.uploads import png, upload

CONCERN = {
    "service_code": "livelihood",
    "description": "村口路灯坏了三个月，晚上老人出门不安全。",
    "address_string": "一村村口",
}


@pytest.fixture
def hotline(world, register):
    """A 12345 hotline passing on residents' concerns (群众出题) for town T1's subtree."""
    return register(world.t1, [Scope.READ_PUBLIC, Scope.RAISE_TOPICS])


@pytest.fixture
def grid(world, register):
    """T1's grid system, entering concerns as its liaison (网格员收集)."""
    return register(world.t1, [Scope.RAISE_TOPICS], account=world.users["liaison"], topic_source="grid")


def test_discovery_and_services_in_json_and_xml(client, db):
    discovery = client.get("/open311/v2/discovery.json")
    assert discovery.status_code == 200
    assert discovery.json()["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    xml = client.get("/open311/v2/discovery.xml")
    assert xml["Content-Type"].startswith("text/xml")
    assert ElementTree.fromstring(xml.content).find("endpoints/endpoint/formats/format").text == "application/json"
    services = client.get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == ["party_government", "livelihood", "governance", "unspecified"]
    root = ElementTree.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and len(root.findall("service")) == 4
    assert client.get("/open311/v2/services/livelihood.json").json() == {
        "service_code": "livelihood",
        "attributes": [],
    }


def test_a_hotline_posts_a_residents_concern_and_follows_it(hotline, world):
    response = hotline.api.post(
        "/open311/v2/requests.json", {**CONCERN, "lat": "30.1", "long": "120.2", "jurisdiction_id": world.v1.pk}
    )
    assert response.status_code == 201, response.content
    created = response.json()[0]
    topic = Topic.objects.get(tracking_code=created["service_request_id"])
    assert topic.source == TopicSource.RESIDENT and topic.unit == world.v1 and topic.room == world.rooms["一村"]
    assert topic.anonymous and "一村村口" in topic.description
    assert topic.title.startswith("村口路灯坏了")
    shown = hotline.api.get(f"/open311/v2/requests/{topic.tracking_code}.json").json()[0]
    assert shown["status"] == "open" and shown["detailed_status"] == "submitted"
    assert shown["lat"] == 30.1 and shown["service_code"] == "livelihood"
    token = hotline.api.get(f"/open311/v2/tokens/{created['token']}.json").json()[0]
    assert token["service_request_id"] == topic.tracking_code
    listed = hotline.api.get("/open311/v2/requests.xml")
    root = ElementTree.fromstring(listed.content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == topic.tracking_code


def test_the_convenors_screening_shows_as_closed_with_its_note(hotline, world):
    code = hotline.api.post("/open311/v2/requests.json", CONCERN).json()[0]["service_request_id"]
    topic = Topic.objects.get(tracking_code=code)
    topic_services.topic_screen(
        topic=topic,
        actor=world.users["convenor"],
        decision="reject",
        reason="individual_dispute",
        note="属个人纠纷，已转村调解委员会。",
    )
    shown = hotline.api.get(f"/open311/v2/requests/{code}.json").json()[0]
    assert shown["status"] == "closed"
    assert shown["detailed_status"] == TopicStatus.REJECTED
    assert shown["status_notes"] == "属个人纠纷，已转村调解委员会。"
    assert hotline.api.get("/open311/v2/requests.json?status=closed").json()[0]["service_request_id"] == code
    assert hotline.api.get("/open311/v2/requests.json?status=open").json() == []


def test_a_grid_system_enters_concerns_as_its_liaison(grid, world):
    response = grid.api.post(
        "/open311/v2/requests.json",
        {**CONCERN, "first_name": "三", "last_name": "张", "phone": "13912345678", "media": png()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    topic = Topic.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert topic.source == TopicSource.GRID and topic.submitter == world.users["liaison"]
    assert topic.submitted_by_name == "张三" and topic.mobile == "13912345678"
    assert topic.photos.count() == 1


def test_a_retry_with_the_same_key_creates_nothing_twice(hotline):
    first = hotline.api.post("/open311/v2/requests.json", CONCERN, HTTP_IDEMPOTENCY_KEY="grid-0001-retry")
    again = hotline.api.post("/open311/v2/requests.json", CONCERN, HTTP_IDEMPOTENCY_KEY="grid-0001-retry")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert Topic.objects.count() == 1 and Open311Request.objects.count() == 1
    other = hotline.api.post(
        "/open311/v2/requests.json", {**CONCERN, "description": "另一件事"}, HTTP_IDEMPOTENCY_KEY="grid-0001-retry"
    )
    assert other.status_code == 409
    assert Topic.objects.count() == 1


def test_the_same_key_from_another_client_is_another_request(hotline, world, register):
    other = register(world.t1, [Scope.RAISE_TOPICS])
    hotline.api.post("/open311/v2/requests.json", CONCERN, HTTP_IDEMPOTENCY_KEY="shared-key-123")
    assert (
        other.api.post("/open311/v2/requests.json", CONCERN, HTTP_IDEMPOTENCY_KEY="shared-key-123").status_code == 201
    )
    assert Topic.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field", "zh"),
    [
        ({"service_code": None}, "service_code", "服务代码"),
        ({"service_code": "potholes"}, "service_code", "服务代码"),
        ({"description": None}, "description", "详细描述"),
        ({"description": "长" * 2001}, "description", "详细描述"),
        ({"address_string": None}, "location", "地点"),
        ({"lat": "30.1"}, "long", "经度"),
        ({"lat": "abc", "long": "1"}, "lat", "纬度"),
        ({"first_name": "三", "last_name": "张"}, "contact_consent", "同意联系"),
        ({"phone": "12345", "contact_consent": "true"}, "phone", "联系手机"),
        ({"jurisdiction_id": "999999"}, "jurisdiction_id", "所属单元"),
        ({"media": "not-an-image"}, "media", "照片"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(hotline, world, change, field, zh):
    data = {k: v for k, v in {**CONCERN, **change}.items() if v is not None}
    if change.get("media"):
        data["media"] = upload("photo.png", b"%PDF-1.4 not an image", "image/png")
    response = hotline.api.post("/open311/v2/requests.json", data, format="multipart")
    assert response.status_code == 400, response.content
    error = response.json()[0]
    assert error["code"] == 400 and error["field"] == field
    assert error["field_zh"] == zh and error["field_en"] and error["field_en"] != zh
    assert error["description"]
    assert not Topic.objects.exists() and not Open311Request.objects.exists()


def test_another_towns_unit_is_out_of_reach(hotline, world):
    response = hotline.api.post("/open311/v2/requests.json", {**CONCERN, "jurisdiction_id": world.v3.pk})
    assert response.status_code == 400 and response.json()[0]["field"] == "jurisdiction_id"
    assert not Topic.objects.exists()


def test_errors_in_xml(hotline):
    response = hotline.api.post("/open311/v2/requests.xml", {"service_code": "potholes"})
    root = ElementTree.fromstring(response.content)
    assert response.status_code == 400 and root.tag == "errors"
    assert root.find("error/code").text == "400"


def test_scopes_and_keys(world, register, client):
    reader = register(world.t1, [Scope.READ_PUBLIC])
    assert reader.api.post("/open311/v2/requests.json", CONCERN).status_code == 403
    assert client.post("/open311/v2/requests.json", CONCERN).status_code == 401
    assert not Topic.objects.exists()


def test_a_client_reads_only_its_own_requests(hotline, world, register):
    other = register(world.t1, [Scope.RAISE_TOPICS])
    code = hotline.api.post("/open311/v2/requests.json", CONCERN).json()[0]["service_request_id"]
    assert other.api.get(f"/open311/v2/requests/{code}.json").status_code == 404
    assert other.api.get("/open311/v2/requests.json").json() == []


def test_the_api_key_parameter_as_the_specification_sends_it(hotline, world):
    from rest_framework.test import APIClient

    response = APIClient().post("/open311/v2/requests.json", {**CONCERN, "api_key": hotline.key})
    assert response.status_code == 201


def test_the_request_list_costs_the_same_queries_for_more_requests(hotline):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert hotline.api.get("/open311/v2/requests.json").status_code == 200
        return len(ctx)

    for i in range(2):
        hotline.api.post("/open311/v2/requests.json", {**CONCERN, "description": f"第{i}件"})
    before = count()
    for i in range(6):
        hotline.api.post("/open311/v2/requests.json", {**CONCERN, "description": f"又一件{i}"})
    assert count() == before
    assert len(hotline.api.get("/open311/v2/requests.json").json()) == 8
