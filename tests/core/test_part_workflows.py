"""The four parts whose state used to change outside a table (a participant's invitation, a suggestion, an extension
request, a follow-up check) now move by their own transition tables: allowed steps land where the table says,
anything else is "not possible in this state"."""

import pytest

from shangliang.accountability.models import ExtensionRequest, ExtensionStatus, FollowUpCheck, FollowUpStatus
from shangliang.accountability.workflow import EXTENSION_WORKFLOW, FOLLOW_UP_WORKFLOW
from shangliang.consultations.models import InvitationStatus, Participant, Suggestion, SuggestionStatus
from shangliang.consultations.workflow import INVITATION_WORKFLOW, SUGGESTION_WORKFLOW
from shangliang.core.errors import NotPossible

INV = InvitationStatus


@pytest.mark.parametrize(
    ("source", "action", "target"),
    [
        (INV.PENDING, "invite", INV.INVITED),
        (INV.INVITED, "confirm", INV.CONFIRMED),
        (INV.DECLINED, "confirm", INV.CONFIRMED),
        (INV.INVITED, "decline", INV.DECLINED),
        (INV.CONFIRMED, "decline", INV.DECLINED),
        (INV.PENDING, "sign_in", INV.CONFIRMED),
        (INV.DECLINED, "sign_in", INV.CONFIRMED),
    ],
)
def test_invitation_steps(source, action, target):
    p = Participant(status=source)
    INVITATION_WORKFLOW.move(p, action=action)
    assert p.status == target


@pytest.mark.parametrize(
    ("source", "action"),
    [(INV.PENDING, "confirm"), (INV.PENDING, "decline"), (INV.INVITED, "invite"), (INV.CONFIRMED, "sign_in")],
)
def test_invitation_refusals(source, action):
    p = Participant(status=source)
    with pytest.raises(NotPossible):
        INVITATION_WORKFLOW.move(p, action=action)
    assert p.status == source


def test_a_suggestion_is_withdrawn_once():
    s = Suggestion(status=SuggestionStatus.ACTIVE)
    SUGGESTION_WORKFLOW.move(s, action="withdraw")
    assert s.status == SuggestionStatus.WITHDRAWN
    with pytest.raises(NotPossible):
        SUGGESTION_WORKFLOW.move(s, action="withdraw")


@pytest.mark.parametrize(
    ("action", "target"),
    [("approve_extension", ExtensionStatus.APPROVED), ("refuse_extension", ExtensionStatus.REFUSED)],
)
def test_an_extension_is_decided_once(action, target):
    r = ExtensionRequest(status=ExtensionStatus.PENDING)
    EXTENSION_WORKFLOW.move(r, action=action)
    assert r.status == target
    with pytest.raises(NotPossible):
        EXTENSION_WORKFLOW.move(r, action="approve_extension")


@pytest.mark.parametrize(
    ("action", "target"), [("lasted", FollowUpStatus.LASTED), ("not_lasted", FollowUpStatus.NOT_LASTED)]
)
def test_a_follow_up_is_recorded_once(action, target):
    c = FollowUpCheck(status=FollowUpStatus.PENDING)
    FOLLOW_UP_WORKFLOW.move(c, action=action)
    assert c.status == target
    with pytest.raises(NotPossible):
        FOLLOW_UP_WORKFLOW.move(c, action="lasted")
