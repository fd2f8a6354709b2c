"""Events written in bulk by demo steps that insert many rows at once, with the time each step happened.

`Event.created_at` (like other creation times) is set on insert by auto_now_add; `given_times` lets a bulk insert
keep the historical times the step put on its rows instead. Used by the village-affairs demo steps.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from shangliang.core.models import Event


def at(day, hour: int = 9) -> datetime:
    """An aware time on a day of the demo (the server's time zone)."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


@contextmanager
def given_times(*fields) -> Iterator[None]:
    """Inside the block, inserts keep the values already set on these auto_now_add / auto_now fields (the loader
    runs in one thread; the fields are restored on the way out)."""
    saved = [(f, f.auto_now_add, f.auto_now) for f in fields]
    try:
        for f, _add, _now in saved:
            f.auto_now_add = f.auto_now = False
        yield
    finally:
        for f, add, now in saved:
            f.auto_now_add, f.auto_now = add, now


class EventLog:
    def __init__(self) -> None:
        self._rows: list[tuple[Event, datetime]] = []

    def add(
        self,
        subject,
        when: datetime,
        action: str,
        *,
        actor=None,
        actor_id: int | None = None,
        unit=None,
        from_state: str = "",
        to_state: str = "",
        note: str = "",
        public: bool = False,
        data: dict | None = None,
    ) -> None:
        event = Event(
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            unit_id=unit.pk if unit is not None else getattr(subject, "unit_id", None),
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=to_state,
            note=note,
            public=public,
            data=data or {},
            created_at=when,
            delivered_at=when,  # history: its side effects belong to the past, nothing to deliver now
        )
        if actor is None and actor_id is not None:
            event.actor_id = actor_id
        self._rows.append((event, when))

    def save(self) -> int:
        events = [e for e, _w in self._rows]
        with given_times(Event._meta.get_field("created_at")):
            Event.objects.bulk_create(events, batch_size=1000)
        return len(events)
