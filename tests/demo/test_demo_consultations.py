"""The demo county's consultations: every state and every form, on approved topics, consistent, loaded once."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shangliang.consultations.models import Consultation, ConsultationForm, ConsultationStatus, FrequencyNorm
from shangliang.consultations.workflow import CONSULTATION_WORKFLOW
from shangliang.core.events import timeline
from shangliang.demo import consultations as demo_consultations
from shangliang.people.models import User
from shangliang.topics.models import TopicStatus


@pytest.fixture
def consultations(demo, db):
    return list(Consultation.objects.select_related("unit").prefetch_related("topics").order_by("pk"))


def test_every_state_and_every_form(consultations):
    assert {c.status for c in consultations} == set(ConsultationStatus.values)
    assert {c.form for c in consultations} == set(ConsultationForm.values)


def test_on_approved_topics_of_their_own_unit(consultations):
    for c in consultations:
        topics = list(c.topics.all())
        assert topics, c.title
        for t in topics:
            assert t.status == TopicStatus.APPROVED and t.unit_id == c.unit_id, (c.title, t.title)


def test_timelines_follow_the_workflow(consultations):
    for c in consultations:
        state = ConsultationStatus.DRAFT
        for e in timeline(c):
            if e.to_state and e.action != "create":
                t = CONSULTATION_WORKFLOW.transition_for(state, e.action)
                assert t is not None and t.target == e.to_state, (c.title, state, e.action)
                state = e.to_state
        assert state == c.status, c.title
        if c.held_at:
            research = c.research.order_by("done_on").first()
            held_on = timezone.localtime(c.held_at).date()
            assert research is not None and research.done_on <= held_on, c.title  # 不调研不协商


def test_reconvened_and_results(consultations):
    reconvened = [c for c in consultations if c.status == ConsultationStatus.RECONVENED]
    assert reconvened and reconvened[0].reconvened_as.reconvene_count == 1
    acknowledged = [c for c in consultations if c.status == ConsultationStatus.ACKNOWLEDGED]
    assert all(c.submission.acknowledged_at for c in acknowledged)
    submitted = next(c for c in consultations if c.status == ConsultationStatus.SUBMITTED)
    approver = User.objects.get(username="demo_approver")
    assert approver.has_perm("consultations.acknowledge_results", submitted)  # escalated to the demo town
    assert FrequencyNorm.objects.count() == 2


def test_loading_again_adds_nothing(demo, db):
    before = Consultation.objects.count()
    assert demo_consultations.build_consultations(None) is False
    assert Consultation.objects.count() == before


def test_demo_accounts_find_their_consultations(demo, db):
    client = Client()
    client.force_login(User.objects.get(username="demo_convenor"))
    live = Consultation.objects.get(unit__name="绥阳镇", status=ConsultationStatus.IN_SESSION)
    assert client.get(reverse("consultations:meeting", args=[live.pk])).status_code == 200
    assert client.get(reverse("units:detail", args=[live.unit_id])).status_code == 200
    client.force_login(User.objects.get(username="demo_resident"))
    html = client.get(reverse("consultations:mine")).content.decode()
    assert live.title in html
    assert client.get(reverse("consultations:take_part", args=[live.pk])).status_code == 200
    client.force_login(User.objects.get(username="demo_staff"))
    county = live.unit.county
    assert client.get(reverse("consultations:rules", args=[county.pk])).status_code == 200
