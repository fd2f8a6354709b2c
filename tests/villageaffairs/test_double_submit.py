"""Issue 12, class 7: the monthly meeting's agenda-item and attendee forms sent twice store one row; a resident's
feedback key resent by someone else never returns that resident's receipt."""

from uuid import uuid4

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from shangliang.villageaffairs import services
from shangliang.villageaffairs.models import AgendaItem, Attendance, Feedback, MonthlyMeeting
from tests.conftest import mobile_visitor

pytestmark = pytest.mark.django_db


def test_agenda_item_and_attendee_forms_sent_twice_store_one(client, va):
    services.feedback_submit(
        actor=AnonymousUser(),
        disclosure=va.published,
        kind="objection",
        text="名单需要复核",
        visitor=mobile_visitor("13712345678", network="10.0.0.9"),
        contact_consent=True,
    )
    meeting = MonthlyMeeting.objects.get(unit=va.world.v1)  # the objection put it on this month's meeting
    client.force_login(va.world.users["convenor"])
    page = client.get(reverse("villageaffairs:meeting", args=[meeting.pk])).content.decode()
    assert page.count('name="idempotency_key"') >= 2
    items = AgendaItem.objects.filter(meeting=meeting).count()
    item = {"title": "村道维修", "detail": "", "idempotency_key": uuid4().hex}
    attendee = {"name": "王大爷", "capacity": "resident_rep", "note": "", "idempotency_key": uuid4().hex}
    for _i in range(2):
        client.post(reverse("villageaffairs:agenda_add", args=[meeting.pk]), item)
        client.post(reverse("villageaffairs:attendee_add", args=[meeting.pk]), attendee)
    assert AgendaItem.objects.filter(meeting=meeting).count() == items + 1
    assert Attendance.objects.filter(meeting=meeting, name="王大爷").count() == 1


def submit(va, mobile, key):
    return services.feedback_submit(
        actor=AnonymousUser(),
        disclosure=va.published,
        kind="comment",
        text="请公开补助名单",
        visitor=mobile_visitor(mobile, network="10.0.0.1"),
        contact_consent=True,
        idempotency_key=key,
    )


def test_a_feedback_key_is_bound_to_its_sender(va):
    key = uuid4().hex
    mine = submit(va, "13912345678", key)
    assert submit(va, "13912345678", key).pk == mine.pk  # my own resend: my receipt
    theirs = submit(va, "13800001111", key)  # someone else with my key: their own submission
    assert theirs.pk != mine.pk and theirs.receipt_code != mine.receipt_code
    assert Feedback.objects.count() == 2
