"""Chasing and supervision: reminders (催办), public notices (通报), supervisors (督办) and their comments.

The automatic reminders and notices of the periodic command go through `reminder_create` and `notice_create` too:
each carries a key (kind, task, deadline) that is unique in the database, so a reminder or notice is sent once
however often the command runs, even by two workers at once.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shangliang.accountability.models import (
    OPEN_STATUSES,
    PublicNotice,
    Reminder,
    ReminderKind,
    ResponsibilityTask,
    Supervision,
    SupervisionComment,
)
from shangliang.core import clock
from shangliang.core.db import insert_once, locked, sender_of
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_text
from shangliang.people.models import Role
from shangliang.people.selectors import holders

# A person who just chased a task does not chase it again by a double click.
MANUAL_REMINDER_GAP = timedelta(minutes=30)


def reminder_key(kind: str, task: ResponsibilityTask) -> str:
    return f"{kind}:{task.pk}:{task.deadline.isoformat()}"


def sign_reminder_key(task: ResponsibilityTask) -> str:
    """One signing reminder per assignment (a reassignment or a reopening gives a new signing limit)."""
    return f"sign:{task.pk}:{task.sign_due.isoformat()}"


def notice_key(task: ResponsibilityTask) -> str:
    return f"notice:{task.pk}:{task.deadline.isoformat()}"


def reminder_create(
    *, task: ResponsibilityTask, kind: str, actor=None, note: str = "", key: str = ""
) -> Reminder | None:
    """Write a reminder and its event (the event's handler sends it). None if one with the key exists already."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                task=task,
                kind=kind,
                deadline=task.deadline,
                note=note,
                sent_by=actor if getattr(actor, "is_authenticated", False) else None,
                key=key,
                sent_at=clock.now(),
            )
            record_event(
                task,
                actor=actor,
                action="remind",
                note=note,
                data={"reminder": reminder.pk, "kind": kind, "deadline": task.deadline.isoformat()},
            )
    except IntegrityError:
        if key and Reminder.objects.filter(key=key).exists():
            return None
        raise
    return reminder


def task_remind(*, actor, task: ResponsibilityTask, note: str = "") -> Reminder:
    """人工催办 by the office or a supervising member."""
    require_perm(actor, "accountability.remind_task", task, _("只有交办单位和督办委员可以催办。"))
    note = clean_text(note, label=_("催办内容"), field="note", max_length=500, required=False)
    if task.status not in OPEN_STATUSES:
        raise NotPossible(_("当前状态为“%(state)s”，无需催办。") % {"state": task.get_status_display()})
    recent = Reminder.objects.filter(
        task=task, kind=ReminderKind.MANUAL, sent_by=actor, sent_at__gte=clock.now() - MANUAL_REMINDER_GAP
    )
    if recent.exists():
        raise InvalidInput(_("您刚刚已催办过该事项，请勿重复提交。"))
    return reminder_create(task=task, kind=ReminderKind.MANUAL, actor=actor, note=note)


def notice_text(task: ResponsibilityTask, today: date) -> str:
    return _(
        "%(body)s承办的“%(action)s”（责任人：%(person)s）时限为 %(deadline)s，经催办仍未办结，已逾期 %(days)d 天，"
        "予以通报。"
    ) % {
        "body": task.body_name,
        "action": task.action[:60],
        "person": task.owner_name,
        "deadline": task.deadline.isoformat(),
        "days": task.days_overdue(today),
    }


def notice_create(*, task: ResponsibilityTask, text: str, actor=None) -> PublicNotice | None:
    """Post the notice on the unit's public page and record it. None if this deadline was noticed already."""
    today = clock.today()
    try:
        with transaction.atomic():
            notice = PublicNotice.objects.create(
                task=task,
                unit=task.unit,
                text=text,
                deadline=task.deadline,
                days_overdue=task.days_overdue(today),
                published_by=actor if getattr(actor, "is_authenticated", False) else None,
                key=notice_key(task),
                published_at=clock.now(),
            )
            record_event(task, actor=actor, action="notice", note=text, public=True, data={"notice": notice.pk})
    except IntegrityError:
        if PublicNotice.objects.filter(key=notice_key(task)).exists():
            return None
        raise
    return notice


def task_notice(*, actor, task: ResponsibilityTask, text: str = "") -> PublicNotice:
    """The office posts a notice (通报) on an overdue task before the grace period ends."""
    require_perm(actor, "accountability.manage_task", task, _("只有交办单位可以通报。"))
    today = clock.today()
    text = clean_text(text, label=_("通报内容"), field="text", max_length=1000, required=False)
    if not task.is_overdue(today):
        raise NotPossible(_("该事项未逾期，不能通报。"))
    notice = notice_create(task=task, text=text or notice_text(task, today), actor=actor)
    if notice is None:
        raise InvalidInput(_("该事项在当前时限下已通报过。"))
    return notice


def member_candidates(task: ResponsibilityTask):
    """CPPCC members of the task's county (member role anywhere in it), who may be named supervisors."""

    county = task.unit.county
    return holders([Role.MEMBER], subtree_of=county).order_by("full_name", "pk")


def supervisor_add(*, actor, task: ResponsibilityTask, member) -> Supervision:
    require_perm(actor, "accountability.manage_task", task, _("只有交办单位可以指派督办委员。"))
    if member is None or not member_candidates(task).filter(pk=member.pk).exists():
        raise InvalidInput(_("所选人员不是本县（区）的政协委员。"), field="member")
    try:
        with transaction.atomic():
            supervision = Supervision.objects.create(task=task, member=member, assigned_by=actor)
            record_event(
                task, actor=actor, action="supervise", note=member.display_name, public=True, data={"member": member.pk}
            )
    except IntegrityError as exc:
        raise InvalidInput(_("%(name)s 已是该事项的督办委员。") % {"name": member.display_name}) from exc
    return supervision


def supervision_comment(
    *, actor, task: ResponsibilityTask, text: str, escalate: bool = False, idempotency_key: str = ""
) -> SupervisionComment:
    """督办意见; with `escalate` the matter goes up (升级督办): the county office and the party approver are told."""
    require_perm(actor, "accountability.supervise_task", task, _("只有该事项的督办委员可以填写督办意见。"))
    text = clean_text(text, label=_("督办意见"), field="text", max_length=2000)

    def create() -> SupervisionComment:
        with transaction.atomic():
            t = locked(task)
            if escalate and t.status not in OPEN_STATUSES:
                raise NotPossible(_("当前状态为“%(state)s”，无需升级督办。") % {"state": t.get_status_display()})
            comment = SupervisionComment.objects.create(task=t, author=actor, text=text, escalated=bool(escalate))
            if escalate:
                t.escalated_at = clock.now()
                t.save(update_fields=["escalated_at", "updated_at"])
            record_event(
                t,
                actor=actor,
                action="escalate" if escalate else "comment",
                note=text,
                public=bool(escalate),
                data={"comment": comment.pk},
            )
        return comment

    return insert_once(key=idempotency_key, sender=sender_of(actor), model=SupervisionComment, create=create)
