"""Working days (工作日) on the Chinese calendar: weekends, public holidays, and the adjusted working weekends (调休).

The calendar comes from the maintained `chinesecalendar` package (import name `chinese_calendar`), which carries the
State Council's holiday notice for each year it knows. It knows a year only after the notice is published (usually in
November or December of the year before), so a date in a later year cannot be counted: `CalendarNotCovered` says so
in Chinese, and the caller asks for a plain date instead of guessing.

    add_working_days(date(2025, 1, 24), 3)   # Fri before the Spring Festival → 2025-02-05 (26 Jan, a Sunday, works)
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext as _

from shangliang.core.errors import InvalidInput

# No task is given more than this many working days: a typo must not push a deadline years ahead.
MAX_WORKING_DAYS = 500


class CalendarNotCovered(InvalidInput):
    """The date lies in a year whose holidays the calendar package does not know."""


@lru_cache(maxsize=1)
def covered_years() -> tuple[int, int]:
    """First and last year the installed calendar knows holidays and adjusted working days for."""
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return min(years), max(years)


def _not_covered(day: date, field: str | None) -> CalendarNotCovered:
    first, last = covered_years()
    return CalendarNotCovered(
        _(
            "工作日历只收录了 %(first)d—%(last)d 年的法定节假日和调休安排，无法按工作日计算 %(year)d 年的日期："
            "请直接选择截止日期，或待更新日历后再按工作日计算。"
        )
        % {"first": first, "last": last, "year": day.year},
        field=field,
    )


def is_working_day(day: date, *, field: str | None = None) -> bool:
    """True on working days: Monday to Friday that are not public holidays, and the adjusted working weekends."""
    first, last = covered_years()
    if not first <= day.year <= last:
        raise _not_covered(day, field)
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:  # the package's own refusal, should its range differ from ours
        raise _not_covered(day, field) from exc


def add_working_days(start: date, days: int, *, field: str | None = None) -> date:
    """The `days`-th working day after `start` (start itself not counted: "within 5 working days" of the assignment).

    `days` = 0 gives `start` itself. Raises CalendarNotCovered if the count runs into a year the calendar lacks.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise InvalidInput(_("工作日天数应为非负整数。"), field=field)
    if days > MAX_WORKING_DAYS:
        raise InvalidInput(_("工作日天数不能超过 %(max)d 天。") % {"max": MAX_WORKING_DAYS}, field=field)
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, field=field):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, *, field: str | None = None) -> int:
    """Working days in (start, end]: how many working days late a task is, or how many it had. 0 if end ≤ start."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, field=field):
            count += 1
    return count
