"""Working days on the Chinese calendar (core.workdays): public holidays, adjusted working weekends (调休), and a clear
Chinese refusal for years the calendar package does not cover."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shangliang.core.errors import InvalidInput
from shangliang.core.workdays import (
    CalendarNotCovered,
    add_working_days,
    covered_years,
    is_working_day,
    working_days_between,
)


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


def test_a_year_the_calendar_does_not_cover_is_refused_in_chinese():
    first, last = covered_years()
    assert first <= 2024 and last >= 2025
    with pytest.raises(CalendarNotCovered) as caught:
        is_working_day(date(last + 1, 3, 2))
    message = caught.value.message
    assert f"{first}—{last}" in message and str(last + 1) in message and "请直接选择截止日期" in message
    # Counting into the next year fails the same way, with the field named for the form.
    with pytest.raises(CalendarNotCovered) as caught:
        add_working_days(date(last, 12, 20), 30, field="working_days")
    assert caught.value.field == "working_days"
    with pytest.raises(CalendarNotCovered):
        is_working_day(date(first - 1, 6, 1))


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 10, 31)), n=st.integers(1, 40))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    end = add_working_days(start, n)
    assert end > start
    assert is_working_day(end)
    assert working_days_between(start, end) == n
    assert working_days_between(start, end - timedelta(days=1)) == n - 1
