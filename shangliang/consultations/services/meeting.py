"""Holding the consultation: agenda segments, minutes, each participant's opinion, the suggestion list and the votes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from shangliang.consultations.models import (
    IN_PERSON_FORMS,
    PREPARING,
    AgendaSegment,
    Consultation,
    ConsultationStatus,
    InvitationStatus,
    Minutes,
    Opinion,
    Participant,
    SegmentKind,
    Suggestion,
    SuggestionStatus,
    SuggestionVote,
    VoteChoice,
)
from shangliang.consultations.services.common import (
    check_identity,
    contributions_open,
    may_run,
    not_in_state,
    own_participant,
    require_run,
)
from shangliang.consultations.workflow import SUGGESTION_WORKFLOW
from shangliang.core import clock
from shangliang.core.db import insert_once, locked, sender_of
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.validation import clean_text

S = ConsultationStatus
# Minutes and segment notes are often typed up right after the meeting: allowed until the results are submitted.
RECORDING = (S.IN_SESSION, S.CLOSED_CONSENSUS, S.CLOSED_NO_CONSENSUS)


def segment_add(
    *, actor, consultation: Consultation, kind: str, title: str, speaker_id=None, idempotency_key: str = ""
) -> AgendaSegment:
    require_run(actor, consultation)
    if kind not in SegmentKind.values:
        raise InvalidInput(_("请选择议程环节。"), field="kind")
    title = clean_text(title, label=_("议程内容"), field="title", max_length=100)

    def create() -> AgendaSegment:
        with transaction.atomic():
            c = locked(consultation)
            if c.status not in (*PREPARING, S.IN_SESSION):
                raise not_in_state(c, _("增加议程"))
            speaker = own_participant(c, speaker_id) if speaker_id not in (None, "") else None
            order = (AgendaSegment.objects.filter(consultation=c).aggregate(m=Max("order"))["m"] or 0) + 1
            segment = AgendaSegment.objects.create(consultation=c, order=order, kind=kind, title=title, speaker=speaker)
            record_event(c, actor=actor, action="add_segment", note=title, data={"segment_id": segment.pk})
        return segment

    return insert_once(key=idempotency_key, sender=sender_of(actor), model=AgendaSegment, create=create)


def _own_segment(c: Consultation, segment_id) -> AgendaSegment:
    segment = AgendaSegment.objects.filter(pk=_int(segment_id), consultation=c).first()
    if segment is None:
        raise InvalidInput(_("该议程不属于本次协商。"), field="segment")
    return segment


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def segment_start(*, actor, consultation: Consultation, segment_id) -> AgendaSegment:
    """Move the meeting to this segment: the running one ends."""
    require_run(actor, consultation)
    with transaction.atomic():
        c = locked(consultation)
        if c.status != S.IN_SESSION:
            raise not_in_state(c, _("进入议程"))
        segment = _own_segment(c, segment_id)
        if segment.running:
            return segment
        if segment.ended_at is not None:
            raise NotPossible(_("该议程已经结束。"))
        now = clock.now()
        AgendaSegment.objects.filter(consultation=c, started_at__isnull=False, ended_at__isnull=True).update(
            ended_at=now
        )
        segment.started_at = now
        segment.save(update_fields=["started_at"])
        record_event(c, actor=actor, action="start_segment", note=segment.title, data={"segment_id": segment.pk})
    return segment


def segment_notes(*, actor, consultation: Consultation, segment_id, notes: str) -> AgendaSegment:
    require_run(actor, consultation)
    notes = clean_text(notes, label=_("议程记录"), field="notes", max_length=10000, required=False)
    with transaction.atomic():
        c = locked(consultation)
        if c.status not in RECORDING:
            raise not_in_state(c, _("记录议程内容"))
        segment = _own_segment(c, segment_id)
        segment.notes = notes
        segment.save(update_fields=["notes"])
        record_event(c, actor=actor, action="segment_notes", note=segment.title, data={"segment_id": segment.pk})
    return segment


def minutes_save(*, actor, consultation: Consultation, text: str) -> Minutes:
    require_run(actor, consultation)
    text = clean_text(text, label=_("会议记录"), field="text", max_length=50000)
    with transaction.atomic():
        c = locked(consultation)
        if c.status not in RECORDING:
            raise not_in_state(c, _("保存会议记录"))
        minutes, _created = Minutes.objects.update_or_create(
            consultation=c, defaults={"text": text, "recorded_by": actor}
        )
        record_event(c, actor=actor, action="minutes", data={"length": len(text)})
    return minutes


def _check_contribution(c: Consultation, p: Participant, *, by_convenor: bool, what) -> None:
    if c.status != S.IN_SESSION:
        raise not_in_state(c, what)
    if c.form in IN_PERSON_FORMS:
        if p.signed_in_at is None:
            raise NotPossible(
                _("“%(name)s”尚未签到：只有到场签到的参加人员可以%(what)s。") % {"name": p.name, "what": what}
                if by_convenor
                else _("请先扫描会场二维码签到：只有到场签到的参加人员可以%(what)s。") % {"what": what}
            )
    else:
        if p.status in (InvitationStatus.DECLINED, InvitationStatus.PENDING):
            raise NotPossible(_("已婉拒的邀请不能%(what)s。") % {"what": what})
        contributions_open(c)


def opinion_record(
    *, actor, consultation: Consultation, participant_id, text: str, token: str | None = None
) -> Opinion:
    """A participant's opinion in their own words: typed by them, or by the convenor as they speak."""
    text = clean_text(text, label=_("意见"), field="text", max_length=5000)
    by_convenor = may_run(actor, consultation)
    with transaction.atomic():
        c = locked(consultation)
        p = own_participant(c, participant_id)
        if not by_convenor:
            check_identity(actor, p, token)
        _check_contribution(c, p, by_convenor=by_convenor, what=_("发表意见"))
        previous = Opinion.objects.filter(participant=p).values_list("text", flat=True).first()
        if previous == text:
            return Opinion.objects.get(participant=p)
        opinion, _created = Opinion.objects.update_or_create(
            participant=p,
            defaults={"consultation": c, "text": text, "recorded_by": actor if getattr(actor, "pk", None) else None},
        )
        record_event(
            c,
            actor=actor,
            action="opinion",
            note=p.name,
            data={"participant_id": p.pk, "previous": previous or "", "by_convenor": by_convenor},
        )
    return opinion


def suggestion_add(*, actor, consultation: Consultation, text: str) -> Suggestion:
    require_run(actor, consultation)
    text = clean_text(text, label=_("建议内容"), field="text", max_length=2000)
    with transaction.atomic():
        c = locked(consultation)
        if c.status != S.IN_SESSION:
            raise not_in_state(c, _("增加建议"))
        existing = Suggestion.objects.filter(consultation=c, text=text, status=SuggestionStatus.ACTIVE).first()
        if existing is not None:  # a double submit, or the same words twice: one suggestion
            return existing
        order = (Suggestion.objects.filter(consultation=c).aggregate(m=Max("order"))["m"] or 0) + 1
        suggestion = Suggestion.objects.create(consultation=c, order=order, text=text, created_by=actor)
        record_event(c, actor=actor, action="add_suggestion", note=text[:200], data={"suggestion_id": suggestion.pk})
    return suggestion


def suggestion_withdraw(*, actor, consultation: Consultation, suggestion_id, note: str = "") -> Suggestion:
    require_run(actor, consultation)
    note = clean_text(note, label=_("撤回说明"), field="note", max_length=500, required=False)
    with transaction.atomic():
        c = locked(consultation)
        if c.status != S.IN_SESSION:
            raise not_in_state(c, _("撤回建议"))
        suggestion = Suggestion.objects.filter(pk=_int(suggestion_id), consultation=c).first()
        if suggestion is None:
            raise InvalidInput(_("该建议不属于本次协商。"), field="suggestion")
        if suggestion.status == SuggestionStatus.WITHDRAWN:
            return suggestion
        SUGGESTION_WORKFLOW.move(suggestion, action="withdraw")
        suggestion.save(update_fields=["status"])
        record_event(c, actor=actor, action="withdraw_suggestion", note=note, data={"suggestion_id": suggestion.pk})
    return suggestion


def suggestion_vote(
    *,
    actor,
    consultation: Consultation,
    suggestion_id,
    participant_id,
    choice: str,
    dissent: str = "",
    token: str | None = None,
) -> SuggestionVote:
    """A present participant's agree / abstain / disagree / block on one suggestion; dissent kept word for word.

    One vote per participant and suggestion: voting again changes it (a double submit changes nothing).
    """
    if choice not in VoteChoice.values:
        raise InvalidInput(_("请选择同意、弃权、不同意或反对。"), field="choice")
    # Verbatim: only surrounding whitespace goes, the words stay as typed.
    dissent = clean_text(dissent, label=_("不同意见"), field="dissent", max_length=2000, required=False)
    if choice == VoteChoice.BLOCK and not dissent:
        raise InvalidInput(_("选择“反对（阻止）”时请写明理由。"), field="dissent")
    by_convenor = may_run(actor, consultation)
    with transaction.atomic():
        c = locked(consultation)
        p = own_participant(c, participant_id)
        if not by_convenor:
            check_identity(actor, p, token)
        suggestion = Suggestion.objects.filter(pk=_int(suggestion_id), consultation=c).first()
        if suggestion is None:
            raise InvalidInput(_("该建议不属于本次协商。"), field="suggestion")
        if suggestion.status != SuggestionStatus.ACTIVE:
            raise NotPossible(_("该建议已撤回，不能表决。"))
        _check_contribution(c, p, by_convenor=by_convenor, what=_("表决"))
        vote = SuggestionVote.objects.select_for_update().filter(suggestion=suggestion, participant=p).first()
        if vote is not None and vote.choice == choice and vote.dissent == dissent:
            return vote
        if vote is None:
            vote = SuggestionVote.objects.create(suggestion=suggestion, participant=p, choice=choice, dissent=dissent)
        else:
            vote.choice, vote.dissent = choice, dissent
            vote.save(update_fields=["choice", "dissent", "updated_at"])
        record_event(
            c,
            actor=actor,
            action="vote",
            note=f"{p.name} · {suggestion.order} · {VoteChoice(choice).label}",
            data={"suggestion_id": suggestion.pk, "participant_id": p.pk, "choice": choice},
        )
    return vote
