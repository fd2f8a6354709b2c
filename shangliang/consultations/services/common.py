"""Helpers shared by the consultation services: locking, permission and state checks, who is acting."""

from __future__ import annotations

import secrets

from django.utils import timezone
from django.utils.translation import gettext as _

from shangliang.consultations.models import Consultation, ConsultationStatus, Participant
from shangliang.consultations.workflow import RUN
from shangliang.core import clock
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.permissions import require_perm

S = ConsultationStatus


def current(consultation: Consultation) -> Consultation:
    """The object with its state as stored now (a page may have been open for a while)."""
    consultation.refresh_from_db(fields=["status"])
    return consultation


def require_run(actor, consultation: Consultation) -> None:
    require_perm(actor, RUN, consultation, _("只有本单元的召集人可以进行此操作。"))


def require_status(consultation: Consultation, statuses, message) -> None:
    if consultation.status not in statuses:
        raise NotPossible(message)


def state_name(consultation: Consultation) -> str:
    return str(ConsultationStatus(consultation.status).label)


def not_in_state(consultation: Consultation, what) -> NotPossible:
    return NotPossible(
        _("协商当前状态为“%(state)s”，不能%(what)s。") % {"state": state_name(consultation), "what": what}
    )


def own_participant(consultation: Consultation, participant_id) -> Participant:
    """A participant row of this consultation, or InvalidInput (a forged or stale id)."""
    try:
        pk = int(participant_id)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("所选人员不在本次协商名单中。"), field="participant") from exc
    participant = Participant.objects.filter(pk=pk, consultation_id=consultation.pk).first()
    if participant is None:
        raise InvalidInput(_("所选人员不在本次协商名单中。"), field="participant")
    return participant


def check_identity(actor, participant: Participant, token: str | None) -> None:
    """The person acting is this participant: their account, or (without an account) the bearer of their link."""
    if participant.user_id is not None:
        if getattr(actor, "pk", None) != participant.user_id:
            raise NotAllowed(_("这不是您的邀请：只能答复、签到和表决您本人的邀请。"))
        return
    if not token or not secrets.compare_digest(str(token), participant.token):
        raise NotAllowed(_("这不是您的邀请：只能答复、签到和表决您本人的邀请。"))


def may_run(actor, consultation: Consultation) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.has_perm(RUN, consultation)


def contributions_open(consultation: Consultation) -> None:
    """Written and online consultations accept opinions and votes until their deadline."""
    close = consultation.contributions_close_at
    now = clock.now()
    if close is not None and now > close:
        raise NotPossible(
            _("意见征求已于 %(when)s 截止。") % {"when": timezone.localtime(close).strftime("%Y-%m-%d %H:%M")}
        )
