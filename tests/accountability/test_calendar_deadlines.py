"""Deadlines given in working days across a year without an official calendar: marked provisional, and — once the
office enters the year — the ones that come out differently are listed for it to confirm or move, never moved
silently."""

from datetime import date

import pytest

from shangliang.accountability.models import ResponsibilityTask
from shangliang.core import calendars, clock
from shangliang.core.errors import NotAllowed, NotPossible
from shangliang.core.models import Event, ProvisionalDeadline, ProvisionalStatus
from tests.accountability.conftest import assign
from tests.conftest import fresh
from tests.core.test_calendars import NOTICE_2027, save, staff


def test_provisional_deadlines_that_change_are_listed_never_moved_silently(world, consultation):
    with clock.frozen("2026-12-04 09:00"):
        late = assign(world, consultation, action="排水沟清淤", deadline=None, working_days=45)
        same = assign(world, consultation, action="路灯维修", deadline=None, working_days=25)
        plain = assign(world, consultation, action="张贴公告", deadline=None, working_days=10)
    assert (late.deadline, same.deadline, plain.deadline) == (date(2027, 2, 10), date(2027, 1, 11), date(2026, 12, 18))
    assert late.deadline_provisional and same.deadline_provisional and not plain.deadline_provisional
    assert ProvisionalDeadline.objects.filter(status=ProvisionalStatus.OPEN).count() == 2

    with clock.frozen("2026-12-20 10:00"):
        save(world, year=2027, notice=NOTICE_2027)
    listed = list(calendars.provisional_to_review(world.a))
    assert [(r.object_id, r.computed, r.official) for r in listed] == [(late.pk, date(2027, 2, 10), date(2027, 2, 16))]
    assert ResponsibilityTask.objects.get(pk=late.pk).deadline == date(2027, 2, 10)  # not moved silently
    settled = ResponsibilityTask.objects.get(pk=same.pk)
    assert settled.deadline == date(2027, 1, 11) and not settled.deadline_provisional  # same day: no longer marked

    with pytest.raises(NotAllowed):
        calendars.provisional_resolve(actor=fresh(world.users["convenor"]), deadline=listed[0], move=True)
    calendars.provisional_resolve(actor=staff(world), deadline=listed[0], move=True)
    moved = ResponsibilityTask.objects.get(pk=late.pk)
    assert moved.deadline == date(2027, 2, 16) and not moved.deadline_provisional
    assert Event.objects.filter(object_id=late.pk, action="deadline_official").exists()
    with pytest.raises(NotPossible):  # a double submit changes nothing
        calendars.provisional_resolve(actor=staff(world), deadline=listed[0], move=False)
    assert not calendars.provisional_to_review(world.a).exists()


def test_confirming_keeps_the_provisional_day(world, consultation):
    with clock.frozen("2026-12-04 09:00"):
        task = assign(world, consultation, deadline=None, working_days=45)
    with clock.frozen("2026-12-20 10:00"):
        save(world, year=2027, notice=NOTICE_2027)
    row = calendars.provisional_to_review(world.a).get()
    calendars.provisional_resolve(actor=staff(world), deadline=row, move=False)
    task.refresh_from_db()
    assert task.deadline == date(2027, 2, 10) and not task.deadline_provisional
    assert ProvisionalDeadline.objects.get(pk=row.pk).status == ProvisionalStatus.CONFIRMED
