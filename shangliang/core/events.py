"""Writing events and delivering their side effects after commit.

Handlers are registered explicitly by apps (in AppConfig.ready) for a model label; they run in a background task
after the transaction that wrote the event commits. No business flow lives in signals.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django_tasks import task

from shangliang.core.models import Event

logger = logging.getLogger(__name__)

_handlers: dict[str, list[Callable]] = defaultdict(list)
_projectors: dict[str, list[Callable]] = defaultdict(list)


def register_event_handler(model_label: str, handler: Callable) -> None:
    """Run `handler(event)` after commit for every event about a `model_label` ("topics.topic") object."""
    if handler not in _handlers[model_label]:
        _handlers[model_label].append(handler)


def register_projector(model_label: str, projector: Callable) -> None:
    """Run `projector(event)` inside the transaction that records an event about a `model_label` object, right after
    the event row: for data derived from the change that must commit or roll back with it (the dashboards' figures).
    It adds to the cost of every such write, so it must be quick; an exception in it fails the change."""
    if projector not in _projectors[model_label]:
        _projectors[model_label].append(projector)


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
    )
    label = subject._meta.label_lower
    for projector in _projectors.get(label, ()):
        projector(event)
    if _handlers.get(label):
        transaction.on_commit(lambda: deliver_event.enqueue(event.pk))
    return event


@task()
def deliver_event(event_id: int) -> None:

    event = Event.objects.select_related("content_type").filter(pk=event_id).first()
    if event is None:
        return
    label = f"{event.content_type.app_label}.{event.content_type.model}"
    for handler in _handlers.get(label, []):
        try:
            handler(event)
        except Exception:  # one failing handler must not stop the others
            logger.exception("event handler %s failed for event %s", handler, event_id)


def timeline(subject: models.Model, *, public_only: bool = False):

    qs = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("actor")
    if public_only:
        qs = qs.filter(public=True)
    return qs.order_by("created_at", "id")
