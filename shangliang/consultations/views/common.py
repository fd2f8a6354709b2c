"""Helpers shared by the consultation views."""

from __future__ import annotations

from django.shortcuts import redirect

from shangliang.consultations.models import Consultation, Participant
from shangliang.core.access import get_for

DETAIL = Consultation.objects.select_related("unit", "unit__county", "room", "reconvened_from")


def load(request, pk, perm: str = "consultations.view_consultation") -> Consultation:
    return get_for(request, DETAIL, perm, pk=pk)


def status_of(*forms) -> int:
    return 400 if any(f.is_bound and f.errors for f in forms) else 200


def remember_token(request, participant: Participant) -> None:
    """A person without an account opened their personal link: this browser now acts for them on that consultation
    (the visitor of residents keeps the invitation; counted under the limit "invitation")."""
    request.visitor.hit("invitation")
    request.visitor.remember_invitation(participant.consultation_id, participant.token)


def session_token(request, consultation_id) -> str | None:
    return request.visitor.invitation_token(consultation_id)


def acting_participant(request, consultation) -> tuple[Participant | None, str | None]:
    """The participant the current visitor is: their account's row, or the row their personal link opened."""
    if request.user.is_authenticated:
        row = Participant.objects.filter(consultation=consultation, user=request.user).first()
        if row is not None:
            return row, None
    token = session_token(request, consultation.pk)
    if token:
        row = Participant.objects.filter(consultation=consultation, token=token, user=None).first()
        if row is not None:
            return row, token
    return None, None


def back(consultation, name: str = "consultations:detail", anchor: str = ""):
    response = redirect(name, consultation.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response
