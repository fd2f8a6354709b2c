"""/healthz: JSON for a load balancer, 200 when the database, cache, worker and outbox are well, 503 otherwise."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from shangliang.core import clock
from shangliang.core.events import record_event
from shangliang.core.models import Event

pytestmark = pytest.mark.django_db


def test_healthz_is_green_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] and report["database"]["ok"] and report["cache"]["ok"]
    assert report["worker"] == {"ok": True, "inline": True}  # the immediate backend has no worker to wait for
    assert report["outbox"]["undelivered"] == 0


def test_an_event_waiting_too_long_or_a_silent_worker_turns_it_red(client, settings, freeze):
    freeze("2026-03-02 10:00")
    event = record_event(ContentType.objects.get_for_model(Event), actor=None, action="stuck")
    Event.objects.filter(pk=event.pk).update(delivered_at=None, created_at=clock.now() - timedelta(minutes=11))
    report = client.get("/healthz").json()
    assert not report["ok"] and report["outbox"]["oldest_age_seconds"] == 660

    Event.objects.filter(pk=event.pk).update(delivered_at=clock.now())
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # a worker that never runs
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["worker"] == {"ok": False, "age_seconds": None}


def test_a_request_that_finds_the_database_away_gets_the_chinese_503_page(rf):
    from django.db import OperationalError

    from shangliang.core.health import server_error

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "系统暂时不可用" in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(rf.get("/")).status_code == 500
