"""The outbox (core.events): every event with handlers is delivered at least once, each handler's effect once."""

import threading
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from shangliang.core import events
from shangliang.core.events import deliver_due, outbox_status, record_event
from shangliang.core.models import Event
from shangliang.core.periodic import run_all
from shangliang.notifications.models import Notification
from tests.factories import UserFactory

# A model no app handles events about: the tests register their own handlers for it.
LABEL = "contenttypes.contenttype"


@pytest.fixture
def handler():
    """A handler that fails its first `fail_times` calls, then writes one notification (its effect) per event."""

    calls = Counter()
    state = {"fail_times": 0, "user": None}

    def tell_the_user(event):
        calls[event.pk] += 1
        if calls[event.pk] <= state["fail_times"]:
            raise RuntimeError("短信网关超时")
        Notification.objects.create(user=state["user"], verb="outbox_test", text="已投递", event=event)

    events.register_event_handler(LABEL, tell_the_user)
    yield calls, state
    events.unregister_event_handler(LABEL, tell_the_user)


def write_event():
    subject = ContentType.objects.get_for_model(Event)
    with transaction.atomic():
        return record_event(subject, actor=None, action="outbox_test")


def effects(event):
    return Notification.objects.filter(event=event, verb="outbox_test").count()


@pytest.mark.django_db
def test_a_handler_failing_twice_then_succeeding_delivers_once(
    handler, freeze, django_capture_on_commit_callbacks, system_admin_client
):
    calls, state = handler
    state["fail_times"], state["user"] = 2, UserFactory()
    clock = freeze("2026-03-02 10:00")
    second = []
    events.register_event_handler(LABEL, second.append)  # a handler that succeeds at once runs once, too
    try:
        with django_capture_on_commit_callbacks(execute=True):
            event = write_event()  # the fast path tries at once, and fails
        event.refresh_from_db()
        assert (event.delivered_at, event.attempts, calls[event.pk]) == (None, 1, 1)
        assert "短信网关超时" in event.last_error

        # The failure is on the system administrator's page, not only in a log.
        page = system_admin_client.get("/security/outbox/")
        assert page.status_code == 200
        assert 'data-failing="1"' in page.content.decode() and "短信网关超时" in page.content.decode()
        assert outbox_status().failing == 1

        assert deliver_due() == (0, 0)  # waiting for its backoff: nobody retries it yet
        clock.move_to("2026-03-02 10:00:31")
        assert deliver_due() == (0, 1)  # second failure: waits twice as long now
        clock.move_to("2026-03-02 10:01:00")
        assert deliver_due() == (0, 0)
        clock.move_to("2026-03-02 10:01:32")
        assert deliver_due() == (1, 0)
        clock.move_to("2026-03-02 12:00")
        assert deliver_due() == (0, 0)
    finally:
        events.unregister_event_handler(LABEL, second.append)

    event.refresh_from_db()
    assert event.delivered_at is not None and event.last_error == ""
    assert calls[event.pk] == 3 and effects(event) == 1
    assert second == [event]
    assert outbox_status().undelivered == 0


@pytest.mark.django_db
def test_a_crash_after_commit_before_delivery_delivers_on_the_next_claim(handler, django_capture_on_commit_callbacks):
    calls, state = handler
    state["user"] = UserFactory()
    # The process dies right after the commit: the after-commit enqueue never happens.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = write_event()
    assert callbacks and calls[event.pk] == 0
    assert outbox_status().undelivered == 1

    lines = run_all()  # the periodic command claims what the fast path missed
    assert any(line.startswith("outbox: 1 delivered") for line in lines)
    run_all()
    assert calls[event.pk] == 1 and effects(event) == 1
    event.refresh_from_db()
    assert event.delivered_at is not None


@pytest.mark.django_db
def test_a_claimer_killed_mid_delivery_is_replaced_after_its_lease(handler, freeze):
    calls, state = handler
    state["user"] = UserFactory()
    clock = freeze("2026-03-02 10:00")
    event = write_event()  # (no commit callbacks run in this test: as if the enqueue were lost)
    assert events.claim(event.pk)  # a worker takes it and dies before running anything
    assert deliver_due() == (0, 0) and calls[event.pk] == 0
    clock.move_to("2026-03-02 10:06")
    assert deliver_due() == (1, 0)
    assert calls[event.pk] == 1 and effects(event) == 1


@pytest.mark.django_db
def test_events_without_handlers_are_written_delivered():
    subject = ContentType.objects.get_for_model(Event)
    event = record_event(subject, actor=None, action="nobody_listens")
    assert event.delivered_at is not None
    assert not events.claim(event.pk)


@pytest.mark.django_db
def test_only_the_system_administrator_sees_the_outbox(client):
    client.force_login(UserFactory())
    assert client.get("/security/outbox/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_claimers_at_once_deliver_each_event_once():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claimers need a database with row locks between connections (PostgreSQL)")
    user = UserFactory()
    subject = ContentType.objects.get_for_model(Event)
    written = [record_event(subject, actor=None, action="outbox_test") for _ in range(30)]
    # Written with no handler registered: mark them undelivered as if the fast path had been lost.
    Event.objects.filter(pk__in=[e.pk for e in written]).update(delivered_at=None)
    calls = Counter()
    lock = threading.Lock()
    start = threading.Barrier(2)

    def slow_handler(event):
        with lock:
            calls[event.pk] += 1
        threading.Event().wait(0.01)  # long enough for the other claimer to reach the same row
        Notification.objects.create(user=user, verb="outbox_test", text="已投递", event=event)

    def claimer(results):
        try:
            start.wait()
            results.append(deliver_due())
        finally:
            connection.close()

    events.register_event_handler(LABEL, slow_handler)
    try:
        results: list = []
        threads = [threading.Thread(target=claimer, args=(results,)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        events.unregister_event_handler(LABEL, slow_handler)
    assert sum(delivered for delivered, _missed in results) == 30
    assert all(calls[e.pk] == 1 for e in written)
    assert Notification.objects.filter(verb="outbox_test").count() == 30
    assert not Event.objects.filter(delivered_at__isnull=True).exists()
