"""The consultation workflow: every state reachable, each step allowed or refused with the right answer, the
research gate (不调研不协商), sign-in (twice is idempotent), consensus rules, reconvening, submission."""

import pytest
from django.core import mail

from shangliang.consultations import services
from shangliang.consultations.models import (
    Consultation,
    ConsultationForm,
    ConsultationStatus,
    InvitationStatus,
    Outcome,
    ParticipantKind,
)
from shangliang.consultations.workflow import CONSULTATION_WORKFLOW
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import timeline
from shangliang.notifications.models import Notification
from tests.conftest import fresh
from tests.consultations.conftest import approved_topic, convenor, in_future, row, schedule

S = ConsultationStatus


@pytest.mark.parametrize("state", list(S.values))
def test_every_state_is_reachable(make_consultation, state):
    c = make_consultation(state)
    assert c.status == state


def test_the_table_has_one_row_per_step_and_every_state_is_a_target():
    targets = {t.target for t in CONSULTATION_WORKFLOW.transitions} | {S.DRAFT}
    assert targets == set(S.values)


def test_each_step_writes_one_event(make_consultation):
    c = make_consultation(S.ACKNOWLEDGED)
    steps = [e.action for e in timeline(c) if e.to_state]
    assert steps == [
        "create",
        "choose_participants",
        "record_research",
        "schedule",
        "open",
        "close_consensus",
        "submit",
        "acknowledge",
    ]


def test_research_gate_refuses_scheduling_without_research(world, make_consultation):
    c = make_consultation(S.PARTICIPANTS_CHOSEN)
    with pytest.raises(NotPossible, match="不调研不协商"):
        schedule(convenor(world), c)
    c.refresh_from_db()
    assert c.status == S.PARTICIPANTS_CHOSEN and c.planned_start is None
    assert not c.participants.filter(status=InvitationStatus.INVITED).exists()


def test_draft_cannot_be_scheduled_or_researched(world, make_consultation):
    c = make_consultation(S.DRAFT)
    with pytest.raises(NotPossible, match="请先确定参加人员"):
        schedule(convenor(world), c)
    with pytest.raises(NotPossible, match="请先确定参加人员"):
        services.research_add(
            actor=convenor(world),
            consultation=c,
            kind="survey",
            title="问卷",
            text="发放问卷",
            done_on=None or __import__("datetime").date.today(),
        )


def test_first_research_record_moves_the_state_on(world, make_consultation):
    c = make_consultation(S.PARTICIPANTS_CHOSEN)
    services.research_add(
        actor=convenor(world),
        consultation=c,
        kind="policy_brief",
        title="停车政策",
        text="解读停车管理办法",
        done_on=__import__("datetime").date.today(),
    )
    c.refresh_from_db()
    assert c.status == S.RESEARCH_RECORDED
    # A second record changes nothing else.
    services.research_add(
        actor=convenor(world),
        consultation=c,
        kind="survey",
        title="问卷",
        text="回收 50 份",
        done_on=__import__("datetime").date.today(),
    )
    c.refresh_from_db()
    assert c.status == S.RESEARCH_RECORDED and c.research.count() == 2


def test_scheduling_invites_everyone_and_tells_them(
    world, people, make_consultation, django_capture_on_commit_callbacks
):
    c = make_consultation(S.RESEARCH_RECORDED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        schedule(convenor(world), c)
    assert set(c.participants.values_list("status", flat=True)) == {InvitationStatus.INVITED}
    told = set(Notification.objects.filter(verb="consultation.invited").values_list("user__username", flat=True))
    assert told == {"alice", "bob", "carol"}
    assert any("alice@example.cn" in m.to for m in mail.outbox)


def test_schedule_needs_a_future_time(world, make_consultation):
    from datetime import timedelta

    from django.utils import timezone

    c = make_consultation(S.RESEARCH_RECORDED)
    with pytest.raises(InvalidInput, match="请填写协商时间"):
        services.consultation_schedule(actor=convenor(world), consultation=c)
    with pytest.raises(InvalidInput, match="不能早于现在"):
        services.consultation_schedule(
            actor=convenor(world), consultation=c, planned_start=timezone.now() - timedelta(hours=1)
        )
    with pytest.raises(InvalidInput, match="结束时间必须晚于开始时间"):
        services.consultation_schedule(
            actor=convenor(world), consultation=c, planned_start=in_future(2), planned_end=in_future(1)
        )
    c.refresh_from_db()
    assert c.status == S.RESEARCH_RECORDED


def test_written_consultation_needs_a_deadline_and_no_signin(world, people, make_consultation):
    c = make_consultation(S.IN_SESSION, form=ConsultationForm.WRITTEN)
    assert c.written_deadline is not None
    with pytest.raises(NotPossible, match="不需要签到"):
        services.sign_in_by_code(actor=fresh(people.alice), code=c.signin_code)
    # Opinions come in writing, without signing in.
    services.opinion_record(
        actor=fresh(people.alice), consultation=c, participant_id=row(c, people.alice).pk, text="同意，但请保留绿地"
    )
    assert c.opinions.get().text == "同意，但请保留绿地"


def test_written_opinions_refused_after_the_deadline(world, people, make_consultation):
    from datetime import timedelta

    from django.utils import timezone

    c = make_consultation(S.IN_SESSION, form=ConsultationForm.WRITTEN)
    Consultation.objects.filter(pk=c.pk).update(written_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(NotPossible, match="截止"):
        services.opinion_record(
            actor=fresh(people.alice), consultation=c, participant_id=row(c, people.alice).pk, text="迟到的意见"
        )


def test_signing_in_twice_is_idempotent(world, people, make_consultation):
    c = make_consultation(S.IN_SESSION)
    p, already = services.sign_in_by_code(actor=fresh(people.alice), code=c.signin_code)
    assert not already and p.signed_in_at is not None
    first = p.signed_in_at
    p2, already = services.sign_in_by_code(actor=fresh(people.alice), code=c.signin_code)
    assert already and p2.signed_in_at == first
    assert timeline(c).filter(action="sign_in").count() == 1
    # The convenor ticking someone already signed in is the same answer.
    _p, already = services.sign_in_by_convenor(actor=convenor(world), consultation=c, participant_id=p.pk)
    assert already


def test_signing_in_before_the_meeting_opens_or_after_it_closes(world, people, make_consultation):
    c = make_consultation(S.SCHEDULED)
    with pytest.raises(NotPossible, match="尚未开始"):
        services.sign_in_by_code(actor=fresh(people.alice), code=c.signin_code)
    closed = make_consultation(S.CLOSED_NO_CONSENSUS)
    with pytest.raises(NotPossible, match="已经结束"):
        services.sign_in_by_code(actor=fresh(people.alice), code=closed.signin_code)


def test_someone_not_on_the_list_cannot_sign_in(world, people, make_consultation):
    c = make_consultation(S.IN_SESSION)
    with pytest.raises(NotAllowed, match="不在本次协商的参加人员名单中"):
        services.sign_in_by_code(actor=fresh(world.users["stranger"]), code=c.signin_code)
    with pytest.raises(NotPossible, match="签到码无效"):
        services.sign_in_by_code(actor=fresh(people.alice), code="not-a-code")


def test_voting_needs_signing_in_and_counts_one_per_person(world, people, make_consultation):
    c = make_consultation(S.IN_SESSION)
    s = services.suggestion_add(actor=convenor(world), consultation=c, text="划设停车位")
    alice = row(c, people.alice)
    with pytest.raises(NotPossible, match="请先扫描会场二维码签到"):
        services.suggestion_vote(
            actor=fresh(people.alice), consultation=c, suggestion_id=s.pk, participant_id=alice.pk, choice="agree"
        )
    services.sign_in_by_code(actor=fresh(people.alice), code=c.signin_code)
    services.suggestion_vote(
        actor=fresh(people.alice), consultation=c, suggestion_id=s.pk, participant_id=alice.pk, choice="agree"
    )
    services.suggestion_vote(
        actor=fresh(people.alice), consultation=c, suggestion_id=s.pk, participant_id=alice.pk, choice="agree"
    )
    services.suggestion_vote(
        actor=fresh(people.alice),
        consultation=c,
        suggestion_id=s.pk,
        participant_id=alice.pk,
        choice="disagree",
        dissent="  车位应该在西侧，东侧是老人活动区。  ",
    )
    vote = s.votes.get()
    assert vote.choice == "disagree"
    assert vote.dissent == "车位应该在西侧，东侧是老人活动区。"  # verbatim, only the outer spaces trimmed
    assert timeline(c).filter(action="vote").count() == 2  # the repeated identical vote wrote nothing


def test_consensus_refused_while_a_suggestion_is_blocked(world, people, make_consultation):
    c = make_consultation(S.IN_SESSION)
    actor = convenor(world)
    with pytest.raises(NotPossible, match="建议清单为空"):
        services.consultation_close(actor=actor, consultation=c, consensus=True)
    s = services.suggestion_add(actor=actor, consultation=c, text="拆除违建车棚")
    bob = row(c, people.bob)
    services.sign_in_by_code(actor=fresh(people.bob), code=c.signin_code)
    with pytest.raises(InvalidInput, match="请写明理由"):
        services.suggestion_vote(
            actor=fresh(people.bob), consultation=c, suggestion_id=s.pk, participant_id=bob.pk, choice="block"
        )
    services.suggestion_vote(
        actor=fresh(people.bob),
        consultation=c,
        suggestion_id=s.pk,
        participant_id=bob.pk,
        choice="block",
        dissent="车棚是大家集资建的",
    )
    with pytest.raises(NotPossible, match="反对（阻止）"):
        services.consultation_close(actor=actor, consultation=c, consensus=True)
    # Withdrawing the blocked suggestion and agreeing on a new one closes with consensus.
    services.suggestion_withdraw(actor=actor, consultation=c, suggestion_id=s.pk)
    services.suggestion_add(actor=actor, consultation=c, text="车棚改为集中充电区")
    services.consultation_close(actor=actor, consultation=c, consensus=True, conclusion="共识：改造车棚")
    c.refresh_from_db()
    assert c.status == S.CLOSED_CONSENSUS and c.outcome == Outcome.CONSENSUS and c.closed_at


def test_closing_without_consensus_needs_a_reason(world, make_consultation):
    c = make_consultation(S.IN_SESSION)
    with pytest.raises(InvalidInput, match="协商结论"):
        services.consultation_close(actor=convenor(world), consultation=c, consensus=False, conclusion="  ")
    c.refresh_from_db()
    assert c.status == S.IN_SESSION


def test_reconvening_links_and_counts(world, make_consultation):
    c = make_consultation(S.CLOSED_NO_CONSENSUS)
    new = services.consultation_reconvene(actor=convenor(world), consultation=c)
    assert new.reconvened_from_id == c.pk and new.reconvene_count == 1 and new.status == S.DRAFT
    assert list(new.topics.all()) == list(c.topics.all())
    assert new.participants.count() == c.participants.count()
    c.refresh_from_db()
    assert c.status == S.RECONVENED and c.outcome == Outcome.NO_CONSENSUS
    with pytest.raises(NotPossible):
        services.consultation_reconvene(actor=convenor(world), consultation=c)
    # The reconvened one, closed without consensus again, counts 2.
    services.participants_choose(actor=convenor(world), consultation=new)
    services.research_add(
        actor=convenor(world),
        consultation=new,
        kind="visit",
        title="再走访",
        text="再听意见",
        done_on=__import__("datetime").date.today(),
    )
    schedule(convenor(world), new)
    services.consultation_open(actor=convenor(world), consultation=new)
    services.consultation_close(actor=convenor(world), consultation=new, consensus=False, conclusion="仍有分歧")
    again = services.consultation_reconvene(actor=convenor(world), consultation=new)
    assert again.reconvene_count == 2


def test_submission_goes_to_the_receiving_approver_who_acknowledges(
    world, people, make_consultation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        c = make_consultation(S.SUBMITTED)
    assert c.submission.receiver_unit == world.t1
    assert Notification.objects.filter(verb="consultation.submitted", user=world.users["approver"]).exists()
    with pytest.raises(NotAllowed):
        services.results_acknowledge(actor=fresh(world.users["staff"]), consultation=c)
    services.results_acknowledge(actor=fresh(world.users["approver"]), consultation=c, note="已收悉")
    c.refresh_from_db()
    assert c.status == S.ACKNOWLEDGED and c.submission.acknowledged_by == world.users["approver"]


def test_escalation_goes_to_the_parent_unit(world, people, make_consultation):
    c = make_consultation(S.CLOSED_CONSENSUS)
    # County A has no party approver: escalating is refused with a clear message, nothing half-saved.
    with pytest.raises(NotPossible, match="尚未设置同级党组织"):
        services.consultation_submit(actor=convenor(world), consultation=c, level="higher", recipients="县委")
    c.refresh_from_db()
    assert c.status == S.CLOSED_CONSENSUS and not hasattr(c, "submission")
    from shangliang.people.models import Role
    from tests.factories import UserFactory, assign

    county_approver = UserFactory(username="county_party")
    assign(county_approver, Role.APPROVER, world.a)
    services.consultation_submit(actor=convenor(world), consultation=c, level="higher", recipients="甲县县委、县政府")
    c.refresh_from_db()
    assert c.submission.receiver_unit == world.a
    assert not fresh(world.users["approver"]).has_perm("consultations.acknowledge_results", c)
    assert fresh(county_approver).has_perm("consultations.acknowledge_results", c)


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.DRAFT, "open"),
        (S.RESEARCH_RECORDED, "close_consensus"),
        (S.SCHEDULED, "submit"),
        (S.IN_SESSION, "reconvene"),
        (S.CLOSED_CONSENSUS, "reconvene"),
        (S.ACKNOWLEDGED, "cancel"),
        (S.IN_SESSION, "cancel"),
    ],
)
def test_steps_refused_in_the_wrong_state(world, make_consultation, state, action):
    c = make_consultation(state)
    with pytest.raises(NotPossible, match="当前状态"):
        CONSULTATION_WORKFLOW.check(c, action=action, actor=convenor(world))


def test_other_people_are_not_allowed_rather_than_not_possible(world, make_consultation):
    c = make_consultation(S.SCHEDULED)
    for role in ("staff", "approver", "member", "liaison", "stranger"):
        with pytest.raises(NotAllowed):
            services.consultation_open(actor=fresh(world.users[role]), consultation=c)
    c.refresh_from_db()
    assert c.status == S.SCHEDULED


def test_cancelling_tells_the_invited(world, people, make_consultation, django_capture_on_commit_callbacks):
    c = make_consultation(S.SCHEDULED)
    with pytest.raises(InvalidInput):
        services.consultation_cancel(actor=convenor(world), consultation=c, note="")
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_cancel(actor=convenor(world), consultation=c, note="暴雨改期")
    assert Notification.objects.filter(verb="consultation.cancelled").count() == 3


def test_only_approved_topics_of_the_unit(world, people):
    from shangliang.topics.models import TopicStatus

    actor = convenor(world)
    pending = approved_topic(world.t1, title="待审定的议题", status=TopicStatus.ACCEPTED)
    with pytest.raises(NotPossible, match="须经同级党组织审定"):
        services.consultation_create(actor=actor, unit=world.t1, topics=[pending], form="meeting")
    elsewhere = approved_topic(world.v1, title="村里的议题")
    with pytest.raises(InvalidInput, match="不属于本单元"):
        services.consultation_create(actor=actor, unit=world.t1, topics=[elsewhere], form="meeting")
    with pytest.raises(NotAllowed):
        services.consultation_create(actor=actor, unit=world.v1, topics=[elsewhere], form="meeting")
    assert not Consultation.objects.exists()


def test_a_topic_is_consulted_on_once_at_a_time(world, people):
    topic = approved_topic(world.t1)
    services.consultation_create(actor=convenor(world), unit=world.t1, topics=[topic], form="meeting")
    with pytest.raises(InvalidInput, match="已在协商"):
        services.consultation_create(actor=convenor(world), unit=world.t1, topics=[topic], form="bench")
    assert Consultation.objects.count() == 1


def test_participants_added_after_scheduling_are_invited_at_once(
    world, people, make_consultation, django_capture_on_commit_callbacks
):
    c = make_consultation(S.SCHEDULED)
    from shangliang.people.models import Role
    from tests.factories import UserFactory, assign

    late = UserFactory(username="late", full_name="迟到的人")
    assign(late, Role.RESIDENT, world.t1)
    with django_capture_on_commit_callbacks(execute=True):
        p = services.participant_add(actor=convenor(world), consultation=c, kind=ParticipantKind.STAKEHOLDER, user=late)
    assert p.status == InvitationStatus.INVITED
    assert Notification.objects.filter(user=late, verb="consultation.invited").exists()


def test_a_list_changed_after_choosing_is_checked_again_before_scheduling(world, people, make_consultation):
    c = make_consultation(S.RESEARCH_RECORDED)
    for p in c.participants.filter(kind=ParticipantKind.STAKEHOLDER):
        services.participant_remove(actor=convenor(world), consultation=c, participant_id=p.pk)
    with pytest.raises(NotPossible, match="利益相关方只有 0 人"):
        schedule(convenor(world), c)
    services.representativeness_explain(actor=convenor(world), consultation=c, reason="利益相关方已书面提交意见")
    schedule(convenor(world), c)
    assert c.status == S.SCHEDULED
    assert timeline(c).filter(action="override_representativeness", note="利益相关方已书面提交意见").exists()


def test_only_the_invited_person_answers_their_invitation(world, people, make_consultation):
    c = make_consultation(S.SCHEDULED)
    alice, zhao = row(c, people.alice), c.participants.get(name="赵大姐")
    for someone in (fresh(people.bob), convenor(world), fresh(world.users["staff"]), None):
        with pytest.raises(NotAllowed, match="这不是您的邀请"):
            services.participant_respond(actor=someone, participant=alice, accept=False)
    # Without an account, only the bearer of that person's own link: not another participant's token.
    with pytest.raises(NotAllowed):
        services.participant_respond(actor=None, participant=zhao, accept=True, token=alice.token)
    with pytest.raises(NotAllowed):
        services.participant_respond(actor=fresh(people.alice), participant=zhao, accept=True)
    services.participant_respond(actor=None, participant=zhao, accept=True, token=zhao.token)
    services.participant_respond(actor=fresh(people.alice), participant=alice, accept=True)
    services.participant_respond(actor=fresh(people.alice), participant=alice, accept=True)  # twice: one answer
    assert timeline(c).filter(action="confirm").count() == 2
    alice.refresh_from_db()
    assert alice.status == InvitationStatus.CONFIRMED


def test_answers_are_refused_before_invitations_and_after_the_end(world, people, make_consultation):
    c = make_consultation(S.RESEARCH_RECORDED)
    with pytest.raises(NotPossible, match="邀请尚未发出"):
        services.participant_respond(actor=fresh(people.alice), participant=row(c, people.alice), accept=True)
    done = make_consultation(S.CLOSED_CONSENSUS, topic=approved_topic(world.t1, title="另一个"))
    with pytest.raises(NotPossible, match="已结束"):
        services.participant_respond(actor=fresh(people.alice), participant=row(done, people.alice), accept=False)
