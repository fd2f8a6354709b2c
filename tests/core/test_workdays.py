"""Working days on the Chinese calendar (core.workdays): public holidays, adjusted working weekends (调休), the
provisional calendar for a year nobody has published yet (never a refusal), and a county's own entries and step
counts."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shangliang.core import workdays
from shangliang.core.errors import InvalidInput
from shangliang.core.models import CalendarDay, CalendarYear, DayCount, TimeLimitRule, TimeLimitStep
from shangliang.core.workdays import (
    PROVISIONAL_NOTE,
    Calendar,
    is_working_day,
    package_years,
    working_days_between,
)


def add_working_days(start, n, **kw):
    return workdays.add_working_days(start, n, **kw).day


def test_spring_festival_2025_and_its_adjusted_sunday():
    # 2025: holiday 28 Jan – 4 Feb; Sunday 26 Jan and Saturday 8 Feb are working days (调休).
    assert is_working_day(date(2025, 1, 26))  # a Sunday that works
    assert not is_working_day(date(2025, 1, 28))  # 除夕
    assert not is_working_day(date(2025, 2, 4))
    assert is_working_day(date(2025, 2, 8))  # a Saturday that works
    friday = date(2025, 1, 24)
    assert add_working_days(friday, 1) == date(2025, 1, 26)  # Sunday, not Monday
    assert add_working_days(friday, 2) == date(2025, 1, 27)
    assert add_working_days(friday, 3) == date(2025, 2, 5)  # the whole festival skipped
    assert add_working_days(date(2025, 2, 7), 1) == date(2025, 2, 8)  # Friday → the adjusted Saturday


def test_spring_festival_2024_and_its_two_adjusted_sundays():
    # 2024: holiday 10–17 Feb; Sunday 4 Feb and Sunday 18 Feb are working days.
    start = date(2024, 2, 1)  # Thursday
    days = [add_working_days(start, n) for n in range(1, 7)]
    assert days == [
        date(2024, 2, 2),
        date(2024, 2, 4),  # Sunday worked
        date(2024, 2, 5),
        date(2024, 2, 6),
        date(2024, 2, 7),
        date(2024, 2, 8),
    ]
    assert add_working_days(start, 7) == date(2024, 2, 9)  # 除夕 2024 was a working Friday
    assert add_working_days(start, 8) == date(2024, 2, 18)  # the Sunday after the festival is worked
    assert working_days_between(date(2024, 2, 9), date(2024, 2, 18)) == 1


def test_national_day_golden_week_2025():
    # 1–8 Oct 2025 off; Sunday 28 Sep and Saturday 11 Oct worked.
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 10, 10), 1) == date(2025, 10, 11)


def test_zero_days_and_bad_counts():
    assert add_working_days(date(2025, 3, 3), 0) == date(2025, 3, 3)
    with pytest.raises(InvalidInput, match="非负整数"):
        add_working_days(date(2025, 3, 3), -1)
    with pytest.raises(InvalidInput, match="不能超过"):
        add_working_days(date(2025, 3, 3), 10_000)


def test_spring_festival_2026_official():
    # 2026 (the State Council's notice, in the package): 15–23 Feb off; Saturdays 14 and 28 Feb worked.
    friday = date(2026, 2, 13)
    first = workdays.add_working_days(friday, 1)
    assert first.day == date(2026, 2, 14) and not first.provisional  # the adjusted Saturday
    assert add_working_days(friday, 2) == date(2026, 2, 24)  # the nine days off skipped
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24–27, 28


def test_spring_festival_2027_provisional():
    assert package_years()[1] == 2026, "the locked chinesecalendar knows up to 2026; pick a later year if it grows"
    cal = Calendar()
    year = cal.year(2027)
    assert year.provisional and not year.workdays  # statutory holidays only, no 调休
    # 除夕 5 Feb (Fri) to 初三 8 Feb (Mon) by rule; no adjusted weekend.
    assert [d for d in year.holidays if d.month == 2] == [date(2027, 2, d) for d in (5, 6, 7, 8)]
    due = workdays.add_working_days(date(2027, 2, 4), 1)
    assert due.day == date(2027, 2, 9) and due.provisional and due.note == str(PROVISIONAL_NOTE)
    assert due.note == "暂按法定节假日推算，待国务院通知发布后核对"
    # Counting from 2026 into 2027 is provisional; within 2026 it is not.
    assert workdays.add_working_days(date(2026, 12, 4), 30).provisional
    assert not workdays.add_working_days(date(2026, 12, 4), 10).provisional
    assert workdays.add_working_days(date(2026, 12, 4), 10).day == date(2026, 12, 18)


def test_a_year_far_ahead_is_still_counted():
    due = workdays.add_working_days(date(2040, 9, 28), 3)
    assert due.provisional and due.day == date(2040, 10, 8)  # 1–3 Oct off by rule, the weekend after


def test_an_office_entered_year_wins_over_package_and_rule(world):
    entry = CalendarYear.objects.create(county=world.a, year=2027)
    CalendarDay.objects.bulk_create(
        [CalendarDay(calendar=entry, day=date(2027, 2, d), kind="holiday", name="春节") for d in range(5, 13)]
        + [CalendarDay(calendar=entry, day=date(2027, 2, 20), kind="workday", name="春节")]
    )
    county = Calendar(world.a)
    assert county.year(2027).official and county.year(2027).source == workdays.YearSource.OFFICE
    due = county.add_working_days(date(2027, 2, 4), 1)
    assert due.day == date(2027, 2, 15) and not due.provisional
    assert county.is_working_day(date(2027, 2, 20))  # the adjusted Saturday
    # Another county (B) still counts 2027 provisionally.
    other = Calendar(world.b).add_working_days(date(2027, 2, 4), 1)
    assert other.day == date(2027, 2, 9) and other.provisional


def test_a_county_switches_a_step_between_working_and_calendar_days(world):
    friday = date(2026, 12, 4)
    assert workdays.due(friday, 5, county=world.a, step=TimeLimitStep.NOTICE_GRACE).day == date(2026, 12, 9)
    TimeLimitRule.objects.create(county=world.a, step=TimeLimitStep.NOTICE_GRACE, count=DayCount.WORKING)
    assert workdays.due(friday, 5, county=world.a, step=TimeLimitStep.NOTICE_GRACE).day == date(2026, 12, 11)
    assert workdays.due(friday, 5, county=world.b, step=TimeLimitStep.NOTICE_GRACE).day == date(2026, 12, 9)
    # Reminders ahead of a deadline count back the same way.
    monday = date(2026, 12, 14)
    cal = Calendar(world.a)
    assert cal.before(monday, 3, step=TimeLimitStep.REMIND_BEFORE) == date(2026, 12, 11)
    TimeLimitRule.objects.create(county=world.a, step=TimeLimitStep.REMIND_BEFORE, count=DayCount.WORKING)
    assert Calendar(world.a).before(monday, 3, step=TimeLimitStep.REMIND_BEFORE) == date(2026, 12, 9)


def test_overdue_is_shown_in_working_and_calendar_days():
    cal = Calendar()
    assert cal.overdue(date(2026, 12, 1), date(2026, 12, 7)) == "逾期 4 个工作日（6 天）"
    assert cal.overdue(date(2026, 12, 7), date(2026, 12, 7)) == ""
    assert cal.overdue(date(2026, 2, 13), date(2026, 2, 24)) == "逾期 2 个工作日（11 天）"


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 10, 31)), n=st.integers(1, 40))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    end = add_working_days(start, n)
    assert end > start
    assert is_working_day(end)
    assert working_days_between(start, end) == n
    assert working_days_between(start, end - timedelta(days=1)) == n - 1
