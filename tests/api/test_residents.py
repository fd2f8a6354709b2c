"""A mini-program acts for a resident with a short-lived token obtained by the resident's verified mobile (the one
SMS code flow): it supports topics and reads the resident's own topics, never another resident's."""

import pytest

from shangliang.api.models import Scope
from shangliang.topics.models import Topic

A, B = "13912345678", "13800001111"


@pytest.fixture
def mini(world, register):
    return register(world.t1, [Scope.READ_PUBLIC, Scope.RAISE_TOPICS, Scope.RESIDENTS])


def token_for(api, sms_outbox, mobile):
    assert api.post("/api/v1/resident/code/", {"mobile": mobile}).status_code == 202
    code = "".join(ch for ch in sms_outbox[-1].text.split("验证码是")[1][:8] if ch.isdigit())
    response = api.post("/api/v1/resident/token/", {"mobile": mobile, "code": code})
    assert response.status_code == 201, response.content
    assert response.json()["masked_mobile"] == mobile[:3] + "****" + mobile[-4:]
    return response.json()["token"]


def test_a_resident_raises_supports_and_reads_their_own_topics(mini, sms_outbox, world):
    token = token_for(mini.api, sms_outbox, A)
    raised = mini.api.post(
        "/api/v1/topics/",
        {"description": "楼道灯坏了", "name": "李四", "mobile": A, "contact_consent": True},
        HTTP_X_RESIDENT_TOKEN=token,
    )
    assert raised.status_code == 201, raised.content
    code = raised.json()["code"]
    mine = mini.api.get("/api/v1/resident/topics/", HTTP_X_RESIDENT_TOKEN=token).json()["results"]
    assert [t["code"] for t in mine] == [code]
    support = mini.api.post(f"/api/v1/topics/{code}/support/", HTTP_X_RESIDENT_TOKEN=token)
    assert support.status_code == 201 and support.json()["supports_count"] == 1
    again = mini.api.post(f"/api/v1/topics/{code}/support/", HTTP_X_RESIDENT_TOKEN=token)
    assert again.status_code == 400
    other = token_for(mini.api, sms_outbox, B)
    assert mini.api.get("/api/v1/resident/topics/", HTTP_X_RESIDENT_TOKEN=other).json()["results"] == []
    assert mini.api.post(f"/api/v1/topics/{code}/support/", HTTP_X_RESIDENT_TOKEN=other).json()["supports_count"] == 2


def test_a_wrong_code_gives_no_token(mini, sms_outbox):
    mini.api.post("/api/v1/resident/code/", {"mobile": A})
    response = mini.api.post("/api/v1/resident/token/", {"mobile": A, "code": "000000"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "code"


@pytest.mark.parametrize("which", ["none", "forged", "other_client", "expired"])
def test_the_token_is_needed_bound_and_short_lived(mini, sms_outbox, world, register, freeze, which):
    clock = freeze("2026-05-01 09:00")
    topic_code = mini.api.post("/api/v1/topics/", {"description": "事"}).json()["code"]
    headers = {}
    if which == "forged":
        headers = {"HTTP_X_RESIDENT_TOKEN": "eyJjIjoxfQ:forged:signature"}
    elif which == "other_client":
        other = register(world.t1, [Scope.RESIDENTS])
        headers = {"HTTP_X_RESIDENT_TOKEN": token_for(other.api, sms_outbox, A)}
    elif which == "expired":
        headers = {"HTTP_X_RESIDENT_TOKEN": token_for(mini.api, sms_outbox, A)}
        clock.move_to("2026-05-01 09:31")
    response = mini.api.post(f"/api/v1/topics/{topic_code}/support/", **headers)
    assert response.status_code == 403
    assert Topic.objects.get(tracking_code=topic_code).supports_count == 0


def test_without_the_scope(world, register, sms_outbox):
    plain = register(world.t1, [Scope.READ_PUBLIC])
    assert plain.api.post("/api/v1/resident/code/", {"mobile": A}).status_code == 403
    assert sms_outbox == []
