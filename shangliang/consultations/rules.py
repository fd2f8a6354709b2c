"""Permissions on consultations. The object is a Consultation, or a Unit for "open one here" and configuration.

- view the record (the page and its documents): whoever sees the unit in the app (as below) and the receiving approvers;
- view: whoever sees the unit in the app (staff: county; convenors, approvers, liaisons: their subtree; members: the
  units they are linked to), everyone on the consultation's list, and the approvers of the unit results went to;
- run (create, pick participants, research, schedule, hold the meeting, close, reconvene, submit): the convenor of
  the consultation's own unit (第一/第二召集人) and nobody above or below: a town's convenor does not run a village's
  room, and CPPCC office staff supervise rather than run;
- take part (answer the invitation, sign in, give an opinion, vote): the person on the list, only on their own row;
- acknowledge results (签收): the party approver of the unit the results were submitted to;
- configure the representativeness rule and the frequency norms: CPPCC office staff of the county.
"""

import rules

from shangliang.consultations.models import Participant, Submission
from shangliang.people.models import Role
from shangliang.people.rules import is_county_staff, sees_unit
from shangliang.people.selectors import user_scopes


def _unit_id(obj) -> int | None:
    if obj is None:
        return None
    return getattr(obj, "unit_id", None) or getattr(obj, "pk", None)


def invited_consultation_ids(user) -> frozenset[int]:
    """Consultations the user is on the list of, loaded once per user object (one request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_sl_invited", None)
    if cached is None:
        cached = frozenset(Participant.objects.filter(user_id=user.pk).values_list("consultation_id", flat=True))
        user._sl_invited = cached
    return cached


@rules.predicate
def is_unit_convenor(user, obj) -> bool:
    unit_id = _unit_id(obj)
    return unit_id is not None and any(s.role == Role.CONVENOR and s.unit_id == unit_id for s in user_scopes(user))


@rules.predicate
def is_invited(user, consultation) -> bool:
    return consultation is not None and consultation.pk in invited_consultation_ids(user)


@rules.predicate
def is_participant_self(user, participant) -> bool:
    return participant is not None and bool(getattr(user, "pk", None)) and participant.user_id == user.pk


def _receiver_unit_id(consultation) -> int | None:

    cached = getattr(consultation, "_sl_receiver_unit_id", False)
    if cached is False:
        try:
            cached = consultation.submission.receiver_unit_id
        except Submission.DoesNotExist:
            cached = None
        consultation._sl_receiver_unit_id = cached
    return cached


@rules.predicate
def is_receiving_approver(user, consultation) -> bool:
    if consultation is None or not user_scopes(user):
        return False
    approver_units = {s.unit_id for s in user_scopes(user) if s.role == Role.APPROVER}
    return bool(approver_units) and _receiver_unit_id(consultation) in approver_units


is_superuser = rules.is_superuser

rules.add_perm("consultations.view_consultation", is_superuser | sees_unit | is_invited | is_receiving_approver)
# The consultation's record — its page and every document drawn from it (the Word report with attendance and who
# declined, the suggestion list, research attachments): those who see the unit and the approvers it went to. An
# invited outside participant sees their own page (take part) and the calendar file, not the record.
rules.add_perm("consultations.view_record", is_superuser | sees_unit | is_receiving_approver)
rules.add_perm("consultations.create_consultation", is_superuser | is_unit_convenor)
rules.add_perm("consultations.run_consultation", is_superuser | is_unit_convenor)
rules.add_perm("consultations.take_part", is_invited)
rules.add_perm("consultations.act_as_participant", is_participant_self)
rules.add_perm("consultations.acknowledge_results", is_superuser | is_receiving_approver)
rules.add_perm("consultations.configure_norms", is_superuser | is_county_staff)
rules.add_perm("consultations.view_norms", is_superuser | sees_unit)
