"""The responsibility task workflow: the ONE table of allowed transitions (core.workflow applies it).

    assigned ─sign (签收)───────────────────────────────────────▶ in_progress
             ─request_hand_back (申退, reason)──▶ hand_back_requested ─approve_hand_back─▶ handed_back
                                                                      ─refuse_hand_back (note)─▶ assigned
    in_progress ─request_extension (reason)─▶ extension_requested ─approve_extension─▶ in_progress (new deadline)
                                                                  ─refuse_extension (note)─▶ in_progress
    in_progress ─report_completion (evidence)─▶ completion_reported ─verify (验收)─▶ done
                                                                    ─send_back (note)─▶ in_progress
    done ─reopen (重办: dissatisfaction, a failed follow-up, or the office; note)─▶ reopened ─sign─▶ in_progress
    assigned / hand_back_requested / handed_back / in_progress / extension_requested / reopened
         ─reassign (another body or person)─▶ assigned
         ─cancel (note)─▶ cancelled

The body (the responsible department's or unit's people, and the named person's account) signs, asks to hand back,
reports progress and completion, asks for more time. The office (CPPCC staff over the unit, the convenor and the
party approver of the consultation's own unit) decides. Reopening is the office's, or the platform's own when
residents' dissatisfaction passes the county's threshold or a follow-up check finds the result did not last.
Public steps form the timeline on the publication page (公示).
"""

from django.utils.translation import gettext_lazy as _

from shangliang.accountability.models import ExtensionStatus, FollowUpStatus
from shangliang.accountability.models import TaskStatus as S
from shangliang.core.workflow import Transition, Workflow

ACT = "accountability.act_on_task"
MANAGE = "accountability.manage_task"
REOPEN = "accountability.reopen_task"

ACTION_LABELS = {
    "sign": _("签收"),
    "request_hand_back": _("申请退回"),
    "approve_hand_back": _("同意退回"),
    "refuse_hand_back": _("不同意退回"),
    "reassign": _("改派"),
    "request_extension": _("申请延期"),
    "approve_extension": _("同意延期"),
    "refuse_extension": _("不同意延期"),
    "report_completion": _("报告办结"),
    "verify": _("验收通过"),
    "send_back": _("退回重做"),
    "reopen": _("重办"),
    "cancel": _("撤销"),
}

_REASSIGNABLE = (S.ASSIGNED, S.HAND_BACK_REQUESTED, S.HANDED_BACK, S.IN_PROGRESS, S.EXTENSION_REQUESTED, S.REOPENED)

TASK_WORKFLOW = Workflow(
    name="responsibility_task",
    transitions=[
        Transition(S.ASSIGNED, "sign", S.IN_PROGRESS, ACT, public=True),
        Transition(S.REOPENED, "sign", S.IN_PROGRESS, ACT, public=True),
        Transition(S.ASSIGNED, "request_hand_back", S.HAND_BACK_REQUESTED, ACT, note_required=True),
        Transition(S.HAND_BACK_REQUESTED, "approve_hand_back", S.HANDED_BACK, MANAGE, public=True),
        Transition(S.HAND_BACK_REQUESTED, "refuse_hand_back", S.ASSIGNED, MANAGE, note_required=True),
        Transition(S.IN_PROGRESS, "request_extension", S.EXTENSION_REQUESTED, ACT, note_required=True),
        Transition(S.EXTENSION_REQUESTED, "approve_extension", S.IN_PROGRESS, MANAGE, public=True),
        Transition(S.EXTENSION_REQUESTED, "refuse_extension", S.IN_PROGRESS, MANAGE, note_required=True),
        Transition(S.IN_PROGRESS, "report_completion", S.COMPLETION_REPORTED, ACT, public=True),
        Transition(S.COMPLETION_REPORTED, "verify", S.DONE, MANAGE, public=True),
        Transition(S.COMPLETION_REPORTED, "send_back", S.IN_PROGRESS, MANAGE, note_required=True, public=True),
        Transition(S.DONE, "reopen", S.REOPENED, REOPEN, note_required=True, public=True),
        *(Transition(s, "reassign", S.ASSIGNED, MANAGE, public=True) for s in _REASSIGNABLE),
        *(Transition(s, "cancel", S.CANCELLED, MANAGE, note_required=True, public=True) for s in _REASSIGNABLE),
    ],
    action_labels=ACTION_LABELS,
)

# Labels of every event a task's timeline shows (workflow steps and the other recorded changes).
TIMELINE_LABELS = {
    **ACTION_LABELS,
    "assign": _("交办"),
    "progress": _("报告进展"),
    "remind": _("催办"),
    "notice": _("通报"),
    "supervise": _("指派督办委员"),
    "comment": _("督办意见"),
    "escalate": _("升级督办"),
    "follow_up_due": _("回访到期"),
    "follow_up": _("回访检查"),
    "rated": _("群众评价"),
    "deadline_official": _("按正式工作日历调整时限"),
}

# A request for more time is decided once, with the task's own step (approve_extension / refuse_extension).
EXTENSION_WORKFLOW = Workflow(
    name="extension",
    transitions=[
        Transition(ExtensionStatus.PENDING, "approve_extension", ExtensionStatus.APPROVED, MANAGE),
        Transition(ExtensionStatus.PENDING, "refuse_extension", ExtensionStatus.REFUSED, MANAGE),
    ],
    action_labels={a: ACTION_LABELS[a] for a in ("approve_extension", "refuse_extension")},
)

# A follow-up check (行而不久) is recorded once: the result lasted or it did not (then the task reopens).
FOLLOW_UP_WORKFLOW = Workflow(
    name="follow_up",
    transitions=[
        Transition(FollowUpStatus.PENDING, "lasted", FollowUpStatus.LASTED, "accountability.record_follow_up"),
        Transition(FollowUpStatus.PENDING, "not_lasted", FollowUpStatus.NOT_LASTED, "accountability.record_follow_up"),
    ],
    action_labels={"lasted": FollowUpStatus.LASTED.label, "not_lasted": FollowUpStatus.NOT_LASTED.label},
)
