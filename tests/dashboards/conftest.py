"""A small province whose figures are worked out by hand in the tests (see `tree`).

Records are written straight to the tables here (the figures only read them); the cache tests drive the real
services instead, so that every kind of change goes through its event.
"""

from datetime import date, datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from shangliang.consultations.models import (
    Consultation,
    ConsultationForm,
    ConsultationStatus,
    Opinion,
    Outcome,
    Participant,
    ParticipantKind,
    PreConsultationVisit,
    ResearchRecord,
    Suggestion,
    SuggestionStatus,
)
from shangliang.people.models import Role
from shangliang.topics.models import Topic, TopicCategory, TopicSource, TopicStatus
from shangliang.units.models import Assessment, AssessmentResult, RoomStage, StandardItem, UnitKind
from tests.factories import UserFactory, assign, link, make_room, make_standard, make_unit

S = ConsultationStatus


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def topic(unit, when, source=TopicSource.RESIDENT, status=TopicStatus.SUBMITTED, **kw) -> Topic:
    kw = {"title": "议题", "description": "说明", **kw}
    t = Topic.objects.create(unit=unit, source=source, status=status, **kw)
    Topic.objects.filter(pk=t.pk).update(created_at=when)
    t.refresh_from_db()
    return t


def consultation(unit, form, status, held_at=None, outcome="", topics=()) -> Consultation:
    c = Consultation.objects.create(unit=unit, title="协商", form=form, status=status, held_at=held_at, outcome=outcome)
    c.topics.set(topics)
    return c


def participant(c, kind, *, user=None, signed_in=False, opinion="") -> Participant:
    p = Participant.objects.create(
        consultation=c,
        user=user,
        name=user.display_name if user else "某某",
        kind=kind,
        status="confirmed",
        signed_in_at=c.held_at if signed_in else None,
    )
    if opinion:
        Opinion.objects.create(consultation=c, participant=p, text=opinion)
    return p


def assess(room, standard, on: date, failed=()):
    a = Assessment.objects.create(room=room, standard=standard, assessed_on=on, passed=not failed)
    for item in StandardItem.objects.filter(standard=standard):
        AssessmentResult.objects.create(assessment=a, item=item, passed=item.name not in failed)
    return a


@pytest.fixture
def tree(db):
    """Province P → counties A and B. A: town T1 (villages V1, V2), town T2 (village V3, and V4 set up on
    2025-06-01); B: town TB (village VB).

    Rooms (A): T1 built 2022, passed 2023-03-01; V1 pilot 2021, passed 2021-06-01, failed 有设施 2024-05-01;
    V2 planned (2025); V3 built 2023, passed 2023-09-01. B: TB built 2022, passed 2022-06-01.

    Topics (created, local time): V1 2025-01-10 resident approved 民生 (→ C1); V1 2025-01-20 grid rejected 个体矛盾;
    V2 2025-02-05 member merged into the first; T1 2025-04-01 assigned accepted 党政; V3 2025-07-15 resident
    submitted; V1 2024-12-31 23:30 resident submitted; VB 2025-03-03 resident submitted; P 2025-08-08 assigned
    submitted (the province's own).

    Consultations: C1 V1 meeting held 2025-03-12 consensus (topic 1; the member and alice signed in, bob did not;
    suggestions 2 active + 1 withdrawn; research 2025-03-01, visit 2025-03-05); C2 T1 written held 2025-05-20 no
    consensus (carol gave an opinion, dave did not); C3 V3 onsite scheduled (not held); C4 V2 bench held
    2025-11-30 23:59 in session (one resident representative signed in, 1 suggestion); C5 VB meeting held
    2025-06-01 consensus; C6 V1 meeting cancelled.
    """
    p = make_unit("某省", UnitKind.PROVINCE)
    a = make_unit("甲县", UnitKind.COUNTY, p)
    b = make_unit("乙县", UnitKind.COUNTY, p)
    t1 = make_unit("一镇", UnitKind.TOWN, a)
    t2 = make_unit("二镇", UnitKind.TOWN, a)
    v1 = make_unit("一村", UnitKind.VILLAGE, t1)
    v2 = make_unit("二村", UnitKind.VILLAGE, t1)
    v3 = make_unit("三村", UnitKind.VILLAGE, t2)
    v4 = make_unit("四村", UnitKind.VILLAGE, t2, established_on=date(2025, 6, 1))
    tb = make_unit("乙镇", UnitKind.TOWN, b)
    vb = make_unit("乙村", UnitKind.VILLAGE, tb)
    std_a, std_b = make_standard(a), make_standard(b)
    r_t1 = make_room(t1, stage=RoomStage.BUILT, year=2022)
    r_v1 = make_room(v1, stage=RoomStage.PILOT, year=2021)
    make_room(v2, stage=RoomStage.PLANNED, year=2025)
    r_v3 = make_room(v3, stage=RoomStage.BUILT, year=2023)
    r_tb = make_room(tb, stage=RoomStage.BUILT, year=2022)
    assess(r_t1, std_a, date(2023, 3, 1))
    assess(r_v1, std_a, date(2021, 6, 1))
    assess(r_v1, std_a, date(2024, 5, 1), failed=("有设施",))
    assess(r_v3, std_a, date(2023, 9, 1))
    assess(r_tb, std_b, date(2022, 6, 1))

    member = UserFactory(username="wei", full_name="魏委员")
    assign(member, Role.MEMBER, a)
    link(member, v1)
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    carol, dave = UserFactory(username="carol"), UserFactory(username="dave")

    t_1 = topic(v1, local(2025, 1, 10, 9), status=TopicStatus.APPROVED, category=TopicCategory.LIVELIHOOD)
    topic(v1, local(2025, 1, 20, 9), TopicSource.GRID, TopicStatus.REJECTED, rejection_reason="individual_dispute")
    topic(v2, local(2025, 2, 5, 9), TopicSource.MEMBER, TopicStatus.MERGED, merged_into=t_1, submitter=member)
    topic(t1, local(2025, 4, 1, 9), TopicSource.ASSIGNED, TopicStatus.ACCEPTED, category=TopicCategory.PARTY_GOVERNMENT)
    topic(v3, local(2025, 7, 15, 9))
    topic(v1, local(2024, 12, 31, 23, 30))
    topic(vb, local(2025, 3, 3, 9))
    topic(p, local(2025, 8, 8, 9), TopicSource.ASSIGNED)

    c1 = consultation(
        v1, ConsultationForm.MEETING, S.CLOSED_CONSENSUS, local(2025, 3, 12, 10), Outcome.CONSENSUS, [t_1]
    )
    participant(c1, ParticipantKind.MEMBER, user=member, signed_in=True)
    participant(c1, ParticipantKind.STAKEHOLDER, user=alice, signed_in=True)
    participant(c1, ParticipantKind.STAKEHOLDER, user=bob)
    for order, status in enumerate([SuggestionStatus.ACTIVE, SuggestionStatus.ACTIVE, SuggestionStatus.WITHDRAWN], 1):
        Suggestion.objects.create(consultation=c1, order=order, text=f"建议{order}", status=status)
    ResearchRecord.objects.create(consultation=c1, kind="visit", title="走访", text="走访", done_on=date(2025, 3, 1))
    PreConsultationVisit.objects.create(consultation=c1, party="张家", visited_on=date(2025, 3, 5), views="同意")
    c2 = consultation(t1, ConsultationForm.WRITTEN, S.CLOSED_NO_CONSENSUS, local(2025, 5, 20, 9), Outcome.NO_CONSENSUS)
    participant(c2, ParticipantKind.STAKEHOLDER, user=carol, opinion="同意")
    participant(c2, ParticipantKind.STAKEHOLDER, user=dave)
    consultation(v3, ConsultationForm.ONSITE, S.SCHEDULED)
    c4 = consultation(v2, ConsultationForm.BENCH, S.IN_SESSION, local(2025, 11, 30, 23, 59))
    participant(c4, ParticipantKind.RESIDENT_REP, signed_in=True)
    Suggestion.objects.create(consultation=c4, order=1, text="建议")
    consultation(vb, ConsultationForm.MEETING, S.CLOSED_CONSENSUS, local(2025, 6, 1, 9), Outcome.CONSENSUS)
    consultation(v1, ConsultationForm.MEETING, S.CANCELLED)
    return SimpleNamespace(p=p, a=a, b=b, t1=t1, t2=t2, v1=v1, v2=v2, v3=v3, v4=v4, tb=tb, vb=vb, member=member)
