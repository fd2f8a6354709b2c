"""A monthly meeting runs as a consultation of form 月例会 (consultations app), opened or linked through that app's
public service; the consultations app keeps its own rules (the village's convenor opens it, on approved topics)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from shangliang.consultations.models import Consultation, ConsultationForm, ConsultationStatus
from shangliang.consultations.services import consultation_create
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.topics.models import Topic, TopicCategory, TopicSource, TopicStatus
from shangliang.villageaffairs.models import MonthlyMeeting
from shangliang.villageaffairs.services import meetings
from tests.conftest import fresh
from tests.factories import UserFactory, assign


def approved_topic(unit, title="村道路灯不亮，夜间出行不便"):
    return Topic.objects.create(
        unit=unit,
        title=title,
        description="村东头至学校一段路灯损坏。",
        source=TopicSource.RESIDENT,
        status=TopicStatus.APPROVED,
        category=TopicCategory.LIVELIHOOD,
    )


@pytest.fixture
def setup(va):
    secretary = UserFactory(username="secretary", full_name="村支书")
    assign(secretary, "convenor", va.world.v1, position="first")
    meeting = MonthlyMeeting.objects.create(unit=va.world.v1, month=timezone.localdate().replace(day=1), place="村部")
    return va, fresh(secretary), meeting


def test_the_village_convenor_opens_the_months_consultation(setup):
    va, secretary, meeting = setup
    topic = approved_topic(va.world.v1)
    c = meetings.meeting_open_consultation(actor=secretary, meeting=meeting, topics=[topic])
    meeting.refresh_from_db()
    assert meeting.consultation == c
    assert (c.form, c.unit_id, c.status, c.location) == (ConsultationForm.MONTHLY, va.world.v1.pk, "draft", "村部")
    assert c.title.endswith("村务民主协商监督月例会") and list(c.topics.all()) == [topic]
    with pytest.raises(NotPossible):
        meetings.meeting_open_consultation(
            actor=secretary, meeting=meeting, topics=[approved_topic(va.world.v1, "另一")]
        )


def test_the_consultations_rules_still_apply(setup):
    va, secretary, meeting = setup
    topic = approved_topic(va.world.v1)
    # The town convenor manages the village's meeting, but only the village's own convenor runs its consultations.
    with pytest.raises(NotAllowed):
        meetings.meeting_open_consultation(actor=fresh(va.world.users["convenor"]), meeting=meeting, topics=[topic])
    with pytest.raises(InvalidInput):  # no approved topic, no consultation
        meetings.meeting_open_consultation(actor=secretary, meeting=meeting, topics=[])
    other = approved_topic(va.world.v2)
    with pytest.raises(InvalidInput):
        meetings.meeting_open_consultation(actor=secretary, meeting=meeting, topics=[other])
    meeting.refresh_from_db()
    assert meeting.consultation is None and not Consultation.objects.exists()


def test_linking_an_existing_monthly_consultation(setup):
    va, secretary, meeting = setup
    c = consultation_create(
        actor=secretary, unit=va.world.v1, topics=[approved_topic(va.world.v1)], form=ConsultationForm.MONTHLY
    )
    plain = consultation_create(
        actor=secretary, unit=va.world.v1, topics=[approved_topic(va.world.v1, "b")], form=ConsultationForm.MEETING
    )
    with pytest.raises(InvalidInput):
        meetings.meeting_link_consultation(actor=secretary, meeting=meeting, consultation=plain)
    with pytest.raises(NotAllowed):
        meetings.meeting_link_consultation(actor=fresh(va.world.users["member"]), meeting=meeting, consultation=c)
    meetings.meeting_link_consultation(actor=fresh(va.world.users["convenor"]), meeting=meeting, consultation=c)
    assert MonthlyMeeting.objects.get(pk=meeting.pk).consultation == c
    later = MonthlyMeeting.objects.create(unit=va.world.v1, month=meeting.month.replace(year=meeting.month.year + 1))
    with pytest.raises(InvalidInput):
        meetings.meeting_link_consultation(actor=secretary, meeting=later, consultation=c)


def test_the_meeting_page_opens_and_shows_the_consultation(client, setup):
    va, secretary, meeting = setup
    topic = approved_topic(va.world.v1)
    client.force_login(secretary)
    page = client.get(reverse("villageaffairs:meeting", args=[meeting.pk])).content.decode()
    assert "发起月例会协商" in page and topic.title in page
    response = client.post(reverse("villageaffairs:consultation_open", args=[meeting.pk]), {"topics": [topic.pk]})
    c = Consultation.objects.get()
    assert response["Location"] == reverse("consultations:participants", args=[c.pk])
    page = client.get(reverse("villageaffairs:meeting", args=[meeting.pk])).content.decode()
    assert reverse("consultations:detail", args=[c.pk]) in page and c.get_status_display() in page
    assert c.status == ConsultationStatus.DRAFT
