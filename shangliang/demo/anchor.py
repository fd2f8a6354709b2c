"""The demo's calendar anchored to the day of loading, so that the county looks alive on any day it is loaded.

Two anchors, both from `clock.today()` (the same day gives the same county):

- The curated examples (topics, consultations, tasks, opinion reports, demo.topics/consultations/accountability/
  opinions) are written in their tables as they stand on STORY_DAY: their latest steps a few days or weeks before it,
  pending deadlines ahead of it, overdue ones overdue by a few weeks. Loaded on another day, every curated date moves
  by the whole weeks between STORY_DAY and today (`day`, `moment`): the stories keep their order and spacing, and
  weekdays stay weekdays (a meeting stays on a working day).
- The everyday work (demo.lived, the village affairs and cases) runs over the LIVED_MONTHS before today
  (`lived_start`), so the county always shows a year and a half of work and loading takes the same time.

History does not move: units established, the committee's term (2021), role assignments and handovers, the rooms'
rollout and the county-wide reviews of 2024 and 2025, the frequency norms in force since 2025.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shangliang.core import clock
from shangliang.core.months import add_months, month_start

STORY_DAY = date(2026, 1, 5)  # a Monday: the curated tables' "today"
LIVED_MONTHS = 18


def shift() -> timedelta:
    """The whole weeks from STORY_DAY to today (the story's today is STORY_DAY plus 0–6 days)."""
    return timedelta(weeks=(clock.today() - STORY_DAY).days // 7)


def day(story: date) -> date:
    """A date of the curated tables, moved to the day of loading."""
    return story + shift()


def moment(story: datetime) -> datetime:
    """A time of the curated tables, moved to the day of loading."""
    return story + shift()


def lived_start(today: date) -> date:
    """The first day of the everyday work: the first of the month LIVED_MONTHS before today."""
    return month_start(add_months(today, -LIVED_MONTHS))
