"""The topic workflow: every transition of the one table allowed for the right person, every other (state, action)
refused as "not possible", wrong people refused as "not allowed", and a refusal changes nothing."""

import pytest

from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import timeline
from shangliang.topics import services
from shangliang.topics.guards import require_topic_approved, topic_is_approved
from shangliang.topics.models import Topic, TopicStatus
from shangliang.topics.services import screening
from shangliang.topics.workflow import TOPIC_WORKFLOW
from tests.conftest import fresh
from tests.topics.conftest import enter

S = TopicStatus
# (from, action) → to: the table as docs/domain.md's screening and approval describe it. The test fails if the code's
# table differs.
EXPECTED = {
    (S.SUBMITTED, "accept"): S.ACCEPTED,
    (S.SUBMITTED, "reject"): S.REJECTED,
    (S.SUBMITTED, "return"): S.RETURNED,
    (S.SUBMITTED, "merge"): S.MERGED,
    (S.SUBMITTED, "refer"): S.REFERRED,
    (S.RETURNED, "resubmit"): S.SUBMITTED,
    (S.ACCEPTED, "approve"): S.APPROVED,
    (S.ACCEPTED, "decline"): S.DECLINED,
}
ACTIONS = ["accept", "reject", "return", "merge", "refer", "resubmit", "approve", "decline"]


def test_the_table_is_the_one_the_issue_describes():
    table = {(t.source, t.action): t.target for t in TOPIC_WORKFLOW.transitions}
    assert table == EXPECTED
    notes = {t.action for t in TOPIC_WORKFLOW.transitions if t.note_required}
    assert notes == {"reject", "return", "decline"}
    assert all(t.public for t in TOPIC_WORKFLOW.transitions)


def _do(world, topic, action, actor=None):
    """Run `action` through its service with valid input, as the person the rules allow."""
    users = world.users
    if action in ("approve", "decline"):
        return screening.topic_decide(
            topic=topic, actor=actor or fresh(users["approver"]), decision=action, note="理由说明"
        )
    if action == "resubmit":
        return services.topic_resubmit(
            topic=topic,
            actor=actor or fresh(users["staff"]),
            title=topic.title,
            description="补充：3号楼",
            note="已补充",
        )
    extra = {
        "accept": {"category": "livelihood"},
        "reject": {"reason": "unfair", "note": "有失公平"},
        "return": {"note": "请补充"},
        "merge": {"merge_into": enter(world, title="另一个议题")},
        "refer": {"referred_to": "司法所"},
    }[action]
    return screening.topic_screen(topic=topic, actor=actor or fresh(users["convenor"]), decision=action, **extra)


@pytest.mark.parametrize("state", list(S.values))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_and_action(world, topic_in, state, action):
    topic = topic_in(state)
    events_before = timeline(topic).count()
    target = EXPECTED.get((state, action))
    if target is None:
        with pytest.raises(NotPossible) as refusal:
            _do(world, topic, action)
        assert "当前状态为" in str(refusal.value.message)
        topic.refresh_from_db()
        assert topic.status == state
        assert timeline(topic).count() == events_before
    else:
        _do(world, topic, action)
        event = timeline(topic).last()
        topic.refresh_from_db()
        assert topic.status == target
        assert (event.from_state, event.to_state, event.action, event.public) == (state, target, action, True)
        assert timeline(topic).count() == events_before + 1


@pytest.mark.parametrize(
    ("state", "action", "role"),
    [
        (S.SUBMITTED, "accept", "approver"),  # approvers do not screen
        (S.SUBMITTED, "reject", "liaison"),
        (S.SUBMITTED, "merge", "member"),
        (S.ACCEPTED, "approve", "convenor"),  # convenors do not approve
        (S.ACCEPTED, "approve", "staff"),  # nor does the CPPCC office: the same-level party organisation does
        (S.ACCEPTED, "decline", "resident"),
        (S.RETURNED, "resubmit", "convenor"),  # only who entered it (or holds its code) resubmits
    ],
)
def test_wrong_person_is_not_allowed_and_nothing_changes(world, topic_in, state, action, role):
    topic = topic_in(state)
    before = timeline(topic).count()
    with pytest.raises(NotAllowed):
        _do(world, topic, action, actor=fresh(world.users[role]))
    topic.refresh_from_db()
    assert topic.status == state and timeline(topic).count() == before


def test_not_allowed_comes_before_not_possible(world, topic_in):
    """A stranger asking for an impossible step hears "not allowed", never what state the topic is in."""
    topic = topic_in(S.APPROVED)
    with pytest.raises(NotAllowed):
        _do(world, topic, "accept", actor=fresh(world.users["stranger"]))


def test_approver_of_the_unit_above_or_below_cannot_approve(world):
    from tests.factories import UserFactory, assign

    county_approver = UserFactory()
    assign(county_approver, "approver", world.a)
    village_approver = UserFactory()
    assign(village_approver, "approver", world.v1)
    topic = enter(world)
    screening.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="accept", category="governance")
    for user in (county_approver, village_approver):
        with pytest.raises(NotAllowed):
            screening.topic_decide(topic=topic, actor=fresh(user), decision="approve")
    screening.topic_decide(topic=topic, actor=fresh(world.users["approver"]), decision="approve")
    assert Topic.objects.get(pk=topic.pk).status == S.APPROVED


@pytest.mark.parametrize(
    ("decision", "extra", "field"),
    [
        ("accept", {}, "category"),
        ("accept", {"category": "anything"}, "category"),
        ("reject", {"note": "理由"}, "reason"),
        ("reject", {"reason": "unfair"}, "note"),
        ("reject", {"reason": "not-a-reason", "note": "x"}, "reason"),
        ("return", {}, "note"),
        ("refer", {}, "referred_to"),
        ("merge", {}, "merge_into"),
        ("bogus", {}, "decision"),
    ],
)
def test_screening_needs_its_inputs(world, decision, extra, field):
    topic = enter(world)
    with pytest.raises(InvalidInput) as refusal:
        screening.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision=decision, **extra)
    assert refusal.value.field == field
    assert refusal.value.message
    topic.refresh_from_db()
    assert topic.status == S.SUBMITTED and timeline(topic).count() == 1


def test_decline_needs_a_note(world, topic_in):
    topic = topic_in(S.ACCEPTED)
    with pytest.raises(InvalidInput) as refusal:
        screening.topic_decide(topic=topic, actor=fresh(world.users["approver"]), decision="decline", note="  ")
    assert "需要填写说明" in str(refusal.value.message)
    assert Topic.objects.get(pk=topic.pk).status == S.ACCEPTED


def test_reject_keeps_reason_and_note_for_the_submitter(world):
    topic = enter(world)
    screening.topic_screen(
        topic=topic,
        actor=fresh(world.users["convenor"]),
        decision="reject",
        reason="individual_dispute",
        note="属邻里个体纠纷，已建议通过村调解委员会调解。",
    )
    topic.refresh_from_db()
    assert topic.rejection_reason == "individual_dispute"
    public = list(timeline(topic, public_only=True))
    assert public[-1].note.startswith("属邻里个体纠纷")


def test_accept_sets_category_and_urgent(world):
    topic = enter(world)
    screening.topic_screen(
        topic=topic, actor=fresh(world.users["convenor"]), decision="accept", category="party_government", urgent=True
    )
    topic.refresh_from_db()
    assert (topic.status, topic.category, topic.urgent) == (S.ACCEPTED, "party_government", True)


def test_refer_records_where_to(world):
    topic = enter(world)
    screening.topic_screen(
        topic=topic, actor=fresh(world.users["convenor"]), decision="refer", department=world.department
    )
    topic.refresh_from_db()
    assert topic.referred_to == "住建局" and topic.referred_department == world.department


def test_refer_to_a_department_of_another_county_is_refused(world):
    from tests.factories import DepartmentFactory

    elsewhere = DepartmentFactory(county=world.b, name="乙县水务局")
    topic = enter(world)
    with pytest.raises(InvalidInput):
        screening.topic_screen(
            topic=topic, actor=fresh(world.users["convenor"]), decision="refer", department=elsewhere
        )
    assert Topic.objects.get(pk=topic.pk).status == S.SUBMITTED


def test_resubmit_by_tracking_code_holder(world):
    room = world.rooms["一村"]
    topic = services.topic_submit(
        actor=services.TrackingCodeHolder(""), room=room, title="路灯不亮", description="村口路灯坏了", anonymous=True
    )
    screening.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="return", note="哪个路口？")
    with pytest.raises(NotAllowed):
        services.topic_resubmit(
            topic=topic, actor=services.TrackingCodeHolder("WRONGCODE123"), title="路灯不亮", description="x"
        )
    services.topic_resubmit(
        topic=topic,
        actor=services.TrackingCodeHolder(topic.tracking_code),
        title="村口路灯不亮",
        description="村东头路口三盏路灯坏了一个月",
    )
    topic.refresh_from_db()
    assert topic.status == S.SUBMITTED and topic.title == "村口路灯不亮"
    assert " 路灯 " in topic.search_terms


def test_stale_object_cannot_step_twice(world):
    topic = enter(world)
    stale = Topic.objects.get(pk=topic.pk)
    screening.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="accept", category="livelihood")
    with pytest.raises(NotPossible) as refusal:
        screening.topic_screen(topic=stale, actor=fresh(world.users["convenor"]), decision="return", note="x")
    assert "已被他人更改" in str(refusal.value.message)
    assert Topic.objects.get(pk=topic.pk).status == S.ACCEPTED


def test_nothing_downstream_starts_before_approval(world, topic_in):
    for state in S.values:
        topic = topic_in(state)
        assert topic_is_approved(topic) is (state == S.APPROVED)
        if state == S.APPROVED:
            assert require_topic_approved(topic, lock=True).pk == topic.pk
        else:
            with pytest.raises(NotPossible) as refusal:
                require_topic_approved(topic.pk)
            assert "须经同级党组织审定" in str(refusal.value.message)
