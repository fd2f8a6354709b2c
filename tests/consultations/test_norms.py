"""Frequency norms: when the next consultation is due and since when a unit is behind (rolling window, inclusive)."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from shangliang.consultations.models import Consultation, FrequencyNorm
from shangliang.consultations.norms import (
    NormSpec,
    add_months,
    due_date,
    held_in_window,
    norm_status,
    spec_for,
    status_from,
    units_behind,
)
from shangliang.units.models import UnitLevel

START = date(2024, 1, 1)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 15), 2) == date(2026, 1, 15)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 5, 10), 12) == date(2026, 5, 10)


def test_town_twice_a_year():
    # Held in March and September: the next is due a year after the older of the last two.
    held = [date(2024, 3, 10), date(2024, 9, 20)]
    assert due_date(held, min_count=2, period_months=12, start=START) == date(2025, 3, 10)
    # With only one held since the start, the start stands in for the missing one.
    assert due_date([date(2024, 9, 20)], min_count=2, period_months=12, start=START) == date(2025, 1, 1)
    # Three held: only the two most recent count.
    held = [date(2024, 3, 10), date(2024, 9, 20), date(2025, 1, 5)]
    assert due_date(held, min_count=2, period_months=12, start=START) == date(2025, 9, 20)


def test_village_every_two_months():
    assert due_date([date(2025, 1, 10)], min_count=1, period_months=2, start=START) == date(2025, 3, 10)
    assert due_date([], min_count=1, period_months=2, start=START) == date(2024, 3, 1)


def test_monthly_and_behind_since():
    spec = NormSpec(1, 1, START, True)

    class Unit:
        established_on = None

    s = status_from(spec, Unit(), [date(2025, 1, 31)], today=date(2025, 2, 28))
    assert s.due_on == date(2025, 2, 28) and not s.behind and s.days_left == 0
    s = status_from(spec, Unit(), [date(2025, 1, 31)], today=date(2025, 3, 5))
    assert s.behind and s.behind_since == date(2025, 3, 1) and s.days_behind == 5


def test_a_unit_established_later_counts_from_its_establishment():
    spec = NormSpec(1, 2, START, False)

    class Unit:
        established_on = date(2025, 6, 15)

    s = status_from(spec, Unit(), [date(2024, 5, 1)], today=date(2025, 7, 1))  # a date before it existed is ignored
    assert s.start == date(2025, 6, 15) and s.due_on == date(2025, 8, 15) and not s.behind


dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@settings(deadline=None)
@given(held=st.lists(dates, max_size=12), n=st.integers(1, 4), p=st.integers(1, 24), today=dates)
def test_holding_one_on_the_due_day_keeps_the_norm(held, n, p, today):
    """Whatever happened before, a consultation held on the due date pushes the due date strictly later."""
    due = due_date(held, min_count=n, period_months=p, start=START)
    later = due_date([*held, due], min_count=n, period_months=p, start=START)
    assert later > due or n > 1  # with N > 1 the new one may not be the N-th most recent yet
    assert later >= due


@settings(deadline=None)
@given(held=st.lists(dates, max_size=12), extra=dates, n=st.integers(1, 4), p=st.integers(1, 24))
def test_more_consultations_never_make_it_due_sooner(held, extra, n, p):
    assert due_date([*held, extra], min_count=n, period_months=p, start=START) >= due_date(
        held, min_count=n, period_months=p, start=START
    )


@settings(deadline=None)
@given(held=st.lists(dates, max_size=12), n=st.integers(1, 4), p=st.integers(1, 24), today=dates)
def test_not_behind_means_enough_in_the_window(held, n, p, today):
    """The rolling-window definition: on a day before or on the due date, the last N were within P months of it."""
    held = [d for d in held if START <= d <= today]
    due = due_date(held, min_count=n, period_months=p, start=START)
    if today <= due and len(held) >= n:
        assert held_in_window(held, period_months=p, today=today) >= n
    if today > due:
        assert held_in_window(held, period_months=p, today=today) < n or len(held) < n


def test_defaults_and_configured_norms(world):
    assert spec_for(world.t1) == NormSpec(2, 12, date(2020, 1, 1), False)
    assert spec_for(world.v1) == NormSpec(1, 2, date(2020, 1, 1), False)
    assert spec_for(world.a) is None
    FrequencyNorm.objects.create(
        county=world.a, level=UnitLevel.VILLAGE, min_count=1, period_months=1, effective_from=date(2025, 1, 1)
    )
    assert spec_for(world.v1) == NormSpec(1, 1, date(2025, 1, 1), True)
    assert spec_for(world.vb).period_months == 2  # the other county keeps the default


def _held(unit, on: date, status="closed_consensus"):
    at = timezone.make_aware(datetime(on.year, on.month, on.day, 10, 0))
    return Consultation.objects.create(unit=unit, title="x", form="meeting", status=status, held_at=at)


def test_norm_status_and_who_is_behind(world, freeze):
    FrequencyNorm.objects.create(
        county=world.a, level=UnitLevel.VILLAGE, min_count=1, period_months=2, effective_from=date(2025, 1, 1)
    )
    FrequencyNorm.objects.create(
        county=world.a, level=UnitLevel.TOWN, min_count=2, period_months=12, effective_from=date(2025, 1, 1)
    )
    today = date(2025, 6, 30)
    _held(world.v1, date(2025, 5, 20))
    _held(world.v2, date(2025, 3, 1))
    _held(world.v3, date(2025, 6, 1), status="cancelled")  # never held: does not count
    _held(world.t1, date(2025, 2, 1))
    _held(world.t1, date(2025, 5, 1))
    freeze(today)
    assert not norm_status(world.v1).behind
    s = norm_status(world.v2)
    assert s.behind and s.due_on == date(2025, 5, 1) and s.behind_since == date(2025, 5, 2)
    behind = {u.name: s for u, s in units_behind(world.a)}
    # 二镇 has held none, but has until a year after the norm's start (2026-01-01) to hold two.
    assert set(behind) == {"二村", "三村"}
    assert behind["三村"].due_on == date(2025, 3, 1)  # from the norm's start
    assert norm_status(world.t2).due_on == date(2026, 1, 1)


@pytest.mark.parametrize("days_ago", [0, 59, 61])
def test_unit_page_says_whether_a_village_is_behind(client, world, days_ago):
    today = timezone.localdate()
    _held(world.v1, today - timedelta(days=days_ago))
    client.force_login(world.users["convenor"])
    html = client.get(f"/units/{world.v1.pk}/").content.decode()
    due = add_months(today - timedelta(days=days_ago), 2)
    assert str(due) in html
    assert ("未达频次" in html) is (today > due)
