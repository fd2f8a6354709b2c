"""Permission matrix for topics: each role × {own unit, unit below, sibling unit} × each action.

Topic actions (view, contact = unmasked mobile, screen, approve, support) are checked on a topic of that unit that
somebody else entered; intake actions (enter on behalf = 网格员收集, recommend = 委员荐题, assign = 党政点题) on the
unit itself. Whether a step is possible in the topic's current state is the workflow's business (test_workflow).
"""

import pytest

from shangliang.topics import services
from shangliang.topics.models import TopicSource
from tests.conftest import fresh
from tests.factories import UserFactory

# Where each role stands in the `world` fixture: (own, below, sibling).
PLACES = {
    "staff": ("a", "t1", "b"),
    "convenor": ("t1", "v1", "t2"),
    "approver": ("t1", "v1", "t2"),
    "liaison": ("t1", "v1", "t2"),
    "member": ("t1", "v1", "t2"),
    "department": ("a", "t1", "b"),
    "expert": ("a", "t1", "b"),
    "evaluator": ("a", "t1", "b"),
    "resident": ("v1", "v1", "v2"),
    "stranger": ("t1", "v1", "t2"),
}
COLUMNS = ("own", "below", "sibling")
ACTIONS = ("view", "contact", "screen", "approve", "support", "enter", "recommend", "assign")
PERMS = {
    "view": "topics.view_topic",
    "contact": "topics.view_contact",
    "screen": "topics.screen_topic",
    "approve": "topics.approve_topic",
    "support": "topics.support_topic",
    "enter": "topics.enter_topic",
    "recommend": "topics.recommend_topic",
    "assign": "topics.assign_topic",
}
ON_UNIT = {"enter", "recommend", "assign"}

Y, N = True, False
ALL, NONE, OWN = (Y, Y, Y), (N, N, N), (Y, N, N)
SUBTREE = (Y, Y, N)
# Only anyone-can-support: roles without reach in the app.
OUTSIDER = {
    "view": NONE,
    "contact": NONE,
    "screen": NONE,
    "approve": NONE,
    "support": ALL,
    "enter": NONE,
    "recommend": NONE,
    "assign": NONE,
}
# fmt: off
MATRIX = {
    #              view     contact  screen   approve  support  enter    recommend assign
    "staff":     (SUBTREE, SUBTREE, SUBTREE, NONE,    ALL,     SUBTREE, NONE,     SUBTREE),
    "convenor":  (SUBTREE, SUBTREE, SUBTREE, NONE,    ALL,     SUBTREE, NONE,     NONE),
    "approver":  (SUBTREE, NONE,    NONE,    OWN,     ALL,     NONE,    NONE,     SUBTREE),
    "liaison":   (SUBTREE, NONE,    NONE,    NONE,    ALL,     SUBTREE, NONE,     NONE),
    # Linked to T1 (sees its subtree); a member of the county committee may recommend anywhere in the county.
    "member":    (SUBTREE, NONE,    NONE,    NONE,    ALL,     NONE,    ALL,      NONE),
    "department": tuple(OUTSIDER[a] for a in ACTIONS),
    "expert":     tuple(OUTSIDER[a] for a in ACTIONS),
    "evaluator":  tuple(OUTSIDER[a] for a in ACTIONS),
    "resident":   tuple(OUTSIDER[a] for a in ACTIONS),
    "stranger":   tuple(OUTSIDER[a] for a in ACTIONS),
}
# fmt: on
CASES = [(role, col, action) for role in PLACES for col in range(3) for action in ACTIONS]


@pytest.fixture
def topics(world):
    """One topic per unit, entered by a superuser (so that no role is its submitter)."""
    admin = UserFactory(is_superuser=True)
    out = {}
    for place in ("a", "t1", "v1", "t2", "v2", "b"):
        unit = getattr(world, place)
        out[place] = services.topic_enter(
            actor=admin, unit=unit, source=TopicSource.GRID, title=f"{unit.name}的议题", description="说明", name="张三"
        )
    return out


@pytest.mark.parametrize(("role", "col", "action"), CASES)
def test_permission_matrix(world, topics, role, col, action):
    place = PLACES[role][col]
    obj = getattr(world, place) if action in ON_UNIT else topics[place]
    expected = MATRIX[role][ACTIONS.index(action)][col]
    user = fresh(world.users[role])
    assert user.has_perm(PERMS[action], obj) is expected, (role, COLUMNS[col], action)


def test_the_person_who_entered_a_topic_sees_it_wherever_it_is(world):
    member = fresh(world.users["member"])
    topic = services.topic_enter(
        actor=member, unit=world.v3, source=TopicSource.MEMBER, title="委员荐题", description="说明"
    )
    assert not member.has_perm("units.view_unit", world.v3)
    assert fresh(world.users["member"]).has_perm("topics.view_topic", topic)
    assert not fresh(world.users["member"]).has_perm("topics.view_contact", topic)


def test_anonymous_visitors_only_support(world, topics):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for action in ACTIONS:
        obj = world.t1 if action in ON_UNIT else topics["t1"]
        assert anonymous.has_perm(PERMS[action], obj) is (action == "support"), action


def test_tracking_code_grants_resubmission_only(world, topics):
    topic = topics["t1"]
    holder = services.TrackingCodeHolder(topic.tracking_code)
    assert holder.has_perm("topics.resubmit_topic", topic)
    assert not holder.has_perm("topics.view_topic", topic)
    assert not services.TrackingCodeHolder(topics["v1"].tracking_code).has_perm("topics.resubmit_topic", topic)
