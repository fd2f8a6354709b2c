"""Every write on consultations: keyword-only, typed, one transaction each, permission checked inside.

Split by area: lifecycle (the workflow steps), participants (list, invitations, sign-in), research (商前调研 and
上门协商), meeting (agenda, minutes, opinions, suggestions, votes), config (county rules and norms).
"""

from shangliang.consultations.services.config import norm_save, rule_save
from shangliang.consultations.services.lifecycle import (
    consultation_cancel,
    consultation_close,
    consultation_create,
    consultation_open,
    consultation_reconvene,
    consultation_reschedule,
    consultation_schedule,
    consultation_submit,
    consultation_update,
    participants_choose,
    representativeness_explain,
    results_acknowledge,
)
from shangliang.consultations.services.meeting import (
    minutes_save,
    opinion_record,
    segment_add,
    segment_notes,
    segment_start,
    suggestion_add,
    suggestion_vote,
    suggestion_withdraw,
)
from shangliang.consultations.services.participants import (
    participant_add,
    participant_remove,
    participant_respond,
    sign_in_by_code,
    sign_in_by_convenor,
)
from shangliang.consultations.services.research import research_add, visit_add

__all__ = [
    "consultation_cancel",
    "consultation_close",
    "consultation_create",
    "consultation_open",
    "consultation_reconvene",
    "consultation_reschedule",
    "consultation_schedule",
    "consultation_submit",
    "consultation_update",
    "minutes_save",
    "norm_save",
    "opinion_record",
    "participant_add",
    "participant_remove",
    "participant_respond",
    "participants_choose",
    "representativeness_explain",
    "research_add",
    "results_acknowledge",
    "rule_save",
    "segment_add",
    "segment_notes",
    "segment_start",
    "sign_in_by_code",
    "sign_in_by_convenor",
    "suggestion_add",
    "suggestion_vote",
    "suggestion_withdraw",
    "visit_add",
]
