"""The transition table and the event log, exercised on room stages (the first workflow-shaped field)."""

from collections import defaultdict

import pytest
from django.db import transaction

from shangliang.core import events
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import register_event_handler, register_projector, timeline
from shangliang.core.models import Event
from shangliang.core.workflow import Transition, Workflow
from tests.conftest import fresh

ROLLOUT = Workflow(
    name="rollout",
    state_field="stage",
    transitions=[
        Transition("planned", "start_pilot", "pilot", "units.change_room"),
        Transition("pilot", "complete", "built", "units.change_room", public=True),
        Transition("built", "promote", "demonstration", "units.configure_standard", note_required=True),
    ],
    action_labels={"start_pilot": "开始试点", "complete": "建成", "promote": "评为示范"},
)


@pytest.fixture
def room(world):
    room = world.rooms["一村"]
    room.stage = "planned"
    room.save()
    return room


def test_allowed_transition_changes_state_and_writes_event(world, room):
    convenor = fresh(world.users["convenor"])
    event = ROLLOUT.apply(room, action="start_pilot", actor=convenor, note="先行先试")
    room.refresh_from_db()
    assert room.stage == "pilot"
    assert (event.from_state, event.to_state, event.action, event.note) == (
        "planned",
        "pilot",
        "start_pilot",
        "先行先试",
    )
    assert event.actor_id == convenor.pk and event.unit_id == world.v1.pk
    assert [e.action for e in timeline(room)] == ["start_pilot"]


def test_not_possible_in_this_state(world, room):
    convenor = fresh(world.users["convenor"])
    with pytest.raises(NotPossible, match="当前状态为“规划中”，不能执行“建成”"):
        ROLLOUT.apply(room, action="complete", actor=convenor)
    room.refresh_from_db()
    assert room.stage == "planned" and not Event.objects.exists()


def test_not_allowed_for_you_is_a_different_answer(world, room):
    with pytest.raises(NotAllowed, match="您无权执行“开始试点”"):
        ROLLOUT.apply(room, action="start_pilot", actor=fresh(world.users["resident"]))
    # Even where the state would not allow it either, a stranger is told it is not for them.
    with pytest.raises(NotAllowed):
        ROLLOUT.apply(room, action="complete", actor=fresh(world.users["resident"]))
    assert not Event.objects.exists()


def test_required_note(world, room):
    staff = fresh(world.users["staff"])
    ROLLOUT.apply(room, action="start_pilot", actor=staff)
    ROLLOUT.apply(room, action="complete", actor=staff)
    with pytest.raises(InvalidInput, match="需要填写说明"):
        ROLLOUT.apply(room, action="promote", actor=staff, note="   ")
    room.refresh_from_db()
    assert room.stage == "built"


def test_stale_object_refused(world, room):
    """Two people click at once: the second sees the state changed and nothing happens twice."""
    convenor = fresh(world.users["convenor"])
    stale = type(room).objects.get(pk=room.pk)
    ROLLOUT.apply(room, action="start_pilot", actor=convenor)
    with pytest.raises(NotPossible, match="已被他人更改"):
        ROLLOUT.apply(stale, action="start_pilot", actor=convenor)
    assert Event.objects.count() == 1


def test_unknown_action(world, room):
    with pytest.raises(NotPossible, match="未知操作"):
        ROLLOUT.apply(room, action="demolish", actor=fresh(world.users["staff"]))


def test_available_lists_only_what_the_user_may_do(world, room):
    assert [t.action for t in ROLLOUT.available(room, fresh(world.users["convenor"]))] == ["start_pilot"]
    assert ROLLOUT.available(room, fresh(world.users["resident"])) == []


def test_duplicate_transition_rejected_at_definition():
    with pytest.raises(ValueError, match="duplicate"):
        Workflow(name="x", transitions=[Transition("a", "go", "b", "p"), Transition("a", "go", "c", "p")])


def test_handlers_run_after_commit(world, room, django_capture_on_commit_callbacks):
    seen = []
    register_event_handler("units.room", lambda event: seen.append((event.action, event.to_state)))
    with django_capture_on_commit_callbacks(execute=True):
        ROLLOUT.apply(room, action="start_pilot", actor=fresh(world.users["convenor"]))
    assert ("start_pilot", "pilot") in seen


def test_projectors_run_inside_the_change_and_roll_back_with_it(world, room, monkeypatch):
    monkeypatch.setattr(events, "_projectors", defaultdict(list))
    seen = []

    def projector(event):
        # Inside the change's transaction: the new state and the event row are there; what it writes goes with them.
        seen.append(
            (event.to_state, type(room).objects.get(pk=room.pk).stage, transaction.get_connection().in_atomic_block)
        )
        Event.objects.filter(pk=event.pk).update(note="projected")

    register_projector("units.room", projector)
    event = ROLLOUT.apply(room, action="start_pilot", actor=fresh(world.users["convenor"]))
    assert seen == [("pilot", "pilot", True)]
    assert Event.objects.get(pk=event.pk).note == "projected"

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        ROLLOUT.apply(reloaded(room), action="complete", actor=fresh(world.users["convenor"]))
        raise Undo
    assert len(seen) == 2 and not Event.objects.filter(action="complete").exists()

    def broken(event):
        raise RuntimeError("projection failed")

    register_projector("units.room", broken)
    with pytest.raises(RuntimeError):
        ROLLOUT.apply(reloaded(room), action="complete", actor=fresh(world.users["convenor"]))
    room.refresh_from_db()
    assert room.stage == "pilot"  # a failing projection fails the change


def reloaded(room):
    room.refresh_from_db()
    return room
