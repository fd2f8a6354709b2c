"""Periodic work: deadlines, reminders (催办), public notices (通报) after the grace period, follow-up checks due.

`run_periodic` is idempotent: every automatic reminder and notice has a key (kind, task, deadline) that is unique in
the database, and a follow-up check is claimed by setting its `notified_at` in a conditional UPDATE. Running it twice
— or in two processes at once — sends nothing twice. It is run by `manage.py run_periodic` (cron or a loop), or as
the django-tasks job `run_periodic_task` on a worker.

For each open task (the body still owes work), in each county's settings:
0. not signed for by its signing limit (`sign_due`, the county's `sign_days`): one signing reminder to the body;
1. due soon: `remind_before_days` or fewer days before the deadline, one reminder to the body;
2. overdue: after the deadline, one overdue reminder (催办) to the body and its supervisors;
3. notice: `notice_grace_days` (calendar days) after that reminder, still open: a public notice on the unit's page;
4. follow-ups: a finished task's follow-up check whose date has come: the office and the supervisors are told.
A new deadline (an approved extension, a reassignment, a reopening) starts the sequence again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shangliang.accountability.models import (
    OPEN_STATUSES,
    FollowUpCheck,
    FollowUpStatus,
    PublicNotice,
    Reminder,
    ReminderKind,
    ResponsibilityTask,
    TaskStatus,
)
from shangliang.accountability.services.chasing import (
    notice_create,
    notice_key,
    notice_text,
    reminder_create,
    reminder_key,
    sign_reminder_key,
)
from shangliang.accountability.services.common import settings_for
from shangliang.core import clock
from shangliang.core.events import record_event
from shangliang.core.models import TimeLimitStep
from shangliang.core.workdays import Calendar

# Looked at no further ahead than this for "due soon": the largest allowed remind_before_days (30), counted in working
# days across the longest holidays.
HORIZON = timedelta(days=60)


@dataclass
class PeriodicResult:
    due_soon: int = 0
    unsigned: int = 0
    overdue: int = 0
    notices: int = 0
    follow_ups: int = 0

    @property
    def total(self) -> int:
        return self.due_soon + self.unsigned + self.overdue + self.notices + self.follow_ups

    def line(self) -> str:
        return _("到期提醒 %(a)d 条，签收催办 %(s)d 条，逾期催办 %(b)d 条，通报 %(c)d 条，回访提醒 %(d)d 条。") % {
            "a": self.due_soon,
            "s": self.unsigned,
            "b": self.overdue,
            "c": self.notices,
            "d": self.follow_ups,
        }


class _Settings:
    """Each county's settings and working-day calendar, read once per run."""

    def __init__(self) -> None:
        self._by_county: dict[int | None, object] = {}
        self._calendars: dict[int | None, Calendar] = {}

    def __call__(self, task: ResponsibilityTask):
        county = task.unit.county
        key = county.pk if county is not None else None
        if key not in self._by_county:
            self._by_county[key] = settings_for(county)
        return self._by_county[key]

    def calendar(self, task: ResponsibilityTask) -> Calendar:
        key = task.unit.county_id
        if key not in self._calendars:
            self._calendars[key] = Calendar(key)
        return self._calendars[key]


def _sent_keys(model, keys: list[str]) -> set[str]:
    return set(model.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()


def run_periodic() -> PeriodicResult:
    today = clock.today()
    result = PeriodicResult()
    settings = _Settings()
    open_tasks = ResponsibilityTask.objects.filter(status__in=OPEN_STATUSES).select_related(
        "unit", "unit__county", "department", "owner_unit"
    )

    unsigned = list(
        open_tasks.filter(status__in=(TaskStatus.ASSIGNED, TaskStatus.REOPENED), sign_due__lt=today).order_by(
            "sign_due", "id"
        )
    )
    sent = _sent_keys(Reminder, [sign_reminder_key(t) for t in unsigned])
    for t in unsigned:
        key = sign_reminder_key(t)
        if key in sent:
            continue
        note = _(
            "“%(action)s”的签收期限 %(due)s 已过（%(overdue)s），请尽快签收；不属于本单位职责的，请联系交办单位。"
        ) % {
            "action": t.action[:40],
            "due": t.sign_due.isoformat(),
            "overdue": settings.calendar(t).overdue(t.sign_due, today),
        }
        if reminder_create(task=t, kind=ReminderKind.SIGN, note=note, key=key):
            result.unsigned += 1

    soon = list(open_tasks.filter(deadline__gte=today, deadline__lte=today + HORIZON).order_by("deadline", "id"))
    sent = _sent_keys(Reminder, [reminder_key(ReminderKind.DUE_SOON, t) for t in soon])
    for t in soon:
        days = (t.deadline - today).days
        before = settings(t).remind_before_days
        if not before or reminder_key(ReminderKind.DUE_SOON, t) in sent:
            continue
        if today < settings.calendar(t).before(t.deadline, before, step=TimeLimitStep.REMIND_BEFORE):
            continue
        note = _("“%(action)s”将于 %(deadline)s 到期（还有 %(days)d 天），请抓紧办理。") % {
            "action": t.action[:40],
            "deadline": t.deadline.isoformat(),
            "days": days,
        }
        if reminder_create(task=t, kind=ReminderKind.DUE_SOON, note=note, key=reminder_key(ReminderKind.DUE_SOON, t)):
            result.due_soon += 1

    late = list(open_tasks.filter(deadline__lt=today).order_by("deadline", "id"))
    sent = _sent_keys(Reminder, [reminder_key(ReminderKind.OVERDUE, t) for t in late])
    for t in late:
        key = reminder_key(ReminderKind.OVERDUE, t)
        if key in sent:
            continue
        note = _("“%(action)s”已于 %(deadline)s 到期，%(overdue)s，请尽快办结并报告。") % {
            "action": t.action[:40],
            "deadline": t.deadline.isoformat(),
            "overdue": settings.calendar(t).overdue(t.deadline, today),
        }
        if reminder_create(task=t, kind=ReminderKind.OVERDUE, note=note, key=key):
            result.overdue += 1

    # Notices: the overdue reminder for the current deadline went out at least the grace period ago.
    reminded = {
        r.task_id: r for r in Reminder.objects.filter(key__in=[reminder_key(ReminderKind.OVERDUE, t) for t in late])
    }
    noticed = _sent_keys(PublicNotice, [notice_key(t) for t in late])
    for t in late:
        reminder = reminded.get(t.pk)
        if reminder is None or notice_key(t) in noticed:
            continue
        grace = settings.calendar(t).due(
            timezone.localdate(reminder.sent_at), settings(t).notice_grace_days, step=TimeLimitStep.NOTICE_GRACE
        )
        if grace.day > today:
            continue
        if notice_create(task=t, text=notice_text(t, today)):
            result.notices += 1

    due = FollowUpCheck.objects.filter(
        status=FollowUpStatus.PENDING, due_on__lte=today, notified_at__isnull=True, task__status=TaskStatus.DONE
    ).select_related("task", "task__unit")
    for check in due.order_by("due_on", "id"):
        with transaction.atomic():
            claimed = FollowUpCheck.objects.filter(pk=check.pk, notified_at__isnull=True).update(
                notified_at=clock.now()
            )
            if not claimed:
                continue  # another run took it
            record_event(
                check.task,
                actor=None,
                action="follow_up_due",
                note=_("办结已满回访期限（%(d)s），请回访检查成效是否持续。") % {"d": check.due_on.isoformat()},
                data={"check": check.pk},
            )
        result.follow_ups += 1
    return result


def periodic_line(today: date) -> str:
    """This app's job in the one periodic command (core.periodic)."""
    return run_periodic().line()
