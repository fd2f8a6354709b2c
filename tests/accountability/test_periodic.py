"""The periodic command: reminders before and after the deadline, a public notice after the grace period, follow-up
checks when due — and running it twice (or in two processes) sends nothing twice."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from shangliang.accountability import services
from shangliang.accountability.models import (
    AccountabilitySettings,
    FollowUpCheck,
    PublicNotice,
    Reminder,
    ReminderKind,
    Supervision,
)
from shangliang.accountability.services.periodic import run_periodic
from shangliang.core import clock
from shangliang.core.models import Event
from shangliang.notifications.models import Notification
from tests.accountability.conftest import S, assign, body, office, reload, today, walk
from tests.conftest import fresh


def run_on(day):
    """The periodic command run on that day (the clock stands at 09:00 there)."""
    with clock.frozen(day):
        return run_periodic()


@pytest.fixture
def chased(world, consultation):
    """Three tasks: one due in two days, one due in ten, and one that will be in progress; a supervisor on each."""
    soon = assign(world, consultation, action="两天后到期", deadline=today() + timedelta(days=2))
    later = assign(world, consultation, action="十天后到期", deadline=today() + timedelta(days=10))
    working = walk(
        world, assign(world, consultation, action="办理中", deadline=today() + timedelta(days=1)), S.IN_PROGRESS
    )
    member = fresh(world.users["member"])
    member.phone = "13900002222"
    member.save(update_fields=["phone"])
    for t in (soon, later, working):
        Supervision.objects.create(task=t, member=member)
    return soon, later, working


def counts():
    return (
        Reminder.objects.count(),
        PublicNotice.objects.count(),
        Notification.objects.count(),
        Event.objects.count(),
    )


def test_due_soon_then_overdue_then_notice_after_grace(world, chased, sms_outbox, django_capture_on_commit_callbacks):
    soon, later, working = chased
    with django_capture_on_commit_callbacks(execute=True):
        first = run_on(today())
    # Within the default 3 days: the task due in 2 days and the one due tomorrow; not the one due in 10.
    assert (first.due_soon, first.overdue, first.notices) == (2, 0, 0)
    assert {r.task_id for r in Reminder.objects.filter(kind=ReminderKind.DUE_SOON)} == {soon.pk, working.pk}
    assert any(m.to == "13800001111" for m in sms_outbox)  # the owner's phone

    day = today() + timedelta(days=3)  # both past their deadline now
    with django_capture_on_commit_callbacks(execute=True):
        second = run_on(day)
    assert (second.due_soon, second.overdue, second.notices) == (0, 2, 0)
    overdue_sms = [m for m in sms_outbox if m.to == "13900002222"]
    assert overdue_sms, "the supervising member is told of overdue tasks by SMS"

    # The grace period (default 5 days) runs from the overdue reminder.
    assert run_on(day + timedelta(days=4)).notices == 0
    with django_capture_on_commit_callbacks(execute=True):
        third = run_on(day + timedelta(days=5))
    assert third.notices == 2
    notice = PublicNotice.objects.get(task=soon)
    assert notice.unit == soon.unit and "住建局" in notice.text and "逾期" in notice.text
    assert notice.days_overdue == (day + timedelta(days=5) - soon.deadline).days


def test_running_twice_sends_nothing_twice(world, chased, sms_outbox, django_capture_on_commit_callbacks):
    day = today() + timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        run_on(today())
        run_on(day)
        run_on(day + timedelta(days=10))
    before, sent = counts(), len(sms_outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = run_on(day + timedelta(days=10))
        also = run_on(day + timedelta(days=11))
    assert again.total == 0 and also.total == 0
    assert counts() == before and len(sms_outbox) == sent
    assert Reminder.objects.filter(kind=ReminderKind.OVERDUE).count() == 3
    assert PublicNotice.objects.count() == 3


def test_a_new_deadline_starts_the_chase_again(world, chased):
    soon, _later, _working = chased
    run_on(soon.deadline + timedelta(days=1))
    assert Reminder.objects.filter(task=soon, kind=ReminderKind.OVERDUE).count() == 1
    t = walk(world, reload(soon), S.IN_PROGRESS)
    services.extension_request(actor=body(world), task=t, new_deadline=today() + timedelta(days=30), reason="材料未到")
    services.extension_decide(actor=office(world), task=reload(t), approve=True)
    assert run_on(today() + timedelta(days=31)).overdue >= 1
    assert Reminder.objects.filter(task=soon, kind=ReminderKind.OVERDUE).count() == 2


def test_finished_tasks_are_not_chased(world, consultation):
    t = walk(world, assign(world, consultation, deadline=today() + timedelta(days=1)), S.DONE)
    result = run_on(today() + timedelta(days=30))
    assert (result.overdue, result.notices) == (0, 0)
    assert not Reminder.objects.filter(task=t).exists()


def test_county_settings_change_the_grace_and_the_reminder_window(world, chased):
    AccountabilitySettings.objects.create(county=world.a, notice_grace_days=1, remind_before_days=0)
    assert run_on(today()).due_soon == 0
    soon = chased[0]
    day = soon.deadline + timedelta(days=1)
    run_on(day)
    assert run_on(day + timedelta(days=1)).notices >= 1


def test_follow_up_checks_are_announced_once_when_due(world, consultation, django_capture_on_commit_callbacks):
    t = walk(world, assign(world, consultation), S.DONE)
    check = FollowUpCheck.objects.get(task=t)
    assert run_on(check.due_on - timedelta(days=1)).follow_ups == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert run_on(check.due_on).follow_ups == 1
        assert run_on(check.due_on + timedelta(days=1)).follow_ups == 0
    check.refresh_from_db()
    assert check.notified_at is not None
    assert Notification.objects.filter(user=fresh(world.users["convenor"]), verb="task.follow_up_due").count() == 1


def test_due_follow_ups_are_on_the_office_desk(client, world, consultation):
    from django.urls import reverse

    from shangliang.accountability.selectors import due_follow_ups

    t = walk(world, assign(world, consultation, action="需回访"), S.DONE)
    check = FollowUpCheck.objects.get(task=t)
    FollowUpCheck.objects.filter(pk=check.pk).update(due_on=today())
    assert list(due_follow_ups(fresh(world.users["convenor"]))) == [check]
    assert list(due_follow_ups(fresh(world.users["staff"]))) == [check]
    assert not due_follow_ups(fresh(world.users["liaison"])).exists()
    client.force_login(world.users["convenor"])
    html = client.get(reverse("accountability:index")).content.decode()
    assert "待回访（行而不久）" in html and "需回访" in html


def test_the_management_command_prints_what_it_did(world, chased):
    out = StringIO()
    call_command("run_periodic", "--today", (today() + timedelta(days=3)).isoformat(), stdout=out)
    assert "逾期催办 2 条" in out.getvalue()
    out = StringIO()
    call_command("run_periodic", "--today", (today() + timedelta(days=3)).isoformat(), stdout=out)
    assert "逾期催办 0 条" in out.getvalue() and "通报 0 条" in out.getvalue()


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_periodic", "--today", "2025-13-01")
