"""The list (明确主体, "挑好人"), the invitations and the sign-in. A participant acts only on their own row: by their
account, or (for people without one) by the personal link they were given."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shangliang.consultations.models import (
    IN_PERSON_FORMS,
    INVITING,
    PREPARING,
    Consultation,
    ConsultationStatus,
    InvitationStatus,
    Participant,
    ParticipantKind,
    SignInMethod,
)
from shangliang.consultations.services.common import check_identity, not_in_state, own_participant, require_run
from shangliang.consultations.workflow import INVITATION_WORKFLOW
from shangliang.core import clock
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import record_event
from shangliang.core.validation import clean_text
from shangliang.people.models import MemberLink, RoleAssignment, Talent, User
from shangliang.people.selectors import county_path

S = ConsultationStatus


def _kind(value: str) -> str:
    if value not in ParticipantKind.values:
        raise InvalidInput(_("请选择参加身份。"), field="kind")
    return value


def _person_of_county(consultation: Consultation, user: User) -> User:
    """Accounts come from the county of the consultation: people holding a role there, or members linked to it."""
    path = county_path(consultation.unit)
    ok = user.is_active and (
        RoleAssignment.objects.filter(user=user, unit__path__startswith=path).exists()
        or MemberLink.objects.filter(member=user, unit__path__startswith=path).exists()
    )
    if not ok:
        raise InvalidInput(_("所选人员不属于本县，不能邀请。"), field="user")
    return user


def _talent_of_county(consultation: Consultation, talent: Talent) -> Talent:
    if talent.county_id != consultation.unit.county_id or not talent.is_active:
        raise InvalidInput(_("所选人员不在本县人才库中。"), field="talent")
    return talent


def participant_add(
    *,
    actor,
    consultation: Consultation,
    kind: str,
    user: User | None = None,
    talent: Talent | None = None,
    name: str = "",
    organisation: str = "",
    email: str = "",
) -> Participant:
    """Put a person on the list: an account of the county, a talent-pool entry, or a name typed in."""
    require_run(actor, consultation)
    kind = _kind(kind)
    if sum(x is not None and x != "" for x in (user, talent, (name or "").strip() or None)) != 1:
        raise InvalidInput(_("请从人员、人才库中选择一人，或填写姓名。"), field="name")
    organisation = clean_text(organisation, label=_("单位/身份"), field="organisation", max_length=100, required=False)
    email = clean_text(email, label=_("邮箱"), field="email", max_length=254, required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(_("邮箱格式不正确。"), field="email") from exc
    with transaction.atomic():
        c = locked(consultation)
        if c.status not in PREPARING:
            raise not_in_state(c, _("改动参加人员名单"))
        if talent is not None:
            talent = _talent_of_county(c, talent)
            user = talent.user if talent.user_id and talent.user.is_active else None
            name = talent.name
            organisation = organisation or " ".join(x for x in (talent.organisation, talent.title) if x)[:100]
        if user is not None:
            user = _person_of_county(c, user)
            name = name or user.display_name
            email = email or user.email
        name = clean_text(name, label=_("姓名"), field="name", max_length=50)
        duplicate = Participant.objects.filter(consultation=c)
        if (
            user is not None
            and duplicate.filter(user=user).exists()
            or (talent is not None and duplicate.filter(talent=talent).exists())
        ):
            raise InvalidInput(_("“%(name)s”已在名单中。") % {"name": name}, field="name")
        if user is None and talent is None and duplicate.filter(name=name, user=None, talent=None).exists():
            raise InvalidInput(_("“%(name)s”已在名单中。") % {"name": name}, field="name")
        now = clock.now()
        invited = c.status == S.SCHEDULED
        try:
            with transaction.atomic():
                participant = Participant.objects.create(
                    consultation=c,
                    user=user,
                    talent=talent,
                    name=name,
                    kind=kind,
                    organisation=organisation,
                    email=email,
                    added_by=actor,
                    status=InvitationStatus.INVITED if invited else InvitationStatus.PENDING,
                    invited_at=now if invited else None,
                )
        except IntegrityError as exc:  # the same person added twice at once
            raise InvalidInput(_("“%(name)s”已在名单中。") % {"name": name}, field="name") from exc
        record_event(
            c,
            actor=actor,
            action="invite" if invited else "add_participant",
            note=name,
            data={"participant_ids": [participant.pk], "kind": kind},
        )
    return participant


def participant_remove(*, actor, consultation: Consultation, participant_id) -> None:
    require_run(actor, consultation)
    with transaction.atomic():
        c = locked(consultation)
        if c.status not in PREPARING:
            raise not_in_state(c, _("改动参加人员名单"))
        participant = own_participant(c, participant_id)
        name = participant.name
        participant.delete()
        record_event(c, actor=actor, action="remove_participant", note=name)


def participant_respond(
    *, actor, participant: Participant, accept: bool, reason: str = "", token: str | None = None
) -> Participant:
    """A participant confirms or declines their own invitation. Answering the same way twice changes nothing."""
    check_identity(actor, participant, token)
    reason = clean_text(reason, label=_("婉拒原因"), field="reason", max_length=200, required=False)
    with transaction.atomic():
        c = locked(participant.consultation)
        p = locked(participant)
        if c.status not in INVITING or p.status == InvitationStatus.PENDING:
            if c.status in PREPARING:
                raise NotPossible(_("邀请尚未发出，暂不能答复。"))
            raise NotPossible(_("本次协商已结束或已取消，不能再答复邀请。"))
        if not accept and p.signed_in_at is not None:
            raise NotPossible(_("您已签到，不能再婉拒。"))
        target = InvitationStatus.CONFIRMED if accept else InvitationStatus.DECLINED
        if p.status == target and (accept or p.decline_reason == reason):
            return p
        INVITATION_WORKFLOW.move(p, action="confirm" if accept else "decline")
        p.responded_at = clock.now()
        p.decline_reason = "" if accept else reason
        p.save(update_fields=["status", "responded_at", "decline_reason", "updated_at"])
        record_event(
            c,
            actor=actor,
            action="confirm" if accept else "decline",
            note=p.name if accept else f"{p.name}：{reason}" if reason else p.name,
            data={"participant_ids": [p.pk]},
        )
    return p


def _sign_in(c: Consultation, participant: Participant, *, actor, method: str) -> tuple:
    if c.form not in IN_PERSON_FORMS:
        raise NotPossible(_("书面协商和网络协商不需要签到。"))
    if c.status != S.IN_SESSION:
        if c.status in PREPARING:
            raise NotPossible(_("协商尚未开始，暂不能签到。"))
        raise NotPossible(_("协商已经结束，不能再签到。"))
    p = locked(participant)
    if p.signed_in_at is not None:
        return p, True
    p.signed_in_at = clock.now()
    p.signin_method = method
    fields = ["signed_in_at", "signin_method", "updated_at"]
    if p.status != InvitationStatus.CONFIRMED:  # came after all (or never answered): present means taking part
        INVITATION_WORKFLOW.move(p, action="sign_in")
        p.responded_at = p.responded_at or p.signed_in_at
        fields += ["status", "responded_at"]
    p.save(update_fields=fields)
    record_event(c, actor=actor, action="sign_in", note=p.name, data={"participant_ids": [p.pk], "method": method})
    return p, False


def sign_in_by_code(*, actor, code: str, token: str | None = None) -> tuple:
    """A participant scans the meeting's QR code. Returns (participant, already_signed_in).

    The person is the logged-in account on the list, or the person without an account whose personal link was
    opened in this browser (`token`).
    """
    consultation = Consultation.objects.select_related("unit").filter(signin_code=code or "-").first()
    if consultation is None:
        raise NotPossible(_("签到码无效：请重新扫描会场的二维码。"))
    participant = None
    if getattr(actor, "is_authenticated", False):
        participant = Participant.objects.filter(consultation=consultation, user=actor).first()
    if participant is None and token:
        participant = Participant.objects.filter(consultation=consultation, token=token, user=None).first()
    if participant is None:
        raise NotAllowed(_("您不在本次协商的参加人员名单中，请与召集人联系。"))
    check_identity(actor, participant, token)
    with transaction.atomic():
        c = locked(consultation)
        return _sign_in(c, participant, actor=actor, method=SignInMethod.QR)


def sign_in_by_convenor(*, actor, consultation: Consultation, participant_id) -> tuple:
    """The convenor ticks someone who came (no phone, no account)."""
    require_run(actor, consultation)
    with transaction.atomic():
        c = locked(consultation)
        participant = own_participant(c, participant_id)
        return _sign_in(c, participant, actor=actor, method=SignInMethod.CONVENOR)
