"""Webhooks out on the outbox: a client subscribed to events of its subtree receives them signed; an address that
fails is retried by the outbox with backoff and shows there; a delivery is logged with its answer and can be
replayed by the system administrator."""

import hashlib
import hmac
import json

import pytest

from shangliang.api import services, webhooks
from shangliang.api.models import Scope, WebhookDelivery
from shangliang.core import crypto, events
from shangliang.core.models import Event
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic
from tests.accountability.conftest import assign, walk
from tests.consultations.conftest import make, people  # noqa: F401 (fixture)

URL = "https://grid.example.cn/shangliang-hook"


class Receiver:
    """Stands in for the client's server: records what it was sent and answers `status`."""

    def __init__(self):
        self.sent = []
        self.status = 200

    def __call__(self, url, body, headers):
        self.sent.append((url, json.loads(body), headers, body))
        return webhooks.Answer(self.status, "ok" if self.status == 200 else "busy", "", 3)


@pytest.fixture
def receiver(monkeypatch):
    found = Receiver()
    monkeypatch.setattr(webhooks, "post", found)
    return found


@pytest.fixture
def grid(world, register, sysadmin):
    registered = register(world.t1, [Scope.READ_PUBLIC, Scope.RAISE_TOPICS])
    subscription, secret = services.webhook_subscribe(
        actor=sysadmin,
        client=registered.client,
        url=URL,
        kinds=["topic.status_changed", "task.done"],
        algorithm="hmac-sm3",
    )
    registered.subscription, registered.secret = subscription, secret
    return registered


def test_a_concern_and_its_screening_are_pushed_signed(grid, world, receiver):
    code = grid.api.post("/api/v1/topics/", {"description": "村口路灯坏了", "unit_id": world.v1.pk}).json()["code"]
    events.deliver_due()
    url, body, headers, raw = receiver.sent[-1]
    assert url == URL and body["type"] == "topic.status_changed"
    assert body["subject"] == {"type": "topic", "code": code} and body["to_state"] == "submitted"
    expected = crypto.hmac_sm3(grid.secret.encode(), headers["X-Shangliang-Timestamp"].encode() + b"." + raw)
    assert headers["X-Shangliang-Signature"] == "hmac-sm3=" + expected
    topic = Topic.objects.get(tracking_code=code)
    topic_services.topic_screen(topic=topic, actor=world.users["convenor"], decision="accept", category="livelihood")
    events.deliver_due()
    assert receiver.sent[-1][1]["to_state"] == "accepted"
    logged = WebhookDelivery.objects.filter(subscription=grid.subscription, succeeded=True)
    assert logged.count() == 2 and logged.first().status_code == 200


def test_sha256_signature(world, register, sysadmin, receiver):
    client = register(world.t1, [Scope.READ_PUBLIC])
    _sub, secret = services.webhook_subscribe(
        actor=sysadmin, client=client.client, url=URL, kinds=["topic.status_changed"]
    )
    topic_services.topic_enter(
        actor=world.users["liaison"], unit=world.v1, source="grid", title="t", description="d", anonymous=True
    )
    events.deliver_due()
    _url, _body, headers, raw = receiver.sent[-1]
    digest = hmac.new(
        secret.encode(), headers["X-Shangliang-Timestamp"].encode() + b"." + raw, hashlib.sha256
    ).hexdigest()
    assert headers["X-Shangliang-Signature"] == "hmac-sha256=" + digest


def test_a_failing_address_is_retried_by_the_outbox(grid, world, receiver, freeze):
    clock = freeze("2026-04-01 09:00")
    receiver.status = 503
    grid.api.post("/api/v1/topics/", {"description": "下水道堵了"})
    events.deliver_due()
    event = Event.objects.filter(action="submit").get()
    assert event.delivered_at is None and URL in event.last_error and "503" in event.last_error
    assert not WebhookDelivery.objects.filter(succeeded=True).exists()
    receiver.status = 200
    events.deliver_due()  # still in its backoff: not tried again yet
    assert len(receiver.sent) == 1
    clock.move_to("2026-04-01 09:05")
    events.deliver_due()
    event.refresh_from_db()
    assert event.delivered_at is not None and len(receiver.sent) == 2
    assert WebhookDelivery.objects.filter(succeeded=True).count() == 1


def test_only_the_clients_subtree_and_kinds(world, register, sysadmin, receiver, people):  # noqa: F811
    other = register(world.t2, [Scope.READ_PUBLIC])
    services.webhook_subscribe(actor=sysadmin, client=other.client, url=URL + "/t2", kinds=["topic.status_changed"])
    topic_services.topic_enter(
        actor=world.users["liaison"], unit=world.v1, source="grid", title="t", description="d", anonymous=True
    )
    events.deliver_due()
    assert receiver.sent == []


def test_the_task_done_reaches_the_grid_system(grid, world, receiver, people):  # noqa: F811
    task = assign(world, make(world, people, "submitted"))
    events.deliver_due()
    receiver.sent.clear()
    walk(world, task, "done")
    events.deliver_due()
    kinds = [body["type"] for _u, body, _h, _r in receiver.sent]
    assert "task.done" in kinds
    done = next(body for _u, body, _h, _r in receiver.sent if body["type"] == "task.done")
    assert done["subject"] == {"type": "responsibilitytask", "id": task.pk} and done["note"] == "现场验收合格"


def test_the_administrator_subscribes_and_replays_from_the_page(client, sysadmin, world, register, receiver, settings):
    settings.API_WEBHOOK_ALLOW_HTTP = False  # production's rule (DEBUG off)
    registered = register(world.t1, [Scope.READ_PUBLIC])
    client.force_login(sysadmin)
    page = client.post(
        f"/api/clients/{registered.client.pk}/webhooks/",
        {"url": "http://plain.example.cn/hook", "kinds": ["topic.status_changed"], "algorithm": "hmac-sha256"},
    )
    assert page.status_code == 302  # refused: https only
    assert not registered.client.webhooks.exists()
    page = client.post(
        f"/api/clients/{registered.client.pk}/webhooks/",
        {"url": URL, "kinds": ["topic.status_changed"], "algorithm": "hmac-sha256"},
    )
    assert page.status_code == 200 and "webhook-secret" in page.content.decode()
    topic_services.topic_enter(
        actor=world.users["liaison"], unit=world.v1, source="grid", title="t", description="d", anonymous=True
    )
    events.deliver_due()
    delivery = WebhookDelivery.objects.get()
    detail = client.get(f"/api/clients/{registered.client.pk}/")
    assert URL in detail.content.decode()
    assert client.post(f"/api/deliveries/{delivery.pk}/replay/").status_code == 302
    assert WebhookDelivery.objects.filter(replay=True).count() == 1 and len(receiver.sent) == 2
    client.force_login(world.users["staff"])
    assert client.post(f"/api/deliveries/{delivery.pk}/replay/").status_code == 403
