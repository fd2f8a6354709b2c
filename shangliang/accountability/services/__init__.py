"""Every write on implementation and evaluation: keyword-only, typed, one transaction each, permission checked inside.

Split by area: tasks (the workflow steps, progress, evidence), chasing (reminders, notices, supervision), feedback
(ratings, following, follow-up checks, evaluation), config (county settings, evaluation form).
"""

from shangliang.accountability.services.chasing import (
    notice_create,
    reminder_create,
    supervision_comment,
    supervisor_add,
    task_notice,
    task_remind,
)
from shangliang.accountability.services.common import settings_for
from shangliang.accountability.services.config import evaluation_form_save, settings_save
from shangliang.accountability.services.feedback import (
    evaluation_submit,
    follow_up_record,
    rating_submit,
    task_follow,
    task_unfollow,
)
from shangliang.accountability.services.tasks import (
    completion_report,
    completion_send_back,
    completion_verify,
    extension_decide,
    extension_request,
    progress_report,
    task_assign,
    task_cancel,
    task_hand_back_decide,
    task_hand_back_request,
    task_reassign,
    task_reopen,
    task_sign,
)

__all__ = [
    "completion_report",
    "completion_send_back",
    "completion_verify",
    "evaluation_form_save",
    "evaluation_submit",
    "extension_decide",
    "extension_request",
    "follow_up_record",
    "notice_create",
    "progress_report",
    "rating_submit",
    "reminder_create",
    "settings_for",
    "settings_save",
    "supervision_comment",
    "supervisor_add",
    "task_assign",
    "task_cancel",
    "task_follow",
    "task_hand_back_decide",
    "task_hand_back_request",
    "task_notice",
    "task_reassign",
    "task_remind",
    "task_reopen",
    "task_sign",
    "task_unfollow",
]
