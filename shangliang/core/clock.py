"""The one clock: `now()` and `today()` for every module, and `frozen()` to stop it at a chosen moment.

Code asks the clock instead of `timezone.now()` / `date.today()` and never takes an optional `today=`/`now=` argument
"for testing": tests and the demo freeze the clock instead.

    from shangliang.core import clock
    clock.now()      # aware datetime (UTC), like timezone.now()
    clock.today()    # the local date in settings.TIME_ZONE (Asia/Shanghai): 00:30 in Shanghai is already "today"

    with clock.frozen("2026-02-16 09:00"):         # a naive moment is local time
        ...                                         # every now()/today() — and Django's auto_now fields — see it
    with clock.frozen(date(2026, 2, 16)) as moment:
        moment.move_to("2026-03-01 14:00")          # step forward within one freeze (the demo's timeline does this)

Freezing goes through `time-machine`, which replaces the C-level clock functions, so `timezone.now()` inside Django
(auto_now/auto_now_add fields, model defaults, sessions) sees the same frozen moment as our own code: the demo's
history is written by running the services at frozen times, not by rewriting timestamps afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

import time_machine
from django.utils import timezone

Moment = datetime | date | str


def now() -> datetime:
    """The current moment, timezone-aware (UTC)."""
    return timezone.now()


def today() -> date:
    """Today's date in the project's time zone (settings.TIME_ZONE)."""
    return timezone.localdate(now())


def localtime() -> datetime:
    """The current moment in the project's time zone (for times of day shown or compared locally)."""
    return timezone.localtime(now())


def at(moment: Moment) -> datetime:
    """An aware datetime for a moment: an aware datetime as is; a naive one, an ISO string or a date (at 09:00) as
    local time in settings.TIME_ZONE."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if not isinstance(moment, datetime):  # a date: the start of an office day
        moment = datetime.combine(moment, time(9, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


class FrozenClock:
    """The handle `frozen()` yields: where the clock stands, and a way to move it."""

    def __init__(self, traveller: time_machine.Coordinates):
        self._coordinates = traveller

    def move_to(self, moment: Moment) -> None:
        """Stand the clock at another moment (forward or back)."""
        self._coordinates.move_to(at(moment))

    def now(self) -> datetime:
        return now()

    def today(self) -> date:
        return today()


@contextmanager
def frozen(moment: Moment) -> Iterator[FrozenClock]:
    """Stop the clock at `moment` (see `at()` for what a moment may be) until the block ends. Nests."""
    with time_machine.travel(at(moment), tick=False) as coordinates:
        yield FrozenClock(coordinates)
