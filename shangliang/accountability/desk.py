"""What implementation and evaluation put on people's desks (people.desk): tasks to sign and work on, the office's
decisions (hand-backs, extensions, verification), supervisions, follow-up checks, results to evaluate, and a
resident's followed results waiting for their rating. Registered in AccountabilityConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shangliang.accountability import selectors
from shangliang.accountability.models import OPEN_STATUSES, FollowUpCheck, ResponsibilityTask, TaskStatus
from shangliang.accountability.rules import supervised_task_ids
from shangliang.consultations.models import Consultation
from shangliang.core import clock
from shangliang.people.desk import (
    DeskItem,
    DeskSection,
    MenuEntry,
    has_any_role,
    is_resident_user,
    register_menu_entry,
    register_section,
    sees_units,
    url,
)
from shangliang.people.models import Role
from shangliang.people.selectors import user_scopes

S = TaskStatus
# The step the body or the office takes next, by the task's state: the link's label.
BODY_STEP = {
    S.ASSIGNED: _("签收"),
    S.REOPENED: _("签收重办"),
    S.HAND_BACK_REQUESTED: _("等待审批退回"),
    S.IN_PROGRESS: _("报告进展"),
    S.EXTENSION_REQUESTED: _("报告进展"),
}
OFFICE_STEP = {
    S.HAND_BACK_REQUESTED: _("审批退回申请"),
    S.EXTENSION_REQUESTED: _("审批延期申请"),
    S.COMPLETION_REPORTED: _("验收"),
    S.HANDED_BACK: _("重新指派"),
}


def _task_meta(t: ResponsibilityTask) -> str:
    deadline = _("时限 %(date)s") % {"date": f"{t.deadline:%Y-%m-%d}"}
    return f"{t.unit.name} · {t.body_name} · {deadline} · {t.get_status_display()}"


def _task_item(step: dict):
    def item(t: ResponsibilityTask) -> DeskItem:
        return DeskItem(
            t.action[:80],
            reverse("accountability:task", args=[t.pk]),
            _task_meta(t),
            str(step.get(t.status, _("查看"))),
            overdue=t.is_overdue(clock.today()),
        )

    return item


def _follow_up_item(f: FollowUpCheck) -> DeskItem:
    t = f.task
    return DeskItem(
        t.action[:80],
        reverse("accountability:task", args=[t.pk]) + "#follow-ups",
        f"{t.unit.name} · {t.body_name} · " + _("回访日期 %(date)s") % {"date": f"{f.due_on:%Y-%m-%d}"},
        str(_("记录回访")),
    )


def _evaluate_item(c: Consultation) -> DeskItem:
    closed = f"{timezone.localtime(c.closed_at):%Y-%m-%d}" if c.closed_at else ""
    return DeskItem(
        c.title,
        reverse("accountability:evaluate", args=[c.pk]),
        " · ".join(x for x in (c.unit.name, c.get_form_display(), c.get_status_display(), closed) if x),
        str(_("评估")),
    )


def _rate_item(t: ResponsibilityTask) -> DeskItem:
    return DeskItem(
        t.action[:80],
        reverse("accountability:public_task", args=[t.pk]) + "#rating",
        f"{t.unit.name} · {t.body_name} · {t.get_status_display()}",
        str(_("评价")),
    )


def supervised_open(user):
    return selectors.supervised_tasks(user).filter(status__in=OPEN_STATUSES)


def is_office(user) -> bool:
    return any(s.role in (Role.CPPCC_STAFF, Role.CONVENOR, Role.APPROVER) for s in user_scopes(user))


def works_on_tasks(user) -> bool:
    return sees_units(user) or has_any_role(Role.DEPARTMENT, Role.MEMBER)(user)


def register() -> None:
    register_menu_entry(
        MenuEntry("accountability", _("转化落实"), url("accountability:index"), works_on_tasks, order=40)
    )
    register_menu_entry(
        MenuEntry(
            "evaluations", _("第三方评估"), url("accountability:evaluations"), has_any_role(Role.EVALUATOR), order=45
        )
    )
    register_menu_entry(
        MenuEntry("followed", _("关注的结果"), url("accountability:followed"), is_resident_user, order=40)
    )
    register_section(
        DeskSection(
            "accountability.mine",
            _("待签收、办理的任务"),
            "accountability",
            selectors.my_tasks,
            _task_item(BODY_STEP),
            more=url("accountability:index"),
            order=20,
        )
    )
    register_section(
        DeskSection(
            "accountability.queue",
            _("待审批、验收的任务"),
            "accountability",
            selectors.office_queue,
            _task_item(OFFICE_STEP),
            applies=is_office,
            more=url("accountability:index"),
            order=21,
        )
    )
    register_section(
        DeskSection(
            "accountability.supervised",
            _("我督办的任务"),
            "accountability",
            supervised_open,
            _task_item({}),
            applies=lambda user: bool(supervised_task_ids(user)),
            more=url("accountability:index"),
            order=22,
        )
    )
    register_section(
        DeskSection(
            "accountability.follow_ups",
            _("到期的回访检查（行而不久）"),
            "accountability",
            selectors.due_follow_ups,
            _follow_up_item,
            applies=lambda user: is_office(user) or bool(supervised_task_ids(user)),
            more=url("accountability:index"),
            order=23,
        )
    )
    register_section(
        DeskSection(
            "accountability.evaluate",
            _("待评估的协商成果"),
            "evaluations",
            selectors.results_to_evaluate,
            _evaluate_item,
            applies=has_any_role(Role.EVALUATOR),
            more=url("accountability:evaluations"),
            order=24,
            empty=_("辖区内暂无待评估的协商成果。成果公示后会出现在这里，并以站内消息通知您。"),
        )
    )
    register_section(
        DeskSection(
            "accountability.rate",
            _("待您评价的落实结果"),
            ("accountability", "followed"),
            selectors.to_rate,
            _rate_item,
            more=url("accountability:followed"),
            order=25,
        )
    )
