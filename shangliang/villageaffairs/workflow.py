"""The workflows of village affairs, one transition table each (core.workflow applies them).

Disclosure (公示):
    draft ─publish──────────────▶ published ─supersede (by publishing its correction)─▶ superseded
          ─discard (note)───────▶ discarded
Monthly meeting (月例会):
    planned ─hold──────────▶ held          (items not settled are carried to the next meeting)
            ─cancel (note)─▶ cancelled     (likewise)
Agenda item:
    open ─resolve (note: what was agreed)─▶ resolved
         ─carry──────────────────────────▶ carried   (a new item on the next meeting)
Dispute (矛盾纠纷):  open ─resolve / fail / refer (note)─▶ resolved / unresolved / referred
Petition (信访):     pending ─conclude / refer (note)─▶ concluded / referred

Every step is taken by whoever manages the village (its convenors, the county's CPPCC staff). Disclosure steps and
the holding of a meeting are public on their timelines.
"""

from django.utils.translation import gettext_lazy as _

from shangliang.core.workflow import Transition, Workflow
from shangliang.villageaffairs.models import AgendaStatus as A
from shangliang.villageaffairs.models import DisclosureStatus as D
from shangliang.villageaffairs.models import DisputeStatus as DS
from shangliang.villageaffairs.models import MeetingStatus as M
from shangliang.villageaffairs.models import PetitionStatus as P

MANAGE = "villageaffairs.manage_village"
RECORD_CASES = "villageaffairs.record_cases"

DISCLOSURE_WORKFLOW = Workflow(
    name="disclosure",
    transitions=[
        Transition(D.DRAFT, "publish", D.PUBLISHED, MANAGE, public=True),
        Transition(D.DRAFT, "discard", D.DISCARDED, MANAGE, note_required=True),
        Transition(D.PUBLISHED, "supersede", D.SUPERSEDED, MANAGE, public=True),
    ],
    action_labels={"publish": _("发布公示"), "discard": _("作废草稿"), "supersede": _("发布更正")},
)

MEETING_WORKFLOW = Workflow(
    name="monthly_meeting",
    transitions=[
        Transition(M.PLANNED, "hold", M.HELD, MANAGE, public=True),
        Transition(M.PLANNED, "cancel", M.CANCELLED, MANAGE, note_required=True, public=True),
    ],
    action_labels={"hold": _("记录召开"), "cancel": _("记录未召开")},
)

AGENDA_WORKFLOW = Workflow(
    name="agenda_item",
    transitions=[
        Transition(A.OPEN, "resolve", A.RESOLVED, MANAGE, note_required=True, public=True),
        Transition(A.OPEN, "carry", A.CARRIED, MANAGE, public=True),
    ],
    action_labels={"resolve": _("议结"), "carry": _("转下次例会")},
)

DISPUTE_WORKFLOW = Workflow(
    name="dispute",
    transitions=[
        Transition(DS.OPEN, "resolve", DS.RESOLVED, RECORD_CASES, note_required=True),
        Transition(DS.OPEN, "fail", DS.UNRESOLVED, RECORD_CASES, note_required=True),
        Transition(DS.OPEN, "refer", DS.REFERRED, RECORD_CASES, note_required=True),
    ],
    action_labels={"resolve": _("调解成功"), "fail": _("调解未成"), "refer": _("转交处理")},
)

PETITION_WORKFLOW = Workflow(
    name="petition",
    transitions=[
        Transition(P.PENDING, "conclude", P.CONCLUDED, RECORD_CASES, note_required=True),
        Transition(P.PENDING, "refer", P.REFERRED, RECORD_CASES, note_required=True),
    ],
    action_labels={"conclude": _("办结"), "refer": _("转交办理")},
)

# Labels of every event the timelines of this app can show (workflow steps and other recorded changes).
TIMELINE_LABELS = {
    **DISCLOSURE_WORKFLOW.action_labels,
    **MEETING_WORKFLOW.action_labels,
    **AGENDA_WORKFLOW.action_labels,
    "create": _("登记"),
    "edit": _("修改草稿"),
    "correct": _("起草更正版本"),
    "attach": _("上传附件"),
    "detach": _("删除附件"),
    "comment": _("群众意见"),
    "objection": _("群众异议"),
    "reply": _("答复意见"),
    "plan": _("筹备例会"),
    "compose": _("组成议程"),
    "attendance": _("登记出席"),
    "link_consultation": _("关联协商活动"),
}
