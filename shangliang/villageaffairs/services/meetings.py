"""Writes on the monthly village-affairs meeting (月例会): planning, the agenda (composed from the month's disclosed
exercises, residents' objections and matters left open), attendance of linked members and town officials, holding
or cancelling it (what is left open goes to the next meeting), and the county's norm.

The meeting consults on approved topics as a consultation of form 月例会 (shangliang.consultations): it is opened
through that app's public service `consultation_create`, or an existing one is linked; that app then runs it
(participants, research, session, results) and this one keeps the link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from shangliang.consultations.models import Consultation, ConsultationForm, ConsultationStatus
from shangliang.consultations.services import consultation_create
from shangliang.core import audit, clock
from shangliang.core.db import insert_once, locked, sender_of
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.months import add_months, month_end, month_start
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_date, clean_text
from shangliang.people.models import MemberLink, Role, RoleAssignment
from shangliang.people.selectors import active_q
from shangliang.units.models import Room, Unit, UnitKind
from shangliang.villageaffairs.models import (
    AgendaItem,
    AgendaSource,
    AgendaStatus,
    Attendance,
    AttendeeCapacity,
    Disclosure,
    DisclosureStatus,
    Feedback,
    MeetingNorm,
    MeetingStatus,
    MonthlyMeeting,
)
from shangliang.villageaffairs.services.common import require_village
from shangliang.villageaffairs.workflow import AGENDA_WORKFLOW, MANAGE, MEETING_WORKFLOW

# A meeting may be recorded as held up to this many days into the next month (a meeting on the 2nd for last month).
HELD_GRACE_DAYS = 10


def _locked_planned(unit: Unit):
    return MonthlyMeeting.objects.select_for_update().filter(unit=unit, status=MeetingStatus.PLANNED).order_by("month")


def next_meeting(unit: Unit) -> MonthlyMeeting:
    """The village's next monthly meeting: the earliest one still being prepared, or a new one for the first month
    without a meeting (this month, or the month after the latest). Called inside the caller's transaction."""
    today = clock.today()
    planned = _locked_planned(unit).first()
    if planned is not None:
        return planned
    current = month_start(today)
    latest = MonthlyMeeting.objects.filter(unit=unit).aggregate(m=Max("month"))["m"]
    month = current if latest is None or latest < current else add_months(latest, 1)
    try:
        with transaction.atomic():
            meeting = MonthlyMeeting.objects.create(unit=unit, month=month)
    except IntegrityError:  # created by a concurrent request a moment ago
        return MonthlyMeeting.objects.get(unit=unit, month=month)
    record_event(meeting, actor=None, action="plan", to_state=meeting.status, data={"automatic": True})
    return meeting


def _next_order(meeting: MonthlyMeeting) -> int:
    return (AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("order"))["m"] or 0) + 1


def enqueue_objection(feedback: Feedback) -> AgendaItem:
    """Put a resident's objection on the agenda of the village's next monthly meeting (in the caller's transaction)."""
    disclosure = feedback.disclosure
    meeting = next_meeting(disclosure.unit)
    item = AgendaItem.objects.create(
        meeting=meeting,
        source=AgendaSource.OBJECTION,
        title=disclosure.title,
        detail=feedback.text,
        disclosure=disclosure,
        feedback=feedback,
        order=_next_order(meeting),
    )
    record_event(meeting, actor=None, action="objection", data={"item": item.pk, "feedback": feedback.pk})
    return item


def _require_planned(meeting: MonthlyMeeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise NotPossible(_("本次例会%(status)s，议程和出席不能再变更。") % {"status": meeting.get_status_display()})


def _clean_month(value) -> date:
    if isinstance(value, str) and len(value.strip()) == 7:  # <input type=month> sends YYYY-MM
        value = f"{value.strip()}-01"
    return month_start(clean_date(value, label=_("月份"), field="month"))


def _clean_schedule(month: date, scheduled_on, place: str) -> tuple[date | None, str]:
    scheduled_on = clean_date(scheduled_on, label=_("计划日期"), field="scheduled_on", required=False)
    if scheduled_on is not None and month_start(scheduled_on) != month:
        raise InvalidInput(_("计划日期应在 %(month)s 月内。") % {"month": f"{month:%Y-%m}"}, field="scheduled_on")
    return scheduled_on, clean_text(place, label=_("地点"), field="place", max_length=100, required=False)


def meeting_plan(*, actor, unit: Unit, month, scheduled_on=None, place: str = "") -> MonthlyMeeting:
    """Prepare a month's meeting and compose its agenda."""
    require_perm(actor, MANAGE, unit)
    require_village(unit)
    month = _clean_month(month)
    scheduled_on, place = _clean_schedule(month, scheduled_on, place)
    if MonthlyMeeting.objects.filter(unit=unit, month=month).exists():
        raise InvalidInput(_("%(month)s 的月例会已经登记。") % {"month": f"{month:%Y-%m}"}, field="month")
    try:
        with transaction.atomic():
            meeting = MonthlyMeeting.objects.create(unit=unit, month=month, scheduled_on=scheduled_on, place=place)
            record_event(meeting, actor=actor, action="plan", to_state=meeting.status)
            meeting_compose(actor=actor, meeting=meeting)
    except IntegrityError as exc:
        raise InvalidInput(_("%(month)s 的月例会已经登记。") % {"month": f"{month:%Y-%m}"}, field="month") from exc
    return meeting


def meeting_update(*, actor, meeting: MonthlyMeeting, scheduled_on=None, place: str = "") -> MonthlyMeeting:
    require_perm(actor, MANAGE, meeting)
    _require_planned(meeting)
    meeting.scheduled_on, meeting.place = _clean_schedule(meeting.month, scheduled_on, place)
    with transaction.atomic():
        meeting.save(update_fields=["scheduled_on", "place", "updated_at"])
        record_event(meeting, actor=actor, action="edit")
    return meeting


@dataclass(frozen=True)
class Composition:
    items: int
    attendees: int


def expected_attendees(meeting: MonthlyMeeting) -> list[tuple[object, str]]:
    """(user, capacity) of who should attend: members linked to the village or its town, the town's convenors and
    party officials (乡镇干部), the village's convenors and party branch (村“两委”)."""
    village = meeting.unit
    town_path = village.path[: -Unit.steplen]
    on = meeting.scheduled_on or max(meeting.month, min(clock.today(), month_end(meeting.month)))
    seen: dict[int, tuple[object, str]] = {}
    links = (
        MemberLink.objects.filter(active_q(on, "started_on", "ended_on"))
        .filter(Q(unit=village) | Q(unit__path=town_path))
        .select_related("member")
        .order_by("unit__depth", "id")
    )
    for link in links:
        seen.setdefault(link.member_id, (link.member, AttendeeCapacity.MEMBER))
    assignments = (
        RoleAssignment.objects.active(on)
        .filter(role__in=[Role.CONVENOR, Role.APPROVER])
        .filter(Q(unit__path=town_path) | Q(unit=village))
        .select_related("user", "unit")
        .order_by("-unit__depth", "role", "id")
    )
    for a in assignments:
        capacity = AttendeeCapacity.VILLAGE_CADRE if a.unit_id == village.pk else AttendeeCapacity.TOWN_OFFICIAL
        seen.setdefault(a.user_id, (a.user, capacity))
    order = list(AttendeeCapacity.values)
    return sorted(seen.values(), key=lambda pair: (order.index(pair[1]), pair[0].pk))


def meeting_compose(*, actor, meeting: MonthlyMeeting) -> Composition:
    """Draw the agenda from the village's published exercises not yet reviewed at a meeting (up to the end of the
    meeting's month) and list the expected attendees. Running it again adds only what is new."""
    require_perm(actor, MANAGE, meeting)
    _require_planned(meeting)
    end = month_end(meeting.month)
    reviewed = AgendaItem.objects.filter(source=AgendaSource.EXERCISE, disclosure__isnull=False).values("disclosure_id")
    exercises = list(
        Disclosure.objects.filter(unit=meeting.unit, status=DisclosureStatus.PUBLISHED, published_at__date__lte=end)
        .exclude(pk__in=reviewed)
        .order_by("period_start", "id")
    )
    listed = set(Attendance.objects.filter(meeting=meeting, user__isnull=False).values_list("user_id", flat=True))
    attendees = [(u, c) for u, c in expected_attendees(meeting) if u.pk not in listed]
    with transaction.atomic():
        order = _next_order(meeting)
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=meeting,
                source=AgendaSource.EXERCISE,
                title=d.title,
                detail=d.content[:500],
                disclosure=d,
                order=order + i,
            )
            for i, d in enumerate(exercises)
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, user=u, name=u.display_name, capacity=c) for u, c in attendees
        )
        if exercises or attendees:
            record_event(
                meeting, actor=actor, action="compose", data={"items": len(exercises), "attendees": len(attendees)}
            )
    return Composition(len(exercises), len(attendees))


def agenda_item_add(
    *, actor, meeting: MonthlyMeeting, title: str, detail: str = "", idempotency_key: str = ""
) -> AgendaItem:
    require_perm(actor, MANAGE, meeting)
    _require_planned(meeting)
    title = clean_text(title, label=_("议程事项"), field="title", max_length=200)
    detail = clean_text(detail, label=_("说明"), field="detail", max_length=2000, required=False)

    def create() -> AgendaItem:
        with transaction.atomic():
            item = AgendaItem.objects.create(
                meeting=meeting, source=AgendaSource.MATTER, title=title, detail=detail, order=_next_order(meeting)
            )
            record_event(meeting, actor=actor, action="compose", note=title, data={"item": item.pk})
        return item

    return insert_once(key=idempotency_key, sender=sender_of(actor), model=AgendaItem, create=create)


def agenda_item_resolve(*, actor, item: AgendaItem, resolution: str) -> AgendaItem:
    """Record what the meeting agreed on an item (for an objection: the answer the resident sees)."""
    AGENDA_WORKFLOW.check(item, action="resolve", actor=actor)
    _require_planned(item.meeting)
    item.resolution = clean_text(resolution, label=_("议定结果"), field="resolution", max_length=2000)
    AGENDA_WORKFLOW.apply(item, action="resolve", actor=actor, note=item.resolution, extra_update_fields=["resolution"])
    return item


def attendee_add(
    *, actor, meeting: MonthlyMeeting, name: str, capacity: str, note: str = "", idempotency_key: str = ""
) -> Attendance:
    """Someone without a listed account (a residents' representative, a department's officer) joins the list."""
    require_perm(actor, MANAGE, meeting)
    _require_planned(meeting)
    if capacity not in AttendeeCapacity.values:
        raise InvalidInput(_("请选择身份。"), field="capacity")
    name = clean_text(name, label=_("姓名"), field="name", max_length=50)
    note = clean_text(note, label=_("备注"), field="note", max_length=200, required=False)

    def create() -> Attendance:
        with transaction.atomic():
            row = Attendance.objects.create(meeting=meeting, name=name, capacity=capacity, note=note, present=True)
            record_event(meeting, actor=actor, action="attendance", note=name)
        return row

    return insert_once(key=idempotency_key, sender=sender_of(actor), model=Attendance, create=create)


def _carry_open_items(meeting: MonthlyMeeting, actor) -> MonthlyMeeting | None:
    """Items still open go onto the next meeting, each linked to the one it continues."""
    open_items = list(AgendaItem.objects.filter(meeting=meeting, status=AgendaStatus.OPEN).order_by("order", "id"))
    if not open_items:
        return None
    following = next_meeting(meeting.unit)
    order = _next_order(following)
    for i, item in enumerate(open_items):
        item.meeting = meeting  # already loaded: the permission check reads item.unit without a query
        AGENDA_WORKFLOW.apply(item, action="carry", actor=actor, data={"to_meeting": following.pk})
        AgendaItem.objects.create(
            meeting=following,
            source=AgendaSource.CARRIED,
            title=item.title,
            detail=item.detail,
            disclosure_id=item.disclosure_id,
            carried_from=item,
            order=order + i,
        )
    return following


def meeting_hold(
    *, actor, meeting: MonthlyMeeting, held_on, minutes: str, present_ids: Iterable[int]
) -> MonthlyMeeting:
    """Record that the meeting was held: date, minutes, who attended. Items not settled go to the next meeting."""
    MEETING_WORKFLOW.check(meeting, action="hold", actor=actor)
    today = clock.today()
    held_on = clean_date(held_on, label=_("召开日期"), field="held_on")
    last_day = month_end(meeting.month) + timedelta(days=HELD_GRACE_DAYS)
    if held_on < meeting.month or held_on > last_day:
        raise InvalidInput(
            _("召开日期应在 %(first)s 至 %(last)s 之间。") % {"first": meeting.month, "last": last_day},
            field="held_on",
        )
    if held_on > today:
        raise InvalidInput(_("召开日期不能晚于今天。"), field="held_on")
    minutes = clean_text(minutes, label=_("会议纪要"), field="minutes", max_length=10000)
    try:
        present = {int(pk) for pk in present_ids}
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("出席人员不属于本次例会。"), field="present") from exc
    listed = set(Attendance.objects.filter(meeting=meeting).values_list("pk", flat=True))
    if not present <= listed:
        raise InvalidInput(_("出席人员不属于本次例会。"), field="present")
    if not present:
        raise InvalidInput(_("请勾选出席人员。"), field="present")
    with transaction.atomic():
        Attendance.objects.filter(meeting=meeting, pk__in=present).update(present=True)
        Attendance.objects.filter(meeting=meeting).exclude(pk__in=present).update(present=False)
        meeting.held_on, meeting.minutes = held_on, minutes
        MEETING_WORKFLOW.apply(
            meeting,
            action="hold",
            actor=actor,
            data={"present": len(present)},
            extra_update_fields=["held_on", "minutes"],
        )
        _carry_open_items(meeting, actor)
    return meeting


def meeting_cancel(*, actor, meeting: MonthlyMeeting, note: str) -> MonthlyMeeting:
    """Record that the month's meeting did not take place (and why); its agenda moves to the next meeting."""
    note = clean_text(note, label=_("未召开原因"), field="note", max_length=500)
    with transaction.atomic():
        MEETING_WORKFLOW.apply(meeting, action="cancel", actor=actor, note=note)
        _carry_open_items(meeting, actor)
    return meeting


def norm_save(*, actor, county: Unit, started_on, interval_months: int, note: str = "") -> MeetingNorm:
    """Set the county's norm: every village and community holds a meeting every `interval_months` months."""
    require_perm(actor, "villageaffairs.configure_norm", county)
    if county.kind != UnitKind.COUNTY:
        raise InvalidInput(_("月例会制度由区县制定。"), field="county")
    started_on = month_start(clean_date(started_on, label=_("实施日期"), field="started_on"))
    try:
        interval = int(interval_months)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("间隔月数应为 1 至 12 的整数。"), field="interval_months") from exc
    if not 1 <= interval <= 12:
        raise InvalidInput(_("间隔月数应为 1 至 12 的整数。"), field="interval_months")
    note = clean_text(note, label=_("说明"), field="note", max_length=200, required=False)
    with transaction.atomic():
        norm, _created = MeetingNorm.objects.update_or_create(
            county=county, defaults={"started_on": started_on, "interval_months": interval, "note": note}
        )
        record_event(norm, actor=actor, action="edit", unit=county, data={"interval": interval})
        audit.record(audit.CONFIG_CHANGED, actor=actor, subject=norm, unit=county, detail={"action": "edit"})
    return norm


# --- the consultation of form 月例会 ------------------------------------------------------------------------------


def default_consultation_title(meeting: MonthlyMeeting) -> str:
    return _("%(year)d年%(month)d月村务民主协商监督月例会") % {"year": meeting.month.year, "month": meeting.month.month}


def _require_linkable(meeting: MonthlyMeeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise NotPossible(_("本次例会未召开，不能关联协商活动。"))
    if meeting.consultation_id is not None:
        raise NotPossible(_("本次例会已关联协商活动。"))


def meeting_open_consultation(*, actor, meeting: MonthlyMeeting, topics, title: str = "") -> Consultation:
    """Open the month's consultation of form 月例会 on approved topics of the village (the consultations app checks
    that the actor is the village's convenor and that the topics are approved and free) and link it."""
    require_perm(actor, MANAGE, meeting)
    with transaction.atomic():
        current = locked(meeting)
        _require_linkable(current)
        consultation = consultation_create(
            actor=actor,
            unit=current.unit,
            topics=topics,
            form=ConsultationForm.MONTHLY,
            title=title or default_consultation_title(current),
            room=Room.objects.filter(unit=current.unit).order_by("id").first(),
            location=current.place,
        )
        current.consultation = consultation
        current.save(update_fields=["consultation", "updated_at"])
        record_event(current, actor=actor, action="link_consultation", data={"consultation": consultation.pk})
    meeting.consultation = consultation
    return consultation


def meeting_link_consultation(*, actor, meeting: MonthlyMeeting, consultation: Consultation) -> MonthlyMeeting:
    """Link a consultation of form 月例会 already opened in the consultations app for the same village."""
    require_perm(actor, MANAGE, meeting)
    if consultation.unit_id != meeting.unit_id or consultation.form != ConsultationForm.MONTHLY:
        raise InvalidInput(_("只能关联本村（社区）形式为“月例会”的协商活动。"), field="consultation")
    if consultation.status == ConsultationStatus.CANCELLED:
        raise InvalidInput(_("该协商活动已取消。"), field="consultation")
    with transaction.atomic():
        current = locked(meeting)
        _require_linkable(current)
        if MonthlyMeeting.objects.filter(consultation=consultation).exists():
            raise InvalidInput(_("该协商活动已关联其他月例会。"), field="consultation")
        current.consultation = consultation
        current.save(update_fields=["consultation", "updated_at"])
        record_event(current, actor=actor, action="link_consultation", data={"consultation": consultation.pk})
    meeting.consultation = consultation
    return current
