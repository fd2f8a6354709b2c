"""The report workflow: the ONE table of allowed transitions (core.workflow applies it).

    draft ─submit─▶ submitted ─adopt (at a level)─▶ adopted ─hand (to a body)─▶ handed ─sign─▶ signed
                    submitted ─decline (note)─────▶ not_adopted
                    submitted ─merge (into one)───▶ merged
                    submitted ─return (note)──────▶ returned ─resubmit─▶ submitted
                                                     handed ─hand_back (note)─▶ adopted
                                                     signed ─answer─▶ answered ─accept─▶ closed
                                                                      answered ─send_back (note)─▶ signed

Submitting and resubmitting are the author's; returning, merging, adopting, declining, handing, accepting and
sending back are the county CPPCC office's; signing, handing back and answering are the receiving body's. Further
adoptions (city, province, national) and leaders' endorsements are recorded on an adopted report without a state
change; the office edits the text of a submitted report (the author's text is kept).
"""

from django.utils.translation import gettext_lazy as _

from shangliang.core.workflow import Transition, Workflow
from shangliang.opinions.models import ReportStatus as S

AUTHOR = "opinions.author_report"
OFFICE = "opinions.process_report"
BODY = "opinions.handle_report"

ACTION_LABELS = {
    "submit": _("报送"),
    "resubmit": _("修改后重新报送"),
    "return": _("退回修改"),
    "merge": _("合并"),
    "adopt": _("采用"),
    "decline": _("不予采用"),
    "hand": _("交办"),
    "sign": _("签收"),
    "hand_back": _("申请退回"),
    "answer": _("答复"),
    "accept": _("审核通过，办结"),
    "send_back": _("答复退回重办"),
}

REPORT_WORKFLOW = Workflow(
    name="opinion_report",
    transitions=[
        Transition(S.DRAFT, "submit", S.SUBMITTED, AUTHOR),
        Transition(S.RETURNED, "resubmit", S.SUBMITTED, AUTHOR),
        Transition(S.SUBMITTED, "return", S.RETURNED, OFFICE, note_required=True),
        Transition(S.SUBMITTED, "merge", S.MERGED, OFFICE),
        Transition(S.SUBMITTED, "adopt", S.ADOPTED, OFFICE),
        Transition(S.SUBMITTED, "decline", S.NOT_ADOPTED, OFFICE, note_required=True),
        Transition(S.ADOPTED, "hand", S.HANDED, OFFICE),
        Transition(S.HANDED, "sign", S.SIGNED, BODY),
        Transition(S.HANDED, "hand_back", S.ADOPTED, BODY, note_required=True),
        Transition(S.SIGNED, "answer", S.ANSWERED, BODY, note_required=True),
        Transition(S.ANSWERED, "accept", S.CLOSED, OFFICE),
        Transition(S.ANSWERED, "send_back", S.SIGNED, OFFICE, note_required=True),
    ],
    action_labels=ACTION_LABELS,
)

# Transitions the detail page offers as a plain button with a note (the others have their own forms).
NOTE_ACTIONS = ("submit", "resubmit", "return", "decline", "sign", "hand_back", "accept", "send_back")

TIMELINE_LABELS = {
    **ACTION_LABELS,
    "create": _("起草"),
    "edit": _("修改"),
    "office_edit": _("编辑加工"),
    "merge_in": _("并入其他信息"),
    "adopt_level": _("上级采用"),
    "endorse": _("领导批示"),
    "remind_answer": _("答复催办"),
}
