"""The monthly village-affairs meeting (月例会): the next meeting, the agenda drawn from the month's exercises and
residents' objections, attendance of linked members and town officials, holding or cancelling it (open matters go on
to the next meeting), transitions allowed and refused, and the monthly norm."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from shangliang.core import clock
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.models import Event
from shangliang.core.months import add_months, month_start
from shangliang.villageaffairs import selectors, services
from shangliang.villageaffairs.models import (
    AgendaItem,
    AgendaSource,
    AgendaStatus,
    Attendance,
    AttendeeCapacity,
    MeetingNorm,
    MeetingStatus,
    MonthlyMeeting,
)
from shangliang.villageaffairs.services import meetings
from tests.conftest import mobile_visitor
from tests.factories import UserFactory, assign

TODAY = timezone.localdate()
THIS_MONTH = month_start(TODAY)


@pytest.fixture
def meeting(va):
    """This month's meeting of 一村, planned by its town convenor, with one resident objection queued."""
    services.feedback_submit(
        actor=AnonymousUser(),
        disclosure=va.published,
        kind="objection",
        text="名单需要复核",
        visitor=mobile_visitor("13712345678", network="10.0.0.9"),
        contact_consent=True,
    )
    m = MonthlyMeeting.objects.get(unit=va.world.v1)
    meetings.meeting_compose(actor=va.world.users["convenor"], meeting=m)
    return m


def test_composition_draws_the_months_exercises_objections_and_attendees(va, meeting):
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order"))
    assert [(i.source, i.disclosure_id) for i in items] == [
        (AgendaSource.OBJECTION, va.published.pk),
        (AgendaSource.EXERCISE, va.published.pk),
    ]
    # The draft is not public yet: it is not reviewed.
    assert not AgendaItem.objects.filter(disclosure=va.draft).exists()
    attendance = {(a.user.username, a.capacity) for a in Attendance.objects.select_related("user")}
    assert attendance == {
        ("member", AttendeeCapacity.MEMBER),  # linked to the town (area link)
        ("convenor", AttendeeCapacity.TOWN_OFFICIAL),
        ("approver", AttendeeCapacity.TOWN_OFFICIAL),
    }
    # Composing again adds nothing; an exercise published later is added once.
    again = meetings.meeting_compose(actor=va.world.users["convenor"], meeting=meeting)
    assert (again.items, again.attendees) == (0, 0)
    services.disclosure_publish(actor=va.world.users["staff"], disclosure=va.draft)
    assert meetings.meeting_compose(actor=va.world.users["convenor"], meeting=meeting).items == 1
    assert meetings.meeting_compose(actor=va.world.users["convenor"], meeting=meeting).items == 0


def test_a_village_convenor_is_listed_as_village_cadre(va, meeting):
    secretary = UserFactory(username="secretary")
    assign(secretary, "convenor", va.world.v1, position="first")
    meetings.meeting_compose(actor=va.world.users["staff"], meeting=meeting)
    assert Attendance.objects.get(user=secretary).capacity == AttendeeCapacity.VILLAGE_CADRE


def hold(va, meeting, **overrides):
    data = {
        "held_on": TODAY,
        "minutes": "审议低保评议公示，异议经复核属实，决定调整名单。",
        "present_ids": list(Attendance.objects.filter(meeting=meeting).values_list("pk", flat=True)),
    }
    data.update(overrides)
    return meetings.meeting_hold(actor=data.pop("actor", va.world.users["convenor"]), meeting=meeting, **data)


def test_holding_carries_open_matters_to_the_next_meeting(va, meeting):
    objection, review = AgendaItem.objects.filter(meeting=meeting).order_by("order")
    meetings.agenda_item_resolve(actor=va.world.users["convenor"], item=review, resolution="公示无异议部分通过。")
    present = Attendance.objects.get(meeting=meeting, user__username="member")
    hold(va, meeting, present_ids=[present.pk])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.held_on == TODAY
    assert Event.objects.filter(object_id=meeting.pk, action="hold", to_state="held").exists()
    assert list(Attendance.objects.filter(meeting=meeting, present=True)) == [present]
    objection.refresh_from_db()
    assert objection.status == AgendaStatus.CARRIED
    carried = AgendaItem.objects.get(carried_from=objection)
    assert carried.source == AgendaSource.CARRIED and carried.meeting.month == add_months(THIS_MONTH, 1)
    assert carried.meeting.status == MeetingStatus.PLANNED
    # The resident's receipt follows the objection to where it stands now.
    assert selectors.latest_agenda_item(objection.feedback) == carried
    assert selectors.member_meeting_attendance(va.world.users["member"]) == 1
    assert selectors.member_meeting_attendance(va.world.users["convenor"]) == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"minutes": "  "}, "minutes", "请填写会议纪要。"),
        ({"present_ids": []}, "present", "请勾选出席人员。"),
        ({"present_ids": [999999]}, "present", "出席人员不属于本次例会。"),
        ({"present_ids": ["x"]}, "present", "出席人员不属于本次例会。"),
        ({"held_on": TODAY + timedelta(days=1)}, "held_on", "召开日期不能晚于今天。"),
        ({"held_on": THIS_MONTH - timedelta(days=1)}, "held_on", "召开日期应在"),
        ({"held_on": "yesterday"}, "held_on", "召开日期格式不正确。"),
    ],
)
def test_holding_with_bad_input_changes_nothing(va, meeting, overrides, field, message):
    with pytest.raises(InvalidInput) as caught:
        hold(va, meeting, **overrides)
    assert caught.value.field == field and message in str(caught.value.message)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and meeting.minutes == ""
    assert not Attendance.objects.filter(present=True).exists()
    assert AgendaItem.objects.filter(status=AgendaStatus.OPEN).count() == 2


def test_meeting_transitions_refused(va, meeting):
    with pytest.raises(NotAllowed):
        hold(va, meeting, actor=va.world.users["liaison"])
    with pytest.raises(NotAllowed):
        hold(va, meeting, actor=va.world.users["member"])
    hold(va, meeting)
    with pytest.raises(NotPossible) as caught:
        hold(va, meeting)
    assert "已召开" in str(caught.value.message)
    with pytest.raises(NotPossible):
        meetings.meeting_cancel(actor=va.world.users["convenor"], meeting=meeting, note="下雨")
    with pytest.raises(NotPossible):
        meetings.meeting_compose(actor=va.world.users["convenor"], meeting=meeting)
    with pytest.raises(NotPossible):
        meetings.agenda_item_add(actor=va.world.users["convenor"], meeting=meeting, title="补充事项")


def test_resolving_needs_a_resolution_and_an_open_item(va, meeting):
    item = AgendaItem.objects.filter(meeting=meeting).first()
    with pytest.raises(InvalidInput):
        meetings.agenda_item_resolve(actor=va.world.users["convenor"], item=item, resolution=" ")
    with pytest.raises(NotAllowed):
        meetings.agenda_item_resolve(actor=va.world.users["approver"], item=item, resolution="同意")
    meetings.agenda_item_resolve(actor=va.world.users["convenor"], item=item, resolution="同意")
    with pytest.raises(NotPossible):
        meetings.agenda_item_resolve(actor=va.world.users["convenor"], item=item, resolution="再议")


def test_a_meeting_not_held_needs_a_reason_and_passes_its_agenda_on(va, meeting):
    with pytest.raises(InvalidInput):
        meetings.meeting_cancel(actor=va.world.users["convenor"], meeting=meeting, note="")
    meetings.meeting_cancel(actor=va.world.users["convenor"], meeting=meeting, note="村“两委”换届")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    following = MonthlyMeeting.objects.get(unit=va.world.v1, status=MeetingStatus.PLANNED)
    assert following.agenda_items.count() == 2


def test_planning_a_meeting(va):
    convenor = va.world.users["convenor"]
    month = add_months(THIS_MONTH, 2)
    m = meetings.meeting_plan(
        actor=convenor, unit=va.world.v1, month=f"{month:%Y-%m}", scheduled_on=month + timedelta(days=4), place="村部"
    )
    assert (m.month, m.status, m.place) == (month, MeetingStatus.PLANNED, "村部")
    assert m.agenda_items.filter(source=AgendaSource.EXERCISE).count() == 1
    with pytest.raises(InvalidInput) as caught:
        meetings.meeting_plan(actor=convenor, unit=va.world.v1, month=month)
    assert "已经登记" in str(caught.value.message)
    with pytest.raises(InvalidInput) as caught:
        meetings.meeting_plan(
            actor=convenor, unit=va.world.v1, month=add_months(month, 1), scheduled_on=month + timedelta(days=1)
        )
    assert caught.value.field == "scheduled_on"
    with pytest.raises(InvalidInput):
        meetings.meeting_plan(actor=convenor, unit=va.world.t1, month=month)  # a town holds no 月例会
    with pytest.raises(NotAllowed):
        meetings.meeting_plan(actor=convenor, unit=va.world.v3, month=month)  # outside the convenor's town
    assert MonthlyMeeting.objects.count() == 1


def test_the_next_meeting_is_the_earliest_planned_one(va):
    later = MonthlyMeeting.objects.create(unit=va.world.v1, month=add_months(THIS_MONTH, 3))
    earlier = MonthlyMeeting.objects.create(unit=va.world.v1, month=add_months(THIS_MONTH, 1))
    assert meetings.next_meeting(va.world.v1) == earlier
    earlier.status = MeetingStatus.HELD
    earlier.save()
    assert meetings.next_meeting(va.world.v1) == later


# --- the norm: monthly for every village and community of a county that adopted it ------------------------------


def test_norm_status_against_hand_counted_meetings(world):
    MeetingNorm.objects.create(county=world.a, started_on=date(2024, 4, 1), interval_months=1)
    held = {world.v1: range(1, 13), world.v2: range(4, 9)}  # v1 every month of 2024; v2 April to August; v3 none
    for unit, months in held.items():
        for m in months:
            MonthlyMeeting.objects.create(unit=unit, month=date(2024, m, 1), status=MeetingStatus.HELD)
    MonthlyMeeting.objects.create(unit=world.v3, month=date(2024, 5, 1), status=MeetingStatus.CANCELLED)
    with clock.frozen(date(2025, 2, 1)):
        status = selectors.norm_status(world.a, year=2024)
    rows = {r.unit.name: (r.expected, r.held, r.behind) for r in status.rows}
    # April to December: 9 months due; v1's three meetings before the norm do not make up for anything.
    assert rows == {"一村": (9, 12, False), "二村": (9, 5, True), "三村": (9, 0, True)}
    assert (status.expected, status.held, len(status.behind)) == (27, 9 + 5, 2)
    assert round(status.percent) == 52
    # During 2024, on 15 July: April, May and June are due.
    with clock.frozen(date(2024, 7, 15)):
        mid = selectors.norm_status(world.a, year=2024)
    assert {r.unit.name: r.expected for r in mid.rows} == {"一村": 3, "二村": 3, "三村": 3}
    # Every two months: April–December is 9 months, so 5 meetings are due.
    MeetingNorm.objects.filter(county=world.a).update(interval_months=2)
    with clock.frozen(date(2025, 2, 1)):
        assert {r.expected for r in selectors.norm_status(world.a, year=2024).rows} == {5}
    # A town sees its own villages; county B has no norm, so nothing is due there.
    with clock.frozen(date(2025, 1, 1)):
        assert [r.unit.name for r in selectors.norm_status(world.t1, year=2024).rows] == ["一村", "二村"]
    assert selectors.norm_status(world.b, year=2024).rows == []


def test_norm_configuration_by_county_staff(world):
    norm = meetings.norm_save(
        actor=world.users["staff"], county=world.a, started_on=date(2024, 4, 9), interval_months=1
    )
    assert norm.started_on == date(2024, 4, 1)
    with pytest.raises(InvalidInput):
        meetings.norm_save(actor=world.users["staff"], county=world.a, started_on=date(2024, 4, 1), interval_months=0)
    with pytest.raises(NotAllowed):
        meetings.norm_save(
            actor=world.users["convenor"], county=world.a, started_on=date(2024, 4, 1), interval_months=1
        )
    assert MeetingNorm.objects.get().interval_months == 1
