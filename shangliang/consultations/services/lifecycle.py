"""The consultation's life: open one on approved topics, choose the list, schedule, hold, close, reconvene, submit,
acknowledge, cancel. Every step goes through the one workflow table (consultations.workflow)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shangliang.consultations.models import (
    IN_PERSON_FORMS,
    PREPARING,
    Consultation,
    ConsultationForm,
    ConsultationStatus,
    InvitationStatus,
    Outcome,
    Participant,
    ResearchRecord,
    Submission,
    SubmissionLevel,
    Suggestion,
    SuggestionStatus,
    SuggestionVote,
    VoteChoice,
)
from shangliang.consultations.representation import composition, uncovered_warnings
from shangliang.consultations.services.common import current, not_in_state, require_run, require_status
from shangliang.consultations.workflow import CONSULTATION_WORKFLOW as FLOW
from shangliang.consultations.workflow import INVITATION_WORKFLOW
from shangliang.core import clock
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_text
from shangliang.people.models import Role
from shangliang.people.selectors import holders
from shangliang.topics.guards import require_topic_approved
from shangliang.units.models import Room, Unit

S = ConsultationStatus
MAX_TOPICS = 10
# How far ahead a consultation may be scheduled: a typo in the year must not send invitations for 2062.
MAX_AHEAD = timedelta(days=400)


def _form(value: str) -> str:
    if value not in ConsultationForm.values:
        raise InvalidInput(_("请选择协商形式。"), field="form")
    return value


def _room(unit: Unit, room: Room | None) -> Room | None:
    if room is not None and room.unit_id != unit.pk:
        raise InvalidInput(_("所选议事室不属于本单元。"), field="room")
    return room


def _approved_topics(unit: Unit, topics, *, exclude: Consultation | None = None) -> list:
    """Lock and check each topic: approved (审定), of this unit, and not already being consulted on elsewhere."""
    topics = list(dict.fromkeys(topics or []))
    if not topics:
        raise InvalidInput(_("请至少选择一个已审定的议题。"), field="topics")
    if len(topics) > MAX_TOPICS:
        raise InvalidInput(_("一次协商最多包含 %(n)d 个议题。") % {"n": MAX_TOPICS}, field="topics")
    checked = []
    for topic in sorted(topics, key=lambda t: t.pk):
        approved = require_topic_approved(topic, lock=True)
        if approved.unit_id != unit.pk:
            raise InvalidInput(
                _("议题“%(title)s”不属于本单元，只能协商本单元已审定的议题。") % {"title": approved.title},
                field="topics",
            )
        busy = Consultation.objects.filter(topics=approved, status__in=[*PREPARING, S.IN_SESSION])
        if exclude is not None:
            busy = busy.exclude(pk=exclude.pk)
        other = busy.first()
        if other is not None:
            raise InvalidInput(
                _("议题“%(title)s”已在协商“%(other)s”中。") % {"title": approved.title, "other": other.title},
                field="topics",
            )
        checked.append(approved)
    return checked


def consultation_create(
    *, actor, unit: Unit, topics, form: str, title: str = "", room: Room | None = None, location: str = ""
) -> Consultation:
    require_perm(actor, "consultations.create_consultation", unit, _("只有本单元的召集人可以发起协商。"))
    form = _form(form)
    room = _room(unit, room)
    location = clean_text(location, label=_("地点"), field="location", max_length=200, required=False)
    with transaction.atomic():
        checked = _approved_topics(unit, topics)
        title = clean_text(title or checked[0].title, label=_("协商名称"), field="title", max_length=100)
        consultation = Consultation.objects.create(
            unit=unit, title=title, form=form, room=room, location=location, created_by=actor
        )
        consultation.topics.set(checked)
        record_event(
            consultation, actor=actor, action="create", to_state=S.DRAFT, data={"topics": [t.pk for t in checked]}
        )
    return consultation


def consultation_update(
    *, actor, consultation: Consultation, topics, form: str, title: str, room: Room | None = None, location: str = ""
) -> Consultation:
    require_run(actor, consultation)
    form = _form(form)
    title = clean_text(title, label=_("协商名称"), field="title", max_length=100)
    location = clean_text(location, label=_("地点"), field="location", max_length=200, required=False)
    with transaction.atomic():
        c = locked(consultation)
        if c.status not in (S.DRAFT, S.PARTICIPANTS_CHOSEN, S.RESEARCH_RECORDED):
            raise not_in_state(c, _("修改协商信息（已发出邀请的请调整时间地点）"))
        c.room = _room(c.unit, room)
        checked = _approved_topics(c.unit, topics, exclude=c)
        c.title, c.form, c.location = title, form, location
        c.save(update_fields=["title", "form", "room", "location", "updated_at"])
        c.topics.set(checked)
        record_event(c, actor=actor, action="update", data={"topics": [t.pk for t in checked]})
    return c


def representativeness_explain(*, actor, consultation: Consultation, reason: str) -> Consultation:
    """Record why the list goes ahead despite the current representativeness warnings."""
    require_run(actor, consultation)
    reason = clean_text(reason, label=_("代表性说明"), field="override_reason", max_length=1000)
    with transaction.atomic():
        c = locked(consultation)
        if c.status not in PREPARING:
            raise not_in_state(c, _("说明名单代表性"))
        comp = composition(c)
        _record_override(c, actor, reason, comp)
    return c


def _record_override(c: Consultation, actor, reason: str, comp) -> None:
    c.representativeness_override_reason = reason
    c.representativeness_overridden = comp.warning_codes
    c.save(update_fields=["representativeness_override_reason", "representativeness_overridden", "updated_at"])
    record_event(
        c, actor=actor, action="override_representativeness", note=reason, data={"warnings": comp.warning_codes}
    )


def _require_representative(c: Consultation, actor, reason: str) -> None:
    comp = composition(c)
    if comp.total == 0:
        raise NotPossible(_("名单上还没有人：请先添加参加人员。"))
    missing = uncovered_warnings(c, comp)
    if not missing:
        return
    if reason:
        _record_override(
            c, actor, clean_text(reason, label=_("代表性说明"), field="override_reason", max_length=1000), comp
        )
        return
    raise InvalidInput(
        _("名单代表性不足：%(warnings)s 如确需按此名单进行，请填写理由。")
        % {"warnings": " ".join(w.message for w in missing)},
        field="override_reason",
    )


def participants_choose(*, actor, consultation: Consultation, override_reason: str = "") -> Consultation:
    FLOW.check(current(consultation), action="choose_participants", actor=actor)
    with transaction.atomic():
        c = locked(consultation)
        _require_representative(c, actor, (override_reason or "").strip())
        FLOW.apply(c, action="choose_participants", actor=actor)
    return c


def _aware(value: datetime | None) -> datetime | None:
    """Aware and to the minute (what the form's datetime-local field and a calendar invitation carry)."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.replace(second=0, microsecond=0)


def _check_times(form: str, times: dict, now: datetime) -> dict:
    """The times a form needs, in the future and in order; returns them normalised."""
    t = {k: _aware(v) for k, v in times.items()}
    late = now + MAX_AHEAD

    def future(key: str, label: str) -> None:
        if t.get(key) is None:
            raise InvalidInput(_("请填写%(label)s。") % {"label": label}, field=key)
        if t[key] <= now:
            raise InvalidInput(_("%(label)s不能早于现在。") % {"label": label}, field=key)
        if t[key] > late:
            raise InvalidInput(_("%(label)s不能晚于一年以后。") % {"label": label}, field=key)

    if form == ConsultationForm.WRITTEN:
        future("written_deadline", _("书面意见截止时间"))
        return {"written_deadline": t["written_deadline"], "planned_start": None, "planned_end": None}
    if form == ConsultationForm.ONLINE:
        future("online_closes_at", _("网络协商结束时间"))
        opens = t.get("online_opens_at") or now
        if opens >= t["online_closes_at"]:
            raise InvalidInput(_("网络协商结束时间必须晚于开始时间。"), field="online_closes_at")
        return {"online_opens_at": opens, "online_closes_at": t["online_closes_at"]}
    future("planned_start", _("协商时间"))
    end = t.get("planned_end")
    if end is not None and end <= t["planned_start"]:
        raise InvalidInput(_("结束时间必须晚于开始时间。"), field="planned_end")
    return {"planned_start": t["planned_start"], "planned_end": end}


def consultation_schedule(
    *,
    actor,
    consultation: Consultation,
    planned_start: datetime | None = None,
    planned_end: datetime | None = None,
    written_deadline: datetime | None = None,
    online_opens_at: datetime | None = None,
    online_closes_at: datetime | None = None,
    room: Room | None = None,
    location: str = "",
) -> Consultation:
    """Fix the time and place and send the invitations. Refused before research is recorded: 不调研不协商."""
    require_run(actor, consultation)
    if current(consultation).status == S.DRAFT:
        raise NotPossible(_("请先确定参加人员，再安排协商。"))
    if consultation.status == S.PARTICIPANTS_CHOSEN:
        raise NotPossible(
            _("不调研不协商：本次协商还没有商前调研记录。请先记录走访、问卷或政策解读等调研情况，再安排协商。")
        )
    FLOW.check(current(consultation), action="schedule", actor=actor)
    now = clock.now()
    times = _check_times(
        consultation.form,
        {
            "planned_start": planned_start,
            "planned_end": planned_end,
            "written_deadline": written_deadline,
            "online_opens_at": online_opens_at,
            "online_closes_at": online_closes_at,
        },
        now,
    )
    location = clean_text(location, label=_("地点"), field="location", max_length=200, required=False)
    with transaction.atomic():
        c = locked(consultation)
        if not ResearchRecord.objects.filter(consultation=c).exists():
            raise NotPossible(_("不调研不协商：本次协商还没有商前调研记录。"))
        if c.form in IN_PERSON_FORMS and room is None and not location and c.room_id is None and not c.location:
            raise InvalidInput(_("请选择议事室或填写地点。"), field="location")
        comp = composition(c)
        missing = uncovered_warnings(c, comp)
        if comp.total == 0 or missing:
            raise NotPossible(
                _("名单有新的代表性问题：%(warnings)s 请先在“参加人员”页调整名单或写明理由，再安排协商。")
                % {"warnings": " ".join(w.message for w in missing) or _("名单上还没有人。")}
            )
        c.room = _room(c.unit, room) or c.room
        c.location = location or c.location
        for key, value in times.items():
            setattr(c, key, value)
        pending = list(
            Participant.objects.filter(consultation=c, status=InvitationStatus.PENDING).values_list("pk", flat=True)
        )
        Participant.objects.filter(pk__in=pending).update(
            status=INVITATION_WORKFLOW.target(InvitationStatus.PENDING, "invite"), invited_at=now
        )
        FLOW.apply(
            c,
            action="schedule",
            actor=actor,
            data={"participant_ids": pending},
            extra_update_fields=["room", "location", *times.keys()],
        )
    return c


def consultation_reschedule(*, actor, consultation: Consultation, note: str = "", **fields) -> Consultation:
    """Change the time or place of a scheduled consultation; everyone still invited is told."""
    require_run(actor, consultation)
    now = clock.now()
    room, location = fields.pop("room", None), fields.pop("location", "")
    times = _check_times(consultation.form, fields, now)
    location = clean_text(location, label=_("地点"), field="location", max_length=200, required=False)
    note = clean_text(note, label=_("调整说明"), field="note", max_length=200, required=False)
    with transaction.atomic():
        c = locked(consultation)
        require_status(c, {S.SCHEDULED}, _("只有已安排、尚未开始的协商可以调整时间地点。"))
        c.room = _room(c.unit, room) or c.room
        c.location = location or c.location
        for key, value in times.items():
            setattr(c, key, value)
        c.save(update_fields=["room", "location", *times.keys(), "updated_at"])
        told = list(
            Participant.objects.filter(consultation=c)
            .exclude(status__in=[InvitationStatus.DECLINED, InvitationStatus.PENDING])
            .values_list("pk", flat=True)
        )
        record_event(c, actor=actor, action="reschedule", note=note, data={"participant_ids": told}, public=True)
    return c


def consultation_open(*, actor, consultation: Consultation) -> Consultation:
    FLOW.check(current(consultation), action="open", actor=actor)
    with transaction.atomic():
        c = locked(consultation)
        c.held_at = clock.now()
        FLOW.apply(c, action="open", actor=actor, extra_update_fields=["held_at"])
    return c


def _blocked(c: Consultation) -> list[tuple[Suggestion, int]]:
    blocks = {}
    for sid in SuggestionVote.objects.filter(
        suggestion__consultation=c, suggestion__status=SuggestionStatus.ACTIVE, choice=VoteChoice.BLOCK
    ).values_list("suggestion_id", flat=True):
        blocks[sid] = blocks.get(sid, 0) + 1
    return [(s, blocks[s.pk]) for s in Suggestion.objects.filter(pk__in=blocks).order_by("order")]


def consultation_close(*, actor, consultation: Consultation, consensus: bool, conclusion: str = "") -> Consultation:
    """Close with consensus (达成共识: at least one suggestion, none blocked) or without (议而不决: say why)."""
    action = "close_consensus" if consensus else "close_no_consensus"
    FLOW.check(current(consultation), action=action, actor=actor)
    conclusion = clean_text(
        conclusion, label=_("协商结论"), field="conclusion", max_length=5000, required=not consensus
    )
    with transaction.atomic():
        c = locked(consultation)
        if consensus:
            if not Suggestion.objects.filter(consultation=c, status=SuggestionStatus.ACTIVE).exists():
                raise NotPossible(_("建议清单为空：达成共识须至少形成一条建议。"))
            blocked = _blocked(c)
            if blocked:
                suggestion, n = blocked[0]
                raise NotPossible(
                    _(
                        "第 %(order)d 条建议有 %(n)d 人反对（阻止），不能以“达成共识”结束："
                        "请修改或撤回该建议后重新表决，或以“议而不决”结束。"
                    )
                    % {"order": suggestion.order, "n": n}
                )
        c.outcome = Outcome.CONSENSUS if consensus else Outcome.NO_CONSENSUS
        c.conclusion = conclusion
        c.closed_at = clock.now()
        FLOW.apply(
            c, action=action, actor=actor, note=conclusion, extra_update_fields=["outcome", "conclusion", "closed_at"]
        )
    return c


def consultation_reconvene(*, actor, consultation: Consultation, title: str = "") -> Consultation:
    """议而不决 → consult again: a new consultation on the same topics and list, linked back and counted."""
    FLOW.check(current(consultation), action="reconvene", actor=actor)
    with transaction.atomic():
        old = locked(consultation)
        topics = [require_topic_approved(t, lock=True) for t in old.topics.order_by("pk")]
        count = old.reconvene_count + 1
        title = clean_text(
            title or _("%(title)s（第%(n)d次再议）") % {"title": old.title[:80], "n": count},
            label=_("协商名称"),
            field="title",
            max_length=100,
        )
        FLOW.apply(old, action="reconvene", actor=actor)
        try:
            with transaction.atomic():
                new = Consultation.objects.create(
                    unit=old.unit,
                    title=title,
                    form=old.form,
                    room=old.room,
                    location=old.location,
                    reconvened_from=old,
                    reconvene_count=count,
                    created_by=actor,
                )
        except IntegrityError as exc:  # the one-to-one link: reconvened already
            raise NotPossible(_("该协商已经再次协商过。")) from exc
        new.topics.set(topics)
        Participant.objects.bulk_create(
            Participant(
                consultation=new,
                user_id=p.user_id,
                talent_id=p.talent_id,
                name=p.name,
                kind=p.kind,
                organisation=p.organisation,
                email=p.email,
                added_by=actor,
            )
            for p in old.participants.exclude(status=InvitationStatus.DECLINED).order_by("pk")
        )
        record_event(
            new, actor=actor, action="create", to_state=S.DRAFT, data={"reconvened_from": old.pk, "count": count}
        )
    return new


def approvers_of(unit_id: int):
    return holders([Role.APPROVER], units=[unit_id])


def consultation_submit(
    *, actor, consultation: Consultation, level: str, recipients: str, note: str = ""
) -> Submission:
    """报送成果: to the same level's party committee and government, or escalated to the level above."""
    FLOW.check(current(consultation), action="submit", actor=actor)
    if level not in SubmissionLevel.values:
        raise InvalidInput(_("请选择报送层级。"), field="level")
    recipients = clean_text(recipients, label=_("报送对象"), field="recipients", max_length=200)
    note = clean_text(note, label=_("报送说明"), field="note", max_length=2000, required=False)
    with transaction.atomic():
        c = locked(consultation)
        receiver = c.unit if level == SubmissionLevel.SAME else Unit.objects.get_parent(c.unit)
        if receiver is None:
            raise InvalidInput(_("本单元没有上级单位，请报送同级。"), field="level")
        if not approvers_of(receiver.pk).exists():
            raise NotPossible(
                _("“%(unit)s”尚未设置同级党组织（审定人），无法签收：请联系政协机关。") % {"unit": receiver.name}
            )
        submission = Submission.objects.create(
            consultation=c, level=level, receiver_unit=receiver, recipients=recipients, note=note, submitted_by=actor
        )
        FLOW.apply(c, action="submit", actor=actor, note=note, data={"receiver_unit": receiver.pk, "level": level})
    return submission


def results_acknowledge(*, actor, consultation: Consultation, note: str = "") -> Submission:
    FLOW.check(current(consultation), action="acknowledge", actor=actor)
    note = clean_text(note, label=_("签收意见"), field="note", max_length=2000, required=False)
    with transaction.atomic():
        c = locked(consultation)
        submission = Submission.objects.select_for_update().get(consultation=c)
        submission.acknowledged_by = actor
        submission.acknowledged_at = clock.now()
        submission.acknowledgement = note
        submission.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement"])
        c._sl_receiver_unit_id = submission.receiver_unit_id
        FLOW.apply(c, action="acknowledge", actor=actor, note=note)
    return submission


def consultation_cancel(*, actor, consultation: Consultation, note: str) -> Consultation:
    FLOW.check(current(consultation), action="cancel", actor=actor)
    note = clean_text(note, label=_("取消原因"), field="note", max_length=500)
    with transaction.atomic():
        c = locked(consultation)
        told = list(
            Participant.objects.filter(
                consultation=c, status__in=[InvitationStatus.INVITED, InvitationStatus.CONFIRMED]
            ).values_list("pk", flat=True)
        )
        FLOW.apply(c, action="cancel", actor=actor, note=note, data={"participant_ids": told})
    return c
