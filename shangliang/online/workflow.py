"""The two workflows of the online room, each ONE table of allowed transitions (core.workflow applies them).

The room:

    draft ─open─▶ open ─close─▶ closed

    Opening needs a closing time in the future and at least one statement to vote on; the period (opens_at,
    closes_at) then decides when votes and statements are taken. Only the convenor of the consultation's unit.

A statement's moderation (审核):

    pending ─approve─▶ approved ─hide (note)─▶ hidden ─restore─▶ approved
            ─reject (note)─▶ rejected ─restore─▶ approved

    In a pre-moderated room (先审后显) only approved statements are shown; in a post-moderated room (先显后审)
    pending ones are shown too, until hidden or rejected. Hidden and rejected statements never appear in votes,
    results or exports.
"""

from django.utils.translation import gettext_lazy as _

from shangliang.core.workflow import Transition, Workflow
from shangliang.online.models import RoomStatus as R
from shangliang.online.models import StatementStatus as St

RUN = "online.run_room"
MODERATE = "online.moderate_statement"

ROOM_ACTION_LABELS = {
    "open": _("开放网上协商"),
    "close": _("结束网上协商"),
}

ROOM_WORKFLOW = Workflow(
    name="online_room",
    transitions=[
        Transition(R.DRAFT, "open", R.OPEN, RUN, public=True),
        Transition(R.OPEN, "close", R.CLOSED, RUN, public=True),
    ],
    action_labels=ROOM_ACTION_LABELS,
)

STATEMENT_ACTION_LABELS = {
    "approve": _("通过"),
    "reject": _("不予通过"),
    "hide": _("隐藏"),
    "restore": _("恢复显示"),
}

STATEMENT_WORKFLOW = Workflow(
    name="online_statement",
    transitions=[
        Transition(St.PENDING, "approve", St.APPROVED, MODERATE),
        Transition(St.PENDING, "reject", St.REJECTED, MODERATE, note_required=True),
        Transition(St.APPROVED, "hide", St.HIDDEN, MODERATE, note_required=True),
        Transition(St.HIDDEN, "restore", St.APPROVED, MODERATE),
        Transition(St.REJECTED, "restore", St.APPROVED, MODERATE),
    ],
    action_labels=STATEMENT_ACTION_LABELS,
)

# Labels of every event the room's log shows (workflow steps and the other recorded changes).
TIMELINE_LABELS = {
    **ROOM_ACTION_LABELS,
    **STATEMENT_ACTION_LABELS,
    "create": _("开设网上协商议事室"),
    "update": _("修改议事室设置"),
    "seed": _("预设观点"),
    "pull": _("纳入建议清单"),
    "import": _("导入 Pol.is 数据"),
    "reanalyse": _("请求重新分析"),
}
