"""Writing events, and the outbox that delivers their side effects at least once.

Handlers are registered explicitly by apps (in AppConfig.ready) for a model label, or for "*" (every event); they run
after the transaction that wrote the event commits. No business flow lives in signals.

The event row is the outbox (the healthchecks `Flip` pattern). An event about a model that has handlers is written
undelivered (`delivered_at` empty); after commit it is handed to the task queue (the fast path: `deliver_event` on the
db worker, or inline with the immediate backend). Whoever delivers first claims it with one conditional UPDATE
(undelivered, and not claimed or the claim has lapsed), so two claimers never run it at once; `run_periodic` claims
whatever the fast path missed (a process killed between the commit and the enqueue, a worker killed mid-job, a handler
that failed). A failing handler is retried with a growing backoff and shows on the system administrator's outbox page.

Each handler runs in its own transaction together with the mark that it ran (`Event.handled`), so a retry runs only
the handlers that did not finish, and a handler's own writes happen once. What a handler sends out of the database
(mail, SMS, a webhook) may be sent again after a crash between sending and committing: keep it idempotent by the
event's id (notifications.notify skips a user already told about the event).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django_tasks import task

from shangliang.core import clock
from shangliang.core.models import Event

logger = logging.getLogger(__name__)

EVERY_EVENT = "*"
# A claim lasts settings.OUTBOX_CLAIM_SECONDS: a claimer that died holding it is replaced after that. Handlers must
# finish well within it.
# After the n-th failed attempt the event waits RETRY_BASE * 2**(n-1), at most RETRY_MAX; it is never given up.
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
ERROR_MAX = 2000

_handlers: dict[str, list[Callable]] = defaultdict(list)
_projectors: dict[str, list[Callable]] = defaultdict(list)


def register_event_handler(model_label: str, handler: Callable) -> None:
    """Deliver every event about a `model_label` ("topics.topic") object, or every event ("*"), to `handler(event)`
    after commit, at least once (see the module's docstring). The handler's name is its idempotency key: keep it."""
    if handler not in _handlers[model_label]:
        _handlers[model_label].append(handler)


def unregister_event_handler(model_label: str, handler: Callable) -> None:
    if handler in _handlers.get(model_label, ()):
        _handlers[model_label].remove(handler)


def register_projector(model_label: str, projector: Callable) -> None:
    """Run `projector(event)` inside the transaction that records an event about a `model_label` object, right after
    the event row: for data derived from the change that must commit or roll back with it (the dashboards' figures).
    It adds to the cost of every such write, so it must be quick; an exception in it fails the change."""
    if projector not in _projectors[model_label]:
        _projectors[model_label].append(projector)


def handlers_for(model_label: str) -> list[Callable]:
    return [*_handlers.get(model_label, ()), *_handlers.get(EVERY_EVENT, ())]


def handler_key(handler: Callable) -> str:
    return f"{handler.__module__}.{getattr(handler, '__qualname__', repr(handler))}"


def record_event(
    subject: models.Model,
    *,
    actor,
    action: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    public: bool = False,
    data: dict | None = None,
    unit=None,
):

    if unit is None:
        unit = getattr(subject, "unit", None) if hasattr(subject, "unit_id") else None
    label = subject._meta.label_lower
    to_deliver = bool(handlers_for(label))
    event = Event.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        unit=unit,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        public=public,
        data=data or {},
        # Nothing to deliver: written delivered, so the outbox's partial index only ever holds the few in flight.
        delivered_at=None if to_deliver else clock.now(),
    )
    for projector in _projectors.get(label, ()):
        projector(event)
    if to_deliver:
        transaction.on_commit(lambda: enqueue_delivery(event.pk))
    return event


def enqueue_delivery(event_id: int) -> None:
    """The fast path. If the queue cannot take it, the event stays undelivered and the next claim picks it up."""
    try:
        deliver_event.enqueue(event_id)
    except Exception:  # the row is the outbox: nothing is lost, it only waits for run_periodic
        logger.exception("could not enqueue the delivery of event %s; run_periodic will deliver it", event_id)


@task()
def deliver_event(event_id: int) -> bool:
    return deliver(event_id)


def claim(event_id: int) -> bool:
    """Take the event for delivery with one conditional UPDATE: only one of several claimers sees a row changed.
    (On PostgreSQL a second UPDATE waits for the first's row lock and then re-reads the condition, which no longer
    holds; SQLite runs writes one at a time.)"""
    now = clock.now()
    claimable = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    taken = Event.objects.filter(claimable, pk=event_id, delivered_at__isnull=True)
    return taken.update(claimed_until=now + claim_lease()) == 1


def claim_lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_MAX)


def deliver(event_id: int) -> bool:
    """Claim one event and run its handlers that have not run yet. True when it is now delivered; False when another
    claimer holds it, it was delivered already, it waits for its next try, or a handler failed (it will be retried)."""
    if not claim(event_id):
        return False
    event = Event.objects.select_related("content_type").get(pk=event_id)
    label = f"{event.content_type.app_label}.{event.content_type.model}"
    done = list(event.handled or [])
    errors = []
    for handler in handlers_for(label):
        key = handler_key(handler)
        if key in done:
            continue
        try:
            with transaction.atomic():
                handler(event)
                Event.objects.filter(pk=event.pk).update(handled=[*done, key])
            done.append(key)
        except Exception as exc:  # one failing handler must not stop the others; it is retried, and shown
            logger.exception("event handler %s failed for event %s", key, event_id)
            errors.append(f"{key}: {type(exc).__name__}: {exc}")
    now = clock.now()
    if errors:
        attempts = event.attempts + 1
        Event.objects.filter(pk=event.pk).update(
            attempts=attempts, last_error="\n".join(errors)[:ERROR_MAX], claimed_until=now + retry_delay(attempts)
        )
        return False
    Event.objects.filter(pk=event.pk).update(delivered_at=now, claimed_until=None, last_error="")
    return True


def due_events():
    """Undelivered events nobody holds (never claimed, the claim lapsed, or the backoff after a failure is over)."""
    now = clock.now()
    return Event.objects.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), delivered_at__isnull=True)


def deliver_due(*, limit: int = 500) -> tuple[int, int]:
    """Claim and deliver the oldest due events, one at a time; returns (delivered, not delivered this time)."""
    delivered = missed = 0
    for event_id in due_events().order_by("id").values_list("id", flat=True)[:limit]:
        if deliver(event_id):
            delivered += 1
        else:
            missed += 1
    return delivered, missed


@dataclass(frozen=True)
class OutboxStatus:
    undelivered: int
    failing: int
    oldest_at: datetime | None
    failures: list

    @property
    def oldest_age_seconds(self) -> int:
        return 0 if self.oldest_at is None else max(int((clock.now() - self.oldest_at).total_seconds()), 0)


def outbox_status(*, failures: int = 50) -> OutboxStatus:
    """What the outbox holds: how many events wait, how many of those failed at least once, the oldest waiting, and
    the failing ones (oldest first) with their last error."""
    pending = Event.objects.filter(delivered_at__isnull=True)
    counts = pending.aggregate(undelivered=models.Count("id"), failing=models.Count("id", filter=Q(attempts__gt=0)))
    oldest = pending.order_by("id").values_list("created_at", flat=True).first()
    failed = list(pending.filter(attempts__gt=0).select_related("content_type").order_by("id")[:failures])
    return OutboxStatus(undelivered=counts["undelivered"], failing=counts["failing"], oldest_at=oldest, failures=failed)


def outbox_line(today) -> str:
    """run_periodic's job: deliver what the fast path missed."""
    delivered, missed = deliver_due()
    status = outbox_status(failures=0)
    return (
        f"outbox: {delivered} delivered, {missed} not yet; {status.undelivered} waiting "
        f"({status.failing} failing, oldest {status.oldest_age_seconds} s)"
    )


def timeline(subject: models.Model, *, public_only: bool = False):

    qs = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("actor")
    if public_only:
        qs = qs.filter(public=True)
    return qs.order_by("created_at", "id")
