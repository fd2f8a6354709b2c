"""The agendas, outcomes and attendance of the demo county's monthly meetings (part of the village-affairs step in
`villageaffairs`): disclosed exercises reviewed at the first meeting after their publication, residents' objections
at the first meeting after they were made, other matters; what a meeting did not settle, or a meeting not held,
passes to the next one; the meetings still to come (this month's, if not held yet, and next month's) are prepared
with what waits for them, still open.
"""

# ruff: noqa: E501 -- the templates are Chinese text, easier read on one line each.
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from shangliang.core import clock
from shangliang.core.months import next_month
from shangliang.villageaffairs.models import (
    AgendaItem,
    AgendaSource,
    AgendaStatus,
    Attendance,
    AttendeeCapacity,
    DisclosureStatus,
    FeedbackKind,
    MeetingStatus,
    MonthlyMeeting,
)

from .eventlog import at as _at

RESOLUTIONS = [
    "经村务监督委员会入户核实，情况属实，已按程序调整并重新公示。",
    "经核查，原公示符合规定，已由包村干部当面向反映人解释说明，反映人表示认可。",
    "会议决定由村务监督委员会牵头复核，复核结果下月例会通报。",
    "已与施工单位协商，剩余款项待竣工验收后再行支付。",
]
REVIEW_RESOLUTION = "与会人员审议了公示内容，无异议，同意按程序实施。"
MATTERS = [
    ("春耕生产和农资供应安排", "讨论统一采购种子化肥、组织机械代耕。"),
    ("秸秆禁烧和离田利用", "明确各屯网格员包片巡查，秸秆打包离田。"),
    ("村规民约修订", "征求各屯意见后提交村民代表会议表决。"),
    ("汛期防汛值守安排", "明确值班表和转移避险路线。"),
    ("冬季清雪分工", "按屯分片，党员和志愿者带头清雪。"),
    ("人居环境整治“门前三包”", "检查评比结果公开，落后户由网格员上门督促。"),
    ("村卫生室医生排班", "协调镇卫生院每周下村坐诊一次。"),
]
MEMBER_ATTENDS = 0.85
TOWN_OFFICIAL_ATTENDS = 0.75


def _linked_member(v, on: date):
    for link in v.links:
        if link.started_on <= on and (link.ended_on is None or link.ended_on > on):
            return link.member
    return None


def _resolution(rng, item) -> str:
    if item.source == AgendaSource.EXERCISE:
        return REVIEW_RESOLUTION
    if item.source == AgendaSource.MATTER:
        return "会议议定：" + item.detail
    return rng.choice(RESOLUTIONS)


def build_agendas(rng, book, villages, meetings, disclosures, feedback, log, today) -> None:
    by_village = defaultdict(list)
    for d in disclosures:
        if d.status == DisclosureStatus.PUBLISHED:
            by_village[d.unit_id].append(d)
    objections = defaultdict(list)
    for f in feedback:
        if f.kind == FeedbackKind.OBJECTION:
            objections[f.disclosure.unit_id].append(f)
    items, attendance, later = [], [], []
    # A meeting after the last one planned, for what nothing planned can take (rarely needed: next month's is).
    next_year: dict[int, MonthlyMeeting] = {}

    def after_last(unit):
        last = max(m.month for m in meetings[unit.pk])
        return MonthlyMeeting(unit=unit, month=next_month(last), place=f"{unit.name}协商议事室")

    def meeting_day(m):
        return m.held_on or m.scheduled_on

    for v in villages:
        ms = meetings[v.unit.pk]
        order = defaultdict(int)

        def add_item(m, order=order, **fields):
            order[m.month] += 1
            item = AgendaItem(meeting=m, order=order[m.month], **fields)
            items.append(item)
            return item

        def first_after(day, ms=ms):
            return next((m for m in ms if meeting_day(m) >= day), None)

        for d in sorted(by_village[v.unit.pk], key=lambda d: d.period_start):
            m = first_after(d.period_start)
            if m is not None:
                add_item(m, source=AgendaSource.EXERCISE, title=d.title, detail=d.content[:500], disclosure=d)
        for f in sorted(objections[v.unit.pk], key=lambda f: f.demo_day):
            m = first_after(f.demo_day)
            if m is None:
                # The last meeting planned has met already: the objection waits for the one after.
                if v.unit.pk not in next_year:
                    next_year[v.unit.pk] = after_last(v.unit)
                later.append((next_year[v.unit.pk], f))
                continue
            add_item(
                m,
                source=AgendaSource.OBJECTION,
                title=f.disclosure.title,
                detail=f.text,
                disclosure=f.disclosure,
                feedback=f,
            )
        for m in ms:
            if m.status == MeetingStatus.HELD:
                for title, detail in rng.sample(MATTERS, rng.randint(1, 2)):
                    add_item(m, source=AgendaSource.MATTER, title=title, detail=detail)
    # Outcomes: a held meeting settles its items (an objection sometimes needs a second look next month); a meeting
    # not held passes them on, to the next one held or still to come (then they wait there, open); a meeting still
    # to come keeps its items open.
    to_carry = []  # (item, the meeting it goes to)
    for item in items:
        m = item.meeting
        if m.status == MeetingStatus.PLANNED:
            continue
        following = next(
            (x for x in meetings[m.unit_id] if x.month > m.month and x.status != MeetingStatus.CANCELLED), None
        )
        again = item.source == AgendaSource.OBJECTION and following is not None and rng.random() < 0.2
        if m.status == MeetingStatus.HELD and not again:
            item.status = AgendaStatus.RESOLVED
            item.resolution = _resolution(rng, item)
            continue
        item.status = AgendaStatus.CARRIED
        if following is None:
            following = next_year.setdefault(m.unit_id, after_last(m.unit))
        to_carry.append((item, following))
    AgendaItem.objects.bulk_create(items, batch_size=500)
    for item in items:
        if item.status == AgendaStatus.RESOLVED:
            log.add(
                item,
                _at(item.meeting.held_on, 11),
                "resolve",
                unit=item.meeting.unit,
                from_state="open",
                to_state="resolved",
                note=item.resolution,
                public=True,
            )
    # A meeting after the last planned one, where needed: prepared, not held yet.
    MonthlyMeeting.objects.bulk_create(next_year.values())
    next_order = defaultdict(lambda: 90)
    carried = []
    for item, following in to_carry:
        settled = following.status == MeetingStatus.HELD
        next_order[following.pk] += 1
        carried.append(
            AgendaItem(
                meeting=following,
                source=AgendaSource.CARRIED,
                title=item.title,
                detail=item.detail,
                disclosure_id=item.disclosure_id,
                carried_from=item,
                order=next_order[following.pk],
                status=AgendaStatus.RESOLVED if settled else AgendaStatus.OPEN,
                resolution=_resolution(rng, item) if settled else "",
            )
        )
        day = item.meeting.held_on or item.meeting.scheduled_on
        log.add(
            item,
            _at(day, 12),
            "carry",
            unit=item.meeting.unit,
            from_state="open",
            to_state="carried",
            public=True,
            data={"to_meeting": following.pk},
        )
    AgendaItem.objects.bulk_create(carried, batch_size=500)
    for c in carried:
        if c.status == AgendaStatus.RESOLVED:
            log.add(
                c,
                _at(c.meeting.held_on, 11),
                "resolve",
                unit=c.meeting.unit,
                from_state="open",
                to_state="resolved",
                note=c.resolution,
                public=True,
            )
    pending = defaultdict(int)
    waiting = []
    for m, f in later:
        pending[m.unit_id] += 1
        waiting.append(
            AgendaItem(
                meeting=m,
                order=pending[m.unit_id],
                source=AgendaSource.OBJECTION,
                title=f.disclosure.title,
                detail=f.text,
                disclosure=f.disclosure,
                feedback=f,
            )
        )
    AgendaItem.objects.bulk_create(waiting)
    # Attendance: the linked member, the town's first convenor, the village's party secretary, residents' reps.
    by_unit = {v.unit.pk: v for v in villages}
    for ms in meetings.values():
        for m in ms:
            v = by_unit[m.unit_id]
            day = meeting_day(m)
            held = m.status == MeetingStatus.HELD
            if m.status == MeetingStatus.PLANNED:  # still to come: prepared, nobody recorded yet
                planned = min(_at(day - timedelta(days=7), 9), _at(today, 7), clock.now())
                log.add(m, planned, "plan", actor=v.secretary, to_state="planned")
                continue
            member = _linked_member(v, day)
            people = []
            if member is not None:
                people.append((member, AttendeeCapacity.MEMBER, held and rng.random() < MEMBER_ATTENDS))
            if v.town_official is not None:
                people.append(
                    (v.town_official, AttendeeCapacity.TOWN_OFFICIAL, held and rng.random() < TOWN_OFFICIAL_ATTENDS)
                )
            if v.secretary is not None and v.secretary != member:
                people.append((v.secretary, AttendeeCapacity.VILLAGE_CADRE, held))
            seen = set()
            for user, capacity, present in people:
                if user.pk in seen:
                    continue
                seen.add(user.pk)
                attendance.append(
                    Attendance(meeting=m, user=user, name=user.display_name, capacity=capacity, present=present)
                )
            if held:
                for _i in range(rng.randint(2, 4)):
                    attendance.append(
                        Attendance(meeting=m, name=book.person(), capacity=AttendeeCapacity.RESIDENT_REP, present=True)
                    )
            log.add(m, _at(day - timedelta(days=7), 9), "plan", actor=v.secretary, to_state="planned")
            log.add(m, _at(day, 8), "compose", actor=v.secretary)
            if held:
                log.add(m, _at(day, 16), "hold", actor=v.secretary, from_state="planned", to_state="held", public=True)
            else:
                log.add(
                    m,
                    _at(day, 16),
                    "cancel",
                    actor=v.secretary,
                    from_state="planned",
                    to_state="cancelled",
                    public=True,
                    note="农忙时节，群众集中外出务工，改在下月一并召开",
                )
    Attendance.objects.bulk_create(attendance, batch_size=1000)
