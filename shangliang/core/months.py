"""Calendar months: the first and last day of a month, months later, the months of a range (local dates)."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.utils import timezone


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's end (31 January + 1 month = 28/29 February).

    Beyond what a date can hold the answer stays at date.max (or date.min): "not in any year a page shows", rather
    than an error that would take the page down."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def next_month(d: date) -> date:
    """The first day of the month after `d`'s."""
    return add_months(month_start(d), 1)


def month_key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def months_between(first: date, last: date) -> list[date]:
    """First days of the months from `first`'s to `last`'s, inclusive."""
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def month_of(value: date | datetime) -> date:
    """The first day of the local month of a date or a moment."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return month_start(value)
