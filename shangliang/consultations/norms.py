"""Frequency norms (常态化): when a unit's next consultation is due, and whether (and since when) it is behind.

A norm "at least N in P months" is a rolling window: on any day t, at least N consultations must have been held in
[t − P months, t]. So the next one is due P months after the N-th most recent one (the day it would leave the
window): due = add_months(d_N, P), inclusive. The unit is behind from the day after (behind_since = due + 1 day).

A unit that has held fewer than N since the norm applies to it is counted from its start (the later of the norm's
effective date and the unit's establishment): it has P months from then to hold its first N.

Defaults, when a county has not configured a level (docs/domain.md): town level 2 in 12 months, village level 1 in 2
months; county, sector and enterprise rooms have none. A county that chooses monthly sets village level 1 in 1.
Consultations count when they were held (opened), on the local date of `held_at`; cancelled ones never were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from shangliang.consultations.models import HELD, Consultation, FrequencyNorm
from shangliang.core import clock
from shangliang.core.months import add_months
from shangliang.units.models import LEVEL_OF_KIND, Unit, UnitKind, UnitLevel

DEFAULT_START = date(2020, 1, 1)
DEFAULT_NORMS = {UnitLevel.TOWN: (2, 12), UnitLevel.VILLAGE: (1, 2)}


@dataclass(frozen=True)
class NormSpec:
    min_count: int
    period_months: int
    effective_from: date
    configured: bool


@dataclass(frozen=True)
class NormStatus:
    spec: NormSpec
    start: date
    held_in_window: int
    last_held: date | None
    due_on: date
    today: date

    @property
    def behind(self) -> bool:
        return self.today > self.due_on

    @property
    def behind_since(self) -> date | None:
        return self.due_on + timedelta(days=1) if self.behind else None

    @property
    def days_behind(self) -> int:
        return (self.today - self.due_on).days if self.behind else 0

    @property
    def days_left(self) -> int:
        return max((self.due_on - self.today).days, 0)


def due_date(held: list[date], *, min_count: int, period_months: int, start: date) -> date:
    """The last day on which the next consultation keeps the norm. `held`: dates held on or after `start`."""
    recent = sorted((d for d in held if d >= start), reverse=True)
    if len(recent) >= min_count:
        return add_months(recent[min_count - 1], period_months)
    # Not yet N since the start: the start stands in for the missing ones.
    return add_months(start, period_months)


def held_in_window(held: list[date], *, period_months: int, today: date) -> int:
    since = add_months(today, -period_months)
    return sum(1 for d in held if since <= d <= today)


def spec_for(unit: Unit, norms: dict | None = None) -> NormSpec | None:
    level = LEVEL_OF_KIND[UnitKind(unit.kind)]
    if norms is None:
        county_id = unit.county_id
        norms = {n.level: n for n in FrequencyNorm.objects.filter(county_id=county_id)} if county_id else {}
    norm = norms.get(level)
    if norm is not None:
        return NormSpec(norm.min_count, norm.period_months, norm.effective_from, True)
    if level in DEFAULT_NORMS:
        n, p = DEFAULT_NORMS[level]
        return NormSpec(n, p, DEFAULT_START, False)
    return None


def status_from(spec: NormSpec, unit: Unit, held: list[date], today: date) -> NormStatus:
    start = max(spec.effective_from, unit.established_on or spec.effective_from)
    held = sorted(d for d in held if d >= start)
    return NormStatus(
        spec=spec,
        start=start,
        held_in_window=held_in_window(held, period_months=spec.period_months, today=today),
        last_held=held[-1] if held else None,
        due_on=due_date(held, min_count=spec.min_count, period_months=spec.period_months, start=start),
        today=today,
    )


def _held_dates(qs) -> list[tuple[int, date]]:
    return [(unit_id, timezone.localdate(at)) for unit_id, at in qs.values_list("unit_id", "held_at")]


def held_queryset():

    return Consultation.objects.filter(held_at__isnull=False, status__in=HELD)


def norm_status(unit: Unit) -> NormStatus | None:
    spec = spec_for(unit)
    if spec is None:
        return None
    today = clock.today()
    held = [d for _u, d in _held_dates(held_queryset().filter(unit=unit, held_at__date__lte=today))]
    return status_from(spec, unit, held, today)


def units_behind(county: Unit) -> list[tuple[Unit, NormStatus]]:
    """Every unit of the county behind its norm, longest behind first, in three queries."""
    today = clock.today()
    norms = {n.level: n for n in FrequencyNorm.objects.filter(county=county)}
    held: dict[int, list[date]] = {}
    for unit_id, d in _held_dates(held_queryset().filter(unit__path__startswith=county.path)):
        held.setdefault(unit_id, []).append(d)
    result = []
    for unit in Unit.objects.filter(path__startswith=county.path, is_active=True).order_by("path"):
        spec = spec_for(unit, norms)
        if spec is None:
            continue
        status = status_from(spec, unit, [d for d in held.get(unit.pk, []) if d <= today], today)
        if status.behind:
            result.append((unit, status))
    result.sort(key=lambda row: (row[1].due_on, row[0].path))
    return result
