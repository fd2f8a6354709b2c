"""Every write on online rooms: the room's life, statements and their moderation, participants, votes, pulling a
statement into the consultation's suggestion list, asking for a new analysis. Keyword-only, permission checked,
Chinese messages, one transaction each, event written. Import and export of Pol.is CSV live in `polis`.

Every change that affects the analysis goes through `mark_changed()`, in the transaction that makes it: it bumps the
room's change counter and, unless a recomputation is already queued, enqueues one after commit (see tasks.py).

A vote is the frequent write (a busy room takes a hundred a second): it takes no lock before its last statement, so
votes of one room wait on each other only for the room counter's update and the COMMIT (see `vote_cast`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, FilteredRelation, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shangliang.consultations import services as consultation_services
from shangliang.consultations.models import CLOSED as CONSULTATION_CLOSED
from shangliang.consultations.models import Consultation, ConsultationForm, ConsultationStatus, Suggestion
from shangliang.core import clock, ratelimit
from shangliang.core.db import commit_without_flush, locked
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_key, clean_text
from shangliang.online.models import (
    STATEMENT_MAX,
    ModerationMode,
    OnlineParticipant,
    OnlineRoom,
    ParticipantKind,
    RoomStatus,
    Statement,
    StatementStatus,
    Vote,
    VoteValue,
)
from shangliang.online.services import tasks
from shangliang.online.workflow import ROOM_WORKFLOW, STATEMENT_WORKFLOW
from shangliang.residents.visitor import VerifiedMobile

QUESTION_MAX = 200
DESCRIPTION_MAX = 2000
# How far ahead a room may close: a typo in the year must not keep a room open until 2062.
MAX_AHEAD = timedelta(days=400)
# A queued recomputation older than this is assumed lost (a worker died): the next change enqueues a new one.
RECOMPUTE_LEASE = timedelta(minutes=10)


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def clean_statement(value) -> str:
    text = clean_text(value, label=_("观点"), field="text", max_length=STATEMENT_MAX)
    # One statement is one line: newlines and runs of spaces become one space.
    return re.sub(r"\s+", " ", text)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.replace(second=0, microsecond=0)


def _period(opens_at, closes_at, now: datetime) -> tuple[datetime | None, datetime | None]:
    opens_at, closes_at = _aware(opens_at), _aware(closes_at)
    if closes_at is not None:
        if closes_at > now + MAX_AHEAD:
            raise InvalidInput(_("结束时间不能晚于一年以后。"), field="closes_at")
        if opens_at is not None and closes_at <= opens_at:
            raise InvalidInput(_("结束时间必须晚于开始时间。"), field="closes_at")
    return opens_at, closes_at


def mark_changed(room: OnlineRoom, *, enqueue: bool = False) -> None:
    """Record that the analysis is out of date; enqueue one recomputation unless one is queued (debounce), or
    always with `enqueue=True` (an explicit request).

    Call inside the transaction that makes the change, as its last statement where the change is frequent (a vote):
    the first update takes the room's row lock, which the change then holds only until its COMMIT. The queued flag is
    read under that lock, in the second update, so the caller needs no lock of its own: a recomputation finishing
    meanwhile (tasks._finish takes the same lock) either cleared the flag before, and this change sets it and
    enqueues, or waits for this commit and sees the counter moved past what it read, and enqueues itself again.
    """
    now = clock.now()
    rooms = OnlineRoom.objects.filter(pk=room.pk)
    rooms.update(change_seq=F("change_seq") + 1)
    if not enqueue:
        rooms = rooms.filter(Q(recompute_queued_at__isnull=True) | Q(recompute_queued_at__lt=now - RECOMPUTE_LEASE))
    if rooms.update(recompute_queued_at=now):
        room.recompute_queued_at = now
        room_id = room.pk
        transaction.on_commit(lambda: tasks.enqueue_recompute(room_id))


# --- the room ------------------------------------------------------------------------------------------------------


def room_create(
    *,
    actor,
    consultation: Consultation,
    question: str,
    description: str = "",
    moderation: str = ModerationMode.PRE,
    allow_statements: bool = True,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> OnlineRoom:
    """Open an online room for a consultation (any form; for 网络协商 its period is the default)."""
    require_perm(actor, "online.create_room", consultation, _("只有本单元的召集人可以开设网上协商议事室。"))
    now = clock.now()
    question = clean_text(question, label=_("协商的问题"), field="question", max_length=QUESTION_MAX)
    description = clean_text(
        description, label=_("背景说明"), field="description", max_length=DESCRIPTION_MAX, required=False
    )
    if moderation not in ModerationMode.values:
        raise InvalidInput(_("请选择审核方式。"), field="moderation")
    if consultation.form == ConsultationForm.ONLINE:
        opens_at = opens_at or consultation.online_opens_at
        closes_at = closes_at or consultation.online_closes_at
    opens_at, closes_at = _period(opens_at, closes_at, now)
    with transaction.atomic():
        status = locked(consultation, fields=["status"], missing=_("该协商不存在。")).status
        if status in (*CONSULTATION_CLOSED, ConsultationStatus.CANCELLED):
            raise NotPossible(_("协商已经结束或取消，不能再开设网上协商议事室。"))
        if OnlineRoom.objects.filter(consultation=consultation).exists():
            raise NotPossible(_("本次协商已有网上协商议事室。"))
        try:
            with transaction.atomic():
                room = OnlineRoom.objects.create(
                    consultation=consultation,
                    unit_id=consultation.unit_id,
                    question=question,
                    description=description,
                    moderation=moderation,
                    allow_statements=bool(allow_statements),
                    opens_at=opens_at,
                    closes_at=closes_at,
                    created_by=actor,
                )
        except IntegrityError as exc:  # two convenors at once: the one-to-one link decides
            raise NotPossible(_("本次协商已有网上协商议事室。")) from exc
        record_event(room, actor=actor, action="create", to_state=room.status, data={"consultation": consultation.pk})
    return room


def room_update(
    *,
    actor,
    room: OnlineRoom,
    question: str,
    description: str = "",
    moderation: str = ModerationMode.PRE,
    allow_statements: bool = True,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> OnlineRoom:
    require_perm(actor, "online.run_room", room, _("只有本单元的召集人可以修改网上协商议事室。"))
    now = clock.now()
    question = clean_text(question, label=_("协商的问题"), field="question", max_length=QUESTION_MAX)
    description = clean_text(
        description, label=_("背景说明"), field="description", max_length=DESCRIPTION_MAX, required=False
    )
    if moderation not in ModerationMode.values:
        raise InvalidInput(_("请选择审核方式。"), field="moderation")
    opens_at, closes_at = _period(opens_at, closes_at, now)
    with transaction.atomic():
        room = locked(room)
        if room.status == RoomStatus.CLOSED:
            raise NotPossible(_("网上协商已结束，不能再修改设置。"))
        if room.status == RoomStatus.OPEN and (closes_at is None or closes_at <= now):
            raise InvalidInput(_("进行中的网上协商须有晚于现在的结束时间。"), field="closes_at")
        moderation_changed = room.moderation != moderation
        room.question, room.description, room.moderation = question, description, moderation
        room.allow_statements, room.opens_at, room.closes_at = bool(allow_statements), opens_at, closes_at
        room.save(
            update_fields=[
                "question",
                "description",
                "moderation",
                "allow_statements",
                "opens_at",
                "closes_at",
                "updated_at",
            ]
        )
        if moderation_changed:  # pending statements appear or disappear: the analysis changes
            mark_changed(room)
        record_event(room, actor=actor, action="update", data={"moderation": moderation})
    return room


def room_open(*, actor, room: OnlineRoom) -> OnlineRoom:
    """Open the room: it needs a closing time in the future and at least one statement to vote on."""
    ROOM_WORKFLOW.check(room, action="open", actor=actor)
    now = clock.now()
    with transaction.atomic():
        room = locked(room)
        if room.closes_at is None or room.closes_at <= now:
            raise NotPossible(_("请先设置晚于现在的结束时间，再开放网上协商。"))
        if not Statement.objects.filter(room=room, status__in=room.visible_statuses()).exists():
            raise NotPossible(_("请先预设至少一条观点，参与者才有可表态的内容。"))
        room.opened_at = now
        ROOM_WORKFLOW.apply(room, action="open", actor=actor, extra_update_fields=["opened_at"])
    return room


def room_close(*, actor, room: OnlineRoom) -> OnlineRoom:
    ROOM_WORKFLOW.check(room, action="close", actor=actor)
    with transaction.atomic():
        room = locked(room)
        room.closed_at = clock.now()
        ROOM_WORKFLOW.apply(room, action="close", actor=actor, extra_update_fields=["closed_at"])
        mark_changed(room)  # one last analysis of everything that came in
    return room


def analysis_request(*, actor, room: OnlineRoom) -> None:
    """Ask for a fresh analysis (it runs in the background, never in this request)."""
    require_perm(actor, "online.run_room", room, _("只有本单元的召集人可以请求重新分析。"))
    with transaction.atomic():
        room = locked(room)
        mark_changed(room, enqueue=True)  # an explicit request always enqueues
        record_event(room, actor=actor, action="reanalyse")


# --- statements ----------------------------------------------------------------------------------------------------


def _next_polis_id(model, room: OnlineRoom) -> int:
    """The next comment-id / voter-id of the room (call with the room locked)."""
    top = model.objects.filter(room=room).aggregate(m=Max("polis_id"))["m"]
    return 0 if top is None else top + 1


def _replayed_statement(room: OnlineRoom, key: str, *, author=None, added_by=None) -> Statement | None:
    if not key:
        return None
    found = Statement.objects.filter(room=room, idempotency_key=key).first()
    if found is None:
        return None
    same = (author is not None and found.author_id == author.pk) or (
        added_by is not None and found.added_by_id == added_by.pk
    )
    if not same:
        raise InvalidInput(_("表单已失效，请刷新页面后重新填写。"))
    found.replayed = True
    return found


def _insert_statement(room: OnlineRoom, *, text: str, status: str, key: str, **fields) -> Statement:
    duplicate = (
        Statement.objects.filter(room=room, text=text)
        .exclude(status__in=[StatementStatus.REJECTED, StatementStatus.HIDDEN])
        .first()
    )
    if duplicate is not None:
        raise InvalidInput(_("已有相同的观点，请直接对它表态。"), field="text")
    statement = Statement.objects.create(
        room=room, polis_id=_next_polis_id(Statement, room), text=text, status=status, idempotency_key=key, **fields
    )
    statement.replayed = False
    return statement


def statement_seed(*, actor, room: OnlineRoom, text: str, idempotency_key: str = "") -> Statement:
    """The convenor seeds a statement (shown at once): before opening, or while the room is open."""
    require_perm(actor, "online.run_room", room, _("只有本单元的召集人可以预设观点。"))
    text = clean_statement(text)
    key = clean_key(idempotency_key)
    with transaction.atomic():
        room = locked(room)
        replay = _replayed_statement(room, key, added_by=actor)
        if replay is not None:
            return replay
        if room.status == RoomStatus.CLOSED:
            raise NotPossible(_("网上协商已结束，不能再增加观点。"))
        statement = _insert_statement(
            room, text=text, status=StatementStatus.APPROVED, key=key, is_seed=True, added_by=actor
        )
        mark_changed(room)
        record_event(room, actor=actor, action="seed", note=text, data={"statement_id": statement.pk})
    return statement


def _require_accepting(room: OnlineRoom, now: datetime, what: str) -> None:
    if room.status == RoomStatus.DRAFT:
        raise NotPossible(_("网上协商尚未开始，暂不能%(what)s。") % {"what": what})
    if room.status == RoomStatus.CLOSED:
        raise NotPossible(_("网上协商已结束，不能再%(what)s。") % {"what": what})
    if room.opens_at is not None and now < room.opens_at:
        when = timezone.localtime(room.opens_at).strftime("%Y-%m-%d %H:%M")
        raise NotPossible(_("网上协商将于 %(when)s 开始，届时才能%(what)s。") % {"when": when, "what": what})
    if room.closes_at is not None and now >= room.closes_at:
        when = timezone.localtime(room.closes_at).strftime("%Y-%m-%d %H:%M")
        raise NotPossible(_("网上协商已于 %(when)s 截止，不能再%(what)s。") % {"when": when, "what": what})


def statement_add(
    *,
    participant: OnlineParticipant,
    text: str,
    idempotency_key: str = "",
) -> Statement:
    """A participant adds a statement: pending review in a pre-moderated room, shown at once in a post-moderated one."""
    room = participant.room
    text = clean_statement(text)
    key = clean_key(idempotency_key)
    now = clock.now()
    replay = _replayed_statement(room, key, author=participant)
    if replay is not None:
        return replay
    # Every participant is an account or a verified number: counted per participant, not per network.
    ratelimit.hit("statement", key=f"online-participant:{participant.pk}")
    with transaction.atomic():
        room = locked(room)
        _require_accepting(room, now, _("发表观点"))
        if not room.allow_statements:
            raise NotPossible(_("本议事室只对预设观点表态，不接受新观点。"))
        try:
            with transaction.atomic():
                statement = _insert_statement(
                    room, text=text, status=StatementStatus.PENDING, key=key, author=participant, created_at=now
                )
        except IntegrityError:  # the same form sent twice at the same moment: the other send won
            found = _replayed_statement(room, key, author=participant) if key else None
            if found is None:
                raise
            return found
        if room.moderation == ModerationMode.POST:
            mark_changed(room)
    return statement


def statement_moderate(*, actor, statement: Statement, action: str, note: str = "") -> Statement:
    """Approve, reject, hide or restore a statement (the one moderation table in workflow.py)."""
    if action not in STATEMENT_WORKFLOW.actions():
        raise InvalidInput(_("请选择审核操作。"), field="action")
    note = clean_text(note, label=_("说明"), field="note", max_length=500, required=False)
    STATEMENT_WORKFLOW.check(statement, action=action, actor=actor)
    with transaction.atomic():
        room = locked(statement.room)
        was_visible = statement.status in room.visible_statuses()
        STATEMENT_WORKFLOW.apply(statement, action=action, actor=actor, note=note, data={"room": room.pk})
        if was_visible != (statement.status in room.visible_statuses()):
            mark_changed(room)
    return statement


def statement_pull(*, actor, statement: Statement) -> Suggestion:
    """Put a statement into the consultation's suggestion list (协商意见建议清单), with its level of agreement.

    One action per statement: pulling it again gives back the same suggestion.
    """
    room = statement.room
    require_perm(actor, "online.run_room", room, _("只有本单元的召集人可以将观点纳入建议清单。"))
    if statement.status not in room.visible_statuses():
        raise NotPossible(_("已隐藏、未通过或待审核的观点不能纳入建议清单。"))
    with transaction.atomic():
        if locked(statement, fields=["suggestion"]).suggestion_id:
            existing = Suggestion.objects.filter(pk=statement.suggestion_id, status="active").first()
            if existing is not None:
                return existing
        counts = Vote.objects.filter(statement=statement).aggregate(
            agree=Count("pk", filter=Q(value=VoteValue.AGREE)),
            disagree=Count("pk", filter=Q(value=VoteValue.DISAGREE)),
            passes=Count("pk", filter=Q(value=VoteValue.PASS)),
        )
        text = _("%(text)s（网上协商表态：%(agree)d 人同意，%(disagree)d 人不同意，%(passes)d 人跳过）") % {
            "text": statement.text,
            **counts,
        }
        try:
            suggestion = consultation_services.suggestion_add(actor=actor, consultation=room.consultation, text=text)
        except NotPossible as exc:
            raise NotPossible(_("只有协商进行中才能纳入建议清单（%(reason)s）") % {"reason": exc.message}) from exc
        Statement.objects.filter(pk=statement.pk).update(suggestion=suggestion)
        statement.suggestion = suggestion
        record_event(
            room,
            actor=actor,
            action="pull",
            note=statement.text,
            data={"statement_id": statement.pk, "suggestion_id": suggestion.pk},
        )
    return suggestion


# --- participants and votes ----------------------------------------------------------------------------------------


def _participant_lookup(user, mobile: VerifiedMobile | None) -> tuple[dict, dict]:
    if _authenticated(user) and user.is_active:
        return {"user": user}, {"kind": ParticipantKind.ACCOUNT}
    if mobile is not None:
        return {"mobile_hash": mobile.mobile_hash}, {"kind": ParticipantKind.MOBILE, "mobile_masked": mobile.masked}
    raise InvalidInput(_("请先登录或验证手机号，再参与表态。"))


def _existing_participant(room: OnlineRoom, lookup: dict) -> OnlineParticipant | None:
    found = OnlineParticipant.objects.filter(room=room, **lookup).first()
    if found is not None:
        found.room = room
    return found


def participant_for(*, room: OnlineRoom, user=None, mobile: VerifiedMobile | None = None) -> OnlineParticipant:
    """The room's participant for an account (preferred) or a verified mobile number, created on first use."""
    lookup, fields = _participant_lookup(user, mobile)
    found = _existing_participant(room, lookup)
    if found is not None:
        return found
    with transaction.atomic():
        locked(room)  # the next voter-id is taken under the room's lock
        found = OnlineParticipant.objects.filter(room=room, **lookup).first()
        if found is None:
            found = OnlineParticipant.objects.create(
                room=room, polis_id=_next_polis_id(OnlineParticipant, room), **lookup, **fields
            )
    found.room = room
    return found


def vote_by(*, room: OnlineRoom, user=None, mobile: VerifiedMobile | None = None, statement_id, value) -> Vote:
    """A visitor's vote (an account, or a mobile number verified in this browser). A first vote writes the
    participant row in the vote's own transaction, so a refused vote (a forged statement, a closed room, too many
    votes) leaves no participant behind; a returning participant's vote is one short transaction."""
    lookup, _fields = _participant_lookup(user, mobile)
    participant = _existing_participant(room, lookup)
    if participant is not None:
        return vote_cast(participant=participant, statement_id=statement_id, value=value)
    with transaction.atomic():
        participant = participant_for(room=room, user=user, mobile=mobile)
        return vote_cast(participant=participant, statement_id=statement_id, value=value)


def statement_add_by(
    *, room: OnlineRoom, user=None, mobile: VerifiedMobile | None = None, text: str, idempotency_key: str = ""
) -> Statement:
    """A visitor's statement, with its participant row written in the same transaction (as `vote_by`): a refused
    statement leaves no participant behind."""
    with transaction.atomic():
        participant = participant_for(room=room, user=user, mobile=mobile)
        return statement_add(participant=participant, text=text, idempotency_key=idempotency_key)


def _vote_value(value) -> int:
    number = _int(value)
    if number not in VoteValue.values:
        raise InvalidInput(_("请选择同意、不同意或跳过。"), field="value")
    return number


def vote_cast(
    *,
    participant: OnlineParticipant,
    statement_id,
    value,
) -> Vote:
    """Agree (1), disagree (−1) or pass (0) on a statement; a later vote replaces the earlier one.

    The room is read with the statement, unlocked: a room closing at this very moment may still take the votes
    already on their way, and they are analysed (each bumps the room's counter after the close's, so the close's last
    analysis is followed by one more). Nothing is locked before the last statement (`mark_changed`)."""
    value = _vote_value(value)
    pk = _int(statement_id)
    now = clock.now()
    with transaction.atomic():
        # A vote can be cast again and nothing else hangs on it: its commit does not wait for the disk (~7 ms here).
        commit_without_flush()
        # Counted in the vote's transaction: one statement with the database counters (core.ratelimit).
        ratelimit.hit("vote", key=f"online-participant:{participant.pk}")
        # The statement, its room as it is now and the participant's earlier vote on it, in one read.
        statement = None
        if pk is not None:
            mine = FilteredRelation("votes", condition=Q(votes__participant=participant))
            statement = (
                Statement.objects.select_related("room")
                .annotate(
                    mine=mine,
                    my_vote_id=F("mine__id"),
                    my_vote_value=F("mine__value"),
                    my_vote_created_at=F("mine__created_at"),
                )
                .filter(pk=pk, room_id=participant.room_id)
                .order_by()
                .first()
            )
        room = statement.room if statement is not None else OnlineRoom.objects.filter(pk=participant.room_id).first()
        if room is None:
            raise NotPossible(_("该网上协商议事室已不存在。"))
        _require_accepting(room, now, _("表态"))
        if statement is None:
            raise InvalidInput(_("该观点不存在或不属于本议事室。"), field="statement")
        if statement.status not in room.visible_statuses():
            raise NotPossible(_("该观点已被隐藏或尚未通过审核，不能表态。"))
        vote = None
        if statement.my_vote_id is not None:
            vote = Vote(
                pk=statement.my_vote_id,
                room=room,
                participant=participant,
                statement=statement,
                value=statement.my_vote_value,
                created_at=statement.my_vote_created_at,
            )
            if vote.value == value:
                return vote  # a double submit: nothing changes
        if vote is None:
            # Inserted, or (the same participant's vote on the same statement sent twice at once) the later one wins.
            vote = Vote(
                room=room, participant=participant, statement=statement, value=value, created_at=now, updated_at=now
            )
            Vote.objects.bulk_create(
                [vote],
                update_conflicts=True,
                unique_fields=["participant", "statement"],
                update_fields=["value", "updated_at"],
            )
        else:
            Vote.objects.filter(pk=vote.pk).update(value=value, updated_at=now)
            vote.value, vote.updated_at = value, now
        mark_changed(room)  # last: the room's row is locked from here to the COMMIT only
    return vote
