"""Working days (工作日) on a county's calendar: weekends, public holidays and the adjusted working weekends (调休).

Where a year's calendar comes from, first found wins:
1. the county's own entry (`CalendarYear`, entered or corrected by its CPPCC office from the State Council's notice);
2. the maintained `chinesecalendar` package, which carries the State Council's notice for each year it knows;
3. the provisional rule for a year nobody has published yet: the statutory holidays (《全国年节及纪念日放假办法》, by
   rule from the maintained `holidays` package, lunar dates included) with no 调休. A deadline counted across such a
   year is never refused: it is marked provisional (`PROVISIONAL_NOTE`) and registered, so that once the year is
   official the office can confirm or move it (core.calendars).

    cal = calendar_for(county)
    cal.add_working_days(date(2026, 2, 13), 1)   # → Reckoning(2026-02-14, provisional=False): Saturday, a 调休 day
    reckon(date(2026, 12, 4), 30, county=county, count=DayCount.WORKING)  # reaches into 2027: provisional=True

Each county also says per step whether its time limits count working or calendar days (`TimeLimitRule`; `due()`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

import chinese_calendar
import holidays as holiday_rules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shangliang.core.errors import InvalidInput
from shangliang.core.models import CalendarDayKind, CalendarYear, DayCount, TimeLimitRule, TimeLimitStep

# No time limit runs longer than this many days: a typo must not push a deadline years ahead.
MAX_WORKING_DAYS = 500

PROVISIONAL_NOTE = gettext_lazy("暂按法定节假日推算，待国务院通知发布后核对")

# How a step counts when its county has said nothing (TimeLimitRule): what the offices did before it was configurable.
STEP_DEFAULTS = {
    TimeLimitStep.SIGN: DayCount.WORKING,
    TimeLimitStep.HAND_BACK: DayCount.WORKING,
    TimeLimitStep.OPINION_REPLY: DayCount.WORKING,
    TimeLimitStep.REMIND_BEFORE: DayCount.CALENDAR,
    TimeLimitStep.NOTICE_GRACE: DayCount.CALENDAR,
}


class YearSource:
    OFFICE = "office"  # entered by the county's CPPCC office
    PACKAGE = "package"  # the State Council's notice as carried by chinesecalendar
    PROVISIONAL = "provisional"  # statutory holidays by rule, no 调休

    LABELS = {
        OFFICE: gettext_lazy("本县录入（正式）"),
        PACKAGE: gettext_lazy("国务院通知（正式）"),
        PROVISIONAL: gettext_lazy("暂按法定节假日推算"),
    }


# Names the packages give in English, shown in Chinese.
_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: str
    holidays: dict[date, str] = field(default_factory=dict)  # days off, weekends inside a holiday included
    workdays: dict[date, str] = field(default_factory=dict)  # weekends worked (调休)

    @property
    def provisional(self) -> bool:
        return self.source == YearSource.PROVISIONAL

    @property
    def official(self) -> bool:
        return not self.provisional

    @property
    def source_label(self) -> str:
        return str(YearSource.LABELS[self.source])

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


@dataclass(frozen=True)
class Reckoning:
    """A computed day, and whether a provisional year was counted to reach it."""

    day: date
    provisional: bool = False

    @property
    def note(self) -> str:
        return str(PROVISIONAL_NOTE) if self.provisional else ""


@lru_cache(maxsize=1)
def package_years() -> tuple[int, int]:
    """First and last year the installed chinesecalendar package knows the State Council's notice for."""
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return min(years), max(years)


@lru_cache(maxsize=64)
def package_year(year: int) -> YearCalendar | None:
    first, last = package_years()
    if not first <= year <= last:
        return None
    return YearCalendar(
        year,
        YearSource.PACKAGE,
        holidays={d: _NAMES.get(n, n) for d, n in chinese_calendar.holidays.items() if d.year == year},
        workdays={d: _NAMES.get(n, n) for d, n in chinese_calendar.workdays.items() if d.year == year},
    )


@lru_cache(maxsize=64)
def provisional_year(year: int) -> YearCalendar:
    """The statutory holidays of the year by rule (no observed days, no 调休): what is certain before the notice."""
    try:
        days = holiday_rules.China(years=year, observed=False, language="zh_CN")
    except (NotImplementedError, ValueError, OverflowError):  # beyond the lunar tables: weekends only
        days = {}
    return YearCalendar(year, YearSource.PROVISIONAL, holidays={d: str(n) for d, n in sorted(days.items())})


def _county_id(county) -> int | None:
    if county is None or isinstance(county, int):
        return county
    return county.pk


class Calendar:
    """A county's calendar (the national one when `county` is None). Reads each year once: build one per request or
    job and ask it many times."""

    def __init__(self, county=None):
        self.county_id = _county_id(county)
        self._years: dict[int, YearCalendar] = {}

    def year(self, year: int) -> YearCalendar:
        if year not in self._years:
            self._years[year] = self._load(year)
        return self._years[year]

    def _load(self, year: int) -> YearCalendar:
        if self.county_id is not None:
            entry = CalendarYear.objects.filter(county_id=self.county_id, year=year).prefetch_related("days").first()
            if entry is not None:
                rows = list(entry.days.all())
                return YearCalendar(
                    year,
                    YearSource.OFFICE,
                    holidays={r.day: r.name for r in rows if r.kind == CalendarDayKind.HOLIDAY},
                    workdays={r.day: r.name for r in rows if r.kind == CalendarDayKind.WORKDAY},
                )
        return package_year(year) or provisional_year(year)

    def is_working_day(self, day: date) -> bool:
        return self.year(day.year).is_working_day(day)

    def is_provisional(self, start: date, end: date) -> bool:
        """Whether any year in [start, end] is provisional."""
        return any(self.year(y).provisional for y in range(min(start, end).year, max(start, end).year + 1))

    def add_working_days(self, start: date, days: int, *, field: str | None = None) -> Reckoning:
        """The `days`-th working day after `start` (start itself not counted: "within 5 working days" of the
        assignment). `days` = 0 gives `start` itself."""
        _check_count(days, field)
        day = start
        remaining = days
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return Reckoning(day, days > 0 and self.is_provisional(start + timedelta(days=1), day))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days late a task is, or how many it had. 0 if end ≤ start."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def reckon(self, start: date, days: int, *, count: str, field: str | None = None) -> Reckoning:
        """`days` working or calendar days after `start`."""
        if count == DayCount.WORKING:
            return self.add_working_days(start, days, field=field)
        _check_count(days, field)
        return Reckoning(start + timedelta(days=days))

    @cached_property
    def counts(self) -> dict[str, str]:
        """How the county counts each step's days (read once)."""
        return step_counts(self.county_id)

    def due(self, start: date, days: int, *, step: str, field: str | None = None) -> Reckoning:
        """A step's time limit: `days` after `start`, counted as the county counts that step."""
        return self.reckon(start, days, count=self.counts[step], field=field)

    def before(self, deadline: date, days: int, *, step: str) -> date:
        """The day `days` before `deadline`, counted as the county counts that step (reminders ahead of it)."""
        if self.counts[step] != DayCount.WORKING:
            return deadline - timedelta(days=days)
        day, remaining = deadline, days
        while remaining:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def overdue(self, deadline: date, today: date) -> str:
        """ "逾期 3 个工作日（5 天）", or "" when not late."""
        if today <= deadline:
            return ""
        return _("逾期 %(w)d 个工作日（%(d)d 天）") % {
            "w": self.working_days_between(deadline, today),
            "d": (today - deadline).days,
        }


def _check_count(days, field: str | None) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise InvalidInput(_("天数应为非负整数。"), field=field)
    if days > MAX_WORKING_DAYS:
        raise InvalidInput(_("天数不能超过 %(max)d 天。") % {"max": MAX_WORKING_DAYS}, field=field)


def calendar_for(county) -> Calendar:
    return Calendar(county)


def is_working_day(day: date, *, county=None) -> bool:
    return Calendar(county).is_working_day(day)


def add_working_days(start: date, days: int, *, county=None, field: str | None = None) -> Reckoning:
    return Calendar(county).add_working_days(start, days, field=field)


def working_days_between(start: date, end: date, *, county=None) -> int:
    return Calendar(county).working_days_between(start, end)


def reckon(start: date, days: int, *, county, count: str, field: str | None = None) -> Reckoning:
    return Calendar(county).reckon(start, days, count=count, field=field)


def step_counts(county) -> dict[str, str]:
    """How the county counts each step's days (working or calendar), defaults filled in."""
    out = dict(STEP_DEFAULTS)
    county_id = _county_id(county)
    if county_id is not None:
        out.update(TimeLimitRule.objects.filter(county_id=county_id).values_list("step", "count"))
    return out


def due(start: date, days: int, *, county, step: str) -> Reckoning:
    """A step's time limit: `days` after `start`, counted as the county counts that step."""
    return Calendar(county).due(start, days, step=step)
