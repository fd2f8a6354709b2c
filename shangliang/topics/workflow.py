"""The topic workflow: the ONE table of allowed transitions (core.workflow applies it).

    submitted ─accept (category)──────────▶ accepted ─approve──────────▶ approved   (同级党组织审定)
              ─reject (reason + note)─────▶ rejected          ─decline (note)──▶ declined
              ─return (note)──────────────▶ returned ─resubmit─▶ submitted
              ─merge (into a topic)───────▶ merged
              ─refer (where to)───────────▶ referred

Screening is for CPPCC staff and convenors over the unit; approving for the approver of the topic's own unit;
resubmitting for who entered the topic or holds its tracking code. Every step is public on the topic's timeline.
"""

from django.utils.translation import gettext_lazy as _

from shangliang.core.workflow import Transition, Workflow
from shangliang.topics.models import TopicStatus as S

SCREEN = "topics.screen_topic"
APPROVE = "topics.approve_topic"
RESUBMIT = "topics.resubmit_topic"

ACTION_LABELS = {
    "accept": _("受理"),
    "reject": _("不予受理"),
    "return": _("退回补充"),
    "merge": _("合并"),
    "refer": _("转办"),
    "resubmit": _("补充后重新提交"),
    "approve": _("审定通过"),
    "decline": _("不予审定"),
}

TOPIC_WORKFLOW = Workflow(
    name="topic",
    transitions=[
        Transition(S.SUBMITTED, "accept", S.ACCEPTED, SCREEN, public=True),
        Transition(S.SUBMITTED, "reject", S.REJECTED, SCREEN, note_required=True, public=True),
        Transition(S.SUBMITTED, "return", S.RETURNED, SCREEN, note_required=True, public=True),
        Transition(S.SUBMITTED, "merge", S.MERGED, SCREEN, public=True),
        Transition(S.SUBMITTED, "refer", S.REFERRED, SCREEN, public=True),
        Transition(S.RETURNED, "resubmit", S.SUBMITTED, RESUBMIT, public=True),
        Transition(S.ACCEPTED, "approve", S.APPROVED, APPROVE, public=True),
        Transition(S.ACCEPTED, "decline", S.DECLINED, APPROVE, note_required=True, public=True),
    ],
    action_labels=ACTION_LABELS,
)

SCREEN_DECISIONS = ("accept", "reject", "return", "merge", "refer")
APPROVAL_DECISIONS = ("approve", "decline")

# Labels of every event a topic's timeline can show (workflow steps and the other recorded changes).
TIMELINE_LABELS = {
    **ACTION_LABELS,
    "submit": _("提交议题"),
    "merge_in": _("并入相似议题"),
    "set_urgent": _("标记急需协商"),
    "unset_urgent": _("取消急需协商"),
}
