"""Helpers for consultation tests: approved topics (the topics app's stable contract: a Topic row in the APPROVED
state) and consultations driven through the services to any state of the workflow."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from shangliang.consultations import services
from shangliang.consultations.models import Consultation, ConsultationForm, ConsultationStatus, ParticipantKind
from shangliang.people.models import Role
from shangliang.topics.models import Topic, TopicCategory, TopicSource, TopicStatus
from tests.conftest import fresh
from tests.factories import UserFactory, assign

S = ConsultationStatus


def approved_topic(unit, title="小区停车难，希望增加停车位", **kw) -> Topic:
    fields = {
        "source": TopicSource.RESIDENT,
        "description": "晚上车位不够，车辆乱停堵塞消防通道。",
        "status": TopicStatus.APPROVED,
        "category": TopicCategory.LIVELIHOOD,
        **kw,
    }
    return Topic.objects.create(unit=unit, title=title, **fields)


@pytest.fixture
def people(world):
    """Participants with accounts in town T1: two residents (stakeholders), a party member, and the convenor's
    approver; plus a convenor for village V1."""
    ns = SimpleNamespace()
    ns.alice = UserFactory(username="alice", full_name="李阿姨", email="alice@example.cn")
    assign(ns.alice, Role.RESIDENT, world.t1)
    ns.bob = UserFactory(username="bob", full_name="王大伯")
    assign(ns.bob, Role.RESIDENT, world.t1)
    ns.carol = UserFactory(username="carol", full_name="张书记")
    assign(ns.carol, Role.RESIDENT, world.t1)
    ns.v1_convenor = UserFactory(username="v1convenor", full_name="村支书")
    assign(ns.v1_convenor, Role.CONVENOR, world.v1, position="first")
    return ns


def convenor(world):
    return fresh(world.users["convenor"])


def in_future(days=3, hours=0):
    return timezone.now() + timedelta(days=days, hours=hours)


def make(world, people, state=S.DRAFT, *, form=ConsultationForm.MEETING, topic=None, with_list=True) -> Consultation:
    """A consultation of town T1 by its convenor, moved to `state` the way people would."""
    actor = convenor(world)
    topic = topic or approved_topic(world.t1)
    c = services.consultation_create(actor=actor, unit=world.t1, topics=[topic], form=form, room=world.rooms["一镇"])
    if state == S.DRAFT:
        if with_list:
            _list(world, people, c)
        return c
    if state == S.CANCELLED:
        return services.consultation_cancel(actor=actor, consultation=c, note="改期")
    _list(world, people, c)
    services.participants_choose(actor=actor, consultation=c)
    if state == S.PARTICIPANTS_CHOSEN:
        return _reload(c)
    services.research_add(
        actor=actor,
        consultation=c,
        kind="visit",
        title="走访小区住户",
        text="走访 30 户，多数希望划线停车。",
        done_on=timezone.localdate(),
    )
    if state == S.RESEARCH_RECORDED:
        return _reload(c)
    schedule(actor, c)
    if state == S.SCHEDULED:
        return _reload(c)
    services.consultation_open(actor=actor, consultation=c)
    if state == S.IN_SESSION:
        return _reload(c)
    if state in (S.CLOSED_NO_CONSENSUS, S.RECONVENED):
        services.consultation_close(actor=actor, consultation=c, consensus=False, conclusion="分歧较大，需再调研")
        if state == S.RECONVENED:
            services.consultation_reconvene(actor=actor, consultation=c)
        return _reload(c)
    s = services.suggestion_add(actor=actor, consultation=c, text="在小区东侧划设 40 个停车位")
    services.consultation_close(actor=actor, consultation=c, consensus=True, conclusion="同意划线停车")
    if state == S.CLOSED_CONSENSUS:
        return _reload(c)
    services.consultation_submit(actor=actor, consultation=c, level="same", recipients="一镇党委、一镇人民政府")
    if state == S.SUBMITTED:
        return _reload(c)
    services.results_acknowledge(actor=fresh(world.users["approver"]), consultation=_reload(c), note="收悉")
    assert s
    return _reload(c)


def schedule(actor, c, **kw):
    if c.form == ConsultationForm.WRITTEN:
        kw.setdefault("written_deadline", in_future())
    elif c.form == ConsultationForm.ONLINE:
        kw.setdefault("online_closes_at", in_future())
    else:
        kw.setdefault("planned_start", in_future())
    return services.consultation_schedule(actor=actor, consultation=c, **kw)


def _list(world, people, c):
    actor = convenor(world)
    services.participant_add(actor=actor, consultation=c, kind=ParticipantKind.STAKEHOLDER, user=people.alice)
    services.participant_add(actor=actor, consultation=c, kind=ParticipantKind.STAKEHOLDER, user=people.bob)
    services.participant_add(actor=actor, consultation=c, kind=ParticipantKind.PARTY_MEMBER, user=people.carol)
    services.participant_add(actor=actor, consultation=c, kind=ParticipantKind.RESIDENT_REP, name="赵大姐")


def _reload(c) -> Consultation:
    return Consultation.objects.select_related("unit").get(pk=c.pk)


@pytest.fixture
def make_consultation(world, people):
    def build(state=S.DRAFT, **kw):
        c = make(world, people, state, **kw)
        assert c.status == state, (c.status, state)
        return c

    return build


def row(c, user):
    return c.participants.get(user=user)


TODAY = date.today()
