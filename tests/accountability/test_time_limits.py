"""Time limits for signing for a task (签收) and asking to hand it back (申退): the county's number of days, counted in
working or calendar days as the county says per step (TimeLimitRule), across Spring Festival 2026 (the State
Council's notice) and 2027 (provisional: the statutory days by rule, no 调休). Shown on the task page, enforced for
申退, chased by the periodic command."""

from datetime import date

import pytest
from django.urls import reverse

from shangliang.accountability import services
from shangliang.accountability.models import Reminder, ReminderKind, TaskStatus
from shangliang.accountability.services.periodic import run_periodic
from shangliang.core import calendars, clock
from shangliang.core.errors import NotPossible
from shangliang.core.models import DayCount, TimeLimitStep
from tests.accountability.conftest import assign, body, office, reload, walk
from tests.conftest import fresh


def counts(world, **steps):
    calendars.time_limits_save(actor=fresh(world.users["staff"]), county=world.a, counts=steps)


def test_signing_and_hand_back_limits_count_working_days_across_spring_festival_2026(world, consultation):
    # Thursday 12 February 2026: Friday 13th and Saturday 14th (调休) are worked, 15th–23rd are the holiday.
    with clock.frozen("2026-02-12 09:00"):
        task = assign(world, consultation, deadline=date(2026, 3, 31))
    assert (task.sign_due, task.hand_back_due) == (date(2026, 2, 24), date(2026, 2, 26))


def test_a_county_switching_signing_to_calendar_days(world, consultation):
    counts(world, **{TimeLimitStep.SIGN: DayCount.CALENDAR})
    with clock.frozen("2026-02-12 09:00"):
        task = assign(world, consultation, deadline=date(2026, 3, 31))
    # Signing: 3 calendar days (the 15th, inside the holiday); 申退 still 5 working days.
    assert (task.sign_due, task.hand_back_due) == (date(2026, 2, 15), date(2026, 2, 26))

    counts(world, **{TimeLimitStep.SIGN: DayCount.WORKING, TimeLimitStep.HAND_BACK: DayCount.CALENDAR})
    with clock.frozen("2026-02-12 09:00"):
        again = assign(world, consultation, action="路灯维修", deadline=date(2026, 3, 31))
    assert (again.sign_due, again.hand_back_due) == (date(2026, 2, 24), date(2026, 2, 17))


def test_limits_across_spring_festival_2027_are_counted_on_the_provisional_calendar(world, consultation):
    # Wednesday 3 February 2027: 5–8 February are statutory (除夕 to 初三) by rule; no 调休 is known yet.
    with clock.frozen("2027-02-03 09:00"):
        task = assign(world, consultation, deadline=date(2027, 3, 31))
    assert (task.sign_due, task.hand_back_due) == (date(2027, 2, 10), date(2027, 2, 12))
    counts(world, **{TimeLimitStep.SIGN: DayCount.CALENDAR, TimeLimitStep.HAND_BACK: DayCount.CALENDAR})
    with clock.frozen("2027-02-03 09:00"):
        task = assign(world, consultation, action="路灯维修", deadline=date(2027, 3, 31))
    assert (task.sign_due, task.hand_back_due) == (date(2027, 2, 6), date(2027, 2, 8))


def test_the_countys_number_of_days_is_its_own(world, consultation):
    services.settings_save(actor=fresh(world.users["staff"]), county=world.a, sign_days=1, hand_back_days=2)
    with clock.frozen("2026-02-12 09:00"):
        task = assign(world, consultation, deadline=date(2026, 3, 31))
    assert (task.sign_due, task.hand_back_due) == (date(2026, 2, 13), date(2026, 2, 14))


def test_hand_back_after_its_limit_is_refused_with_the_date(world, consultation):
    with clock.frozen("2026-02-12 09:00"):
        late = assign(world, consultation, deadline=date(2026, 3, 31))
        in_time = assign(world, consultation, action="路灯维修", deadline=date(2026, 3, 31))
    with clock.frozen("2026-02-26 17:00"):  # the last day of the limit
        services.task_hand_back_request(actor=body(world), task=in_time, reason="不属于本部门职责")
    assert reload(in_time).status == TaskStatus.HAND_BACK_REQUESTED
    with clock.frozen("2026-02-27 09:00"), pytest.raises(NotPossible, match="申退期限（2026-02-26）已过"):
        services.task_hand_back_request(actor=body(world), task=late, reason="不属于本部门职责")
    assert reload(late).status == TaskStatus.ASSIGNED
    with clock.frozen("2026-02-27 09:00"):
        services.task_sign(actor=body(world), task=late)  # signing stays possible after its limit
    assert reload(late).status == TaskStatus.IN_PROGRESS


def test_reassigning_gives_the_new_body_its_own_limits(world, consultation):
    with clock.frozen("2026-02-12 09:00"):
        task = walk(world, assign(world, consultation, deadline=date(2026, 3, 31)), TaskStatus.HANDED_BACK)
    with clock.frozen("2026-03-02 09:00"):  # Monday
        services.task_reassign(actor=office(world), task=task, owner_unit=world.t1, owner_name="李镇长")
    task = reload(task)
    assert (task.sign_due, task.hand_back_due) == (date(2026, 3, 5), date(2026, 3, 9))


def test_an_unsigned_task_is_chased_once_in_both_units(world, consultation):
    with clock.frozen("2026-02-12 09:00"):
        task = assign(world, consultation, deadline=date(2026, 3, 31))
    with clock.frozen("2026-02-24 09:00"):  # the last day to sign
        run_periodic()
    assert not Reminder.objects.filter(task=task, kind=ReminderKind.SIGN).exists()
    with clock.frozen("2026-03-02 09:00"):
        assert run_periodic().unsigned == 1
        assert run_periodic().unsigned == 0  # once
    reminder = Reminder.objects.get(task=task, kind=ReminderKind.SIGN)
    assert (
        "2026-02-24" in reminder.note and "逾期 5 个工作日（6 天）" in reminder.note
    )  # 28 February is a 调休 Saturday
    with clock.frozen("2026-03-02 10:00"):
        services.task_sign(actor=body(world), task=task)
    with clock.frozen("2026-03-09 09:00"):
        assert run_periodic().unsigned == 0  # signed: nothing more


def test_the_task_page_shows_the_signing_limit_and_how_late_it_is(world, consultation, client):
    with clock.frozen("2026-02-12 09:00"):
        task = assign(world, consultation, deadline=date(2026, 3, 31))
    client.force_login(world.users["department"])
    with clock.frozen("2026-02-25 09:00"):
        page = client.get(reverse("accountability:task", args=[task.pk])).content.decode()
    assert "2026-02-24" in page and "逾期 1 个工作日（1 天）" in page
    assert "请于 2026-02-26 前申请退回" in page and "request_hand_back" in page
    with clock.frozen("2026-02-27 09:00"):
        page = client.get(reverse("accountability:task", args=[task.pk])).content.decode()
    assert "request_hand_back" not in page  # past the 申退 limit: no form that would be refused
    with clock.frozen("2026-02-27 09:00"):
        services.task_sign(actor=body(world), task=task)
        page = client.get(reverse("accountability:task", args=[task.pk])).content.decode()
    assert 'id="sign-due"' not in page
