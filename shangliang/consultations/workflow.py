"""The consultation workflow: the ONE table of allowed transitions (core.workflow applies it).

    draft ─choose_participants─▶ participants_chosen ─record_research─▶ research_recorded ─schedule─▶ scheduled
      (a list that passes the county's           (applied when the first       (invitations go out: in the app,
       representativeness rule, or a reason)      research record is saved)     by email, as an .ics file)

    scheduled ─open─▶ in_session ─close_consensus─────▶ closed_consensus ─submit─▶ submitted ─acknowledge─▶ acknowledged
                                 ─close_no_consensus──▶ closed_no_consensus ─reconvene─▶ reconvened
                                   (note: why; 议而不决)   (a new consultation is created, linked, counted)

    draft / participants_chosen / research_recorded / scheduled ─cancel (note)─▶ cancelled

"不调研不协商": there is no way from draft or participants_chosen to scheduled; the schedule service says why.
A written consultation (书面协商) and an online one (网络协商) are "in session" while they collect opinions until their
deadline; the in-person forms hold a meeting with sign-in and an agenda. All steps but acknowledging are the
convenor's of the consultation's own unit; acknowledging is for the party approver of the receiving unit.
"""

from django.utils.translation import gettext_lazy as _

from shangliang.consultations.models import ConsultationStatus as S
from shangliang.consultations.models import InvitationStatus as I
from shangliang.consultations.models import SuggestionStatus
from shangliang.core.workflow import Transition, Workflow

RUN = "consultations.run_consultation"
TAKE_PART = "consultations.take_part"
ACKNOWLEDGE = "consultations.acknowledge_results"

ACTION_LABELS = {
    "choose_participants": _("确定参加人员"),
    "record_research": _("记录商前调研"),
    "schedule": _("安排协商并发出邀请"),
    "open": _("开始协商"),
    "close_consensus": _("结束协商：达成共识"),
    "close_no_consensus": _("结束协商：议而不决"),
    "reconvene": _("再次协商"),
    "submit": _("报送成果"),
    "acknowledge": _("签收成果"),
    "cancel": _("取消协商"),
}

CONSULTATION_WORKFLOW = Workflow(
    name="consultation",
    transitions=[
        Transition(S.DRAFT, "choose_participants", S.PARTICIPANTS_CHOSEN, RUN),
        Transition(S.PARTICIPANTS_CHOSEN, "record_research", S.RESEARCH_RECORDED, RUN),
        Transition(S.RESEARCH_RECORDED, "schedule", S.SCHEDULED, RUN, public=True),
        Transition(S.SCHEDULED, "open", S.IN_SESSION, RUN, public=True),
        Transition(S.IN_SESSION, "close_consensus", S.CLOSED_CONSENSUS, RUN, public=True),
        Transition(S.IN_SESSION, "close_no_consensus", S.CLOSED_NO_CONSENSUS, RUN, note_required=True, public=True),
        Transition(S.CLOSED_NO_CONSENSUS, "reconvene", S.RECONVENED, RUN, public=True),
        Transition(S.CLOSED_CONSENSUS, "submit", S.SUBMITTED, RUN, public=True),
        Transition(S.SUBMITTED, "acknowledge", S.ACKNOWLEDGED, ACKNOWLEDGE, public=True),
        Transition(S.DRAFT, "cancel", S.CANCELLED, RUN, note_required=True),
        Transition(S.PARTICIPANTS_CHOSEN, "cancel", S.CANCELLED, RUN, note_required=True),
        Transition(S.RESEARCH_RECORDED, "cancel", S.CANCELLED, RUN, note_required=True),
        Transition(S.SCHEDULED, "cancel", S.CANCELLED, RUN, note_required=True, public=True),
    ],
    action_labels=ACTION_LABELS,
)

# Labels of every event a consultation's timeline shows (workflow steps and the other recorded changes).
TIMELINE_LABELS = {
    **ACTION_LABELS,
    "create": _("创建协商"),
    "update": _("修改协商信息"),
    "reschedule": _("调整时间地点"),
    "add_participant": _("增加参加人员"),
    "remove_participant": _("移除参加人员"),
    "invite": _("补发邀请"),
    "confirm": _("确认参加"),
    "decline": _("婉拒参加"),
    "sign_in": _("签到"),
    "add_research": _("增加调研记录"),
    "add_visit": _("记录上门协商"),
    "add_segment": _("增加议程"),
    "start_segment": _("进入议程"),
    "segment_notes": _("记录议程内容"),
    "minutes": _("保存会议记录"),
    "opinion": _("记录意见"),
    "add_suggestion": _("提出建议"),
    "withdraw_suggestion": _("撤回建议"),
    "vote": _("表决"),
    "override_representativeness": _("说明代表性"),
}

# A participant's invitation: sent when the consultation is scheduled, answered (and answered again) by the person,
# confirmed by signing in. The consultation's services check the permission and record the event on the consultation.
INVITATION_WORKFLOW = Workflow(
    name="invitation",
    transitions=[
        Transition(I.PENDING, "invite", I.INVITED, RUN),
        *(Transition(source, "confirm", I.CONFIRMED, TAKE_PART) for source in (I.INVITED, I.DECLINED)),
        *(Transition(source, "decline", I.DECLINED, TAKE_PART) for source in (I.INVITED, I.CONFIRMED, I.DECLINED)),
        *(Transition(source, "sign_in", I.CONFIRMED, TAKE_PART) for source in (I.PENDING, I.INVITED, I.DECLINED)),
    ],
    action_labels={a: TIMELINE_LABELS[a] for a in ("invite", "confirm", "decline", "sign_in")},
)

# A suggestion of the list is withdrawn while the consultation is in session (the event is the consultation's).
SUGGESTION_WORKFLOW = Workflow(
    name="suggestion",
    transitions=[Transition(SuggestionStatus.ACTIVE, "withdraw", SuggestionStatus.WITHDRAWN, RUN)],
    action_labels={"withdraw": TIMELINE_LABELS["withdraw_suggestion"]},
)
