"""The task workflow: every (state, action) pair of the one table, the steps people take, and the two different
refusals ("not allowed for you" / "not possible in this state")."""

from datetime import timedelta

import pytest

from shangliang.accountability import services
from shangliang.accountability.models import (
    ExtensionStatus,
    FollowUpCheck,
    FollowUpStatus,
    ProgressReport,
    ResponsibilityTask,
)
from shangliang.accountability.rules import SYSTEM
from shangliang.accountability.workflow import ACT, TASK_WORKFLOW
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import timeline
from shangliang.notifications.models import Notification
from shangliang.people.models import Role
from tests.accountability.conftest import S, assign, body, office, pdf, png, reload, today, walk
from tests.conftest import fresh
from tests.factories import UserFactory
from tests.factories import assign as assign_role


def actor_for(world, transition):
    return body(world) if transition.permission == ACT else office(world)


@pytest.fixture
def tasks_in_every_state(world, consultation):
    return {state: walk(world, assign(world, consultation, action=f"事项 {state}"), state) for state in S.values}


def test_the_table_decides_every_state_and_action(world, tasks_in_every_state):
    actions = sorted(TASK_WORKFLOW.actions())
    for state, task in tasks_in_every_state.items():
        assert task.status == state
        for action in actions:
            transition = TASK_WORKFLOW.transition_for(state, action)
            if transition is None:
                # Even the person who may take this action elsewhere is told it is not possible in this state.
                some = next(t for t in TASK_WORKFLOW.transitions if t.action == action)
                with pytest.raises(NotPossible, match="不能执行"):
                    TASK_WORKFLOW.check(task, action=action, actor=actor_for(world, some))
            else:
                assert TASK_WORKFLOW.check(task, action=action, actor=actor_for(world, transition)) == transition


def test_terminal_states_lead_nowhere(tasks_in_every_state):
    assert not [t for t in TASK_WORKFLOW.transitions if t.source == S.CANCELLED]
    done_actions = {t.action for t in TASK_WORKFLOW.transitions if t.source == S.DONE}
    assert done_actions == {"reopen"}


def test_wrong_person_is_not_allowed_and_wrong_state_is_not_possible(world, task):
    with pytest.raises(NotAllowed, match="您无权执行“签收”"):
        services.task_sign(actor=office(world), task=task)  # the office does not sign for the body
    with pytest.raises(NotAllowed, match="您无权执行“验收通过”"):
        services.completion_verify(actor=body(world), task=task)
    with pytest.raises(NotPossible, match="当前状态为“待签收”，不能执行“验收通过”"):
        services.completion_verify(actor=office(world), task=task)
    stranger = UserFactory(username="nobody")
    with pytest.raises(NotAllowed):
        services.task_sign(actor=stranger, task=task)
    with pytest.raises(NotAllowed):
        services.progress_report(actor=stranger, task=task, text="x", percent=10)
    # Progress needs the task signed first: a state answer, for the right person.
    with pytest.raises(NotPossible, match="请先签收"):
        services.progress_report(actor=body(world), task=task, text="已开始", percent=10)
    assert reload(task).status == S.ASSIGNED


def test_assigned_to_done_with_events_and_follow_up(world, task):
    b, o = body(world), office(world)
    services.task_sign(actor=b, task=task, note="收到")
    services.progress_report(actor=b, task=task, text="勘测完成", percent=30, files=[png()])
    assert reload(task).percent == 30
    services.completion_report(actor=b, task=task, text="已划设车位", files=[pdf()])
    t = reload(task)
    assert t.status == S.COMPLETION_REPORTED and t.percent == 100 and t.reported_at
    services.completion_verify(actor=o, task=t, note="合格")
    t = reload(task)
    assert t.status == S.DONE and t.completed_at
    check = FollowUpCheck.objects.get(task=t)
    assert check.status == FollowUpStatus.PENDING and check.round == 0 and check.due_on > today()
    events = list(timeline(t))
    assert [e.action for e in events] == ["assign", "sign", "progress", "report_completion", "verify"]
    assert all(e.public for e in events)
    assert [(e.from_state, e.to_state) for e in events[1:2]] == [(S.ASSIGNED, S.IN_PROGRESS)]
    assert ProgressReport.objects.filter(task=t).count() == 2 and t.evidence.count() == 2


def test_hand_back_refused_then_approved_then_reassigned(world, task):
    b, o = body(world), office(world)
    with pytest.raises(InvalidInput, match="请填写申请退回理由"):
        services.task_hand_back_request(actor=b, task=task, reason="")
    services.task_hand_back_request(actor=b, task=task, reason="属交通部门职责")
    with pytest.raises(InvalidInput):
        services.task_hand_back_decide(actor=o, task=task, approve=False, note="")  # refusing needs a reason
    services.task_hand_back_decide(actor=o, task=task, approve=False, note="属本部门职责，请签收")
    assert reload(task).status == S.ASSIGNED
    services.task_hand_back_request(actor=b, task=task, reason="确属交通部门职责")
    services.task_hand_back_decide(actor=o, task=task, approve=True)
    assert reload(task).status == S.HANDED_BACK
    with pytest.raises(NotPossible, match="已退回"):
        services.task_sign(actor=b, task=reload(task))
    # Reassigned to the village committee (a unit of the county), with a new deadline.
    t = services.task_reassign(
        actor=o, task=reload(task), owner_unit=world.v1, owner_name="村主任", deadline=today() + timedelta(days=9)
    )
    t = reload(t)
    assert t.status == S.ASSIGNED and t.owner_unit == world.v1 and t.department is None
    assert t.deadline == today() + timedelta(days=9)
    assert timeline(t).last().data["from"] == "住建局"
    # The old body may no longer act; the village's convenor may (the body of a unit).
    with pytest.raises(NotAllowed):
        services.task_sign(actor=fresh(b), task=t)
    v1_convenor = UserFactory(username="v1head")
    assign_role(v1_convenor, Role.CONVENOR, world.v1)
    services.task_sign(actor=fresh(v1_convenor), task=t)
    assert reload(t).status == S.IN_PROGRESS


def test_extension_approved_moves_the_deadline_refused_keeps_it(world, task):
    b, o = body(world), office(world)
    t = walk(world, task, S.IN_PROGRESS)
    old = t.deadline
    with pytest.raises(InvalidInput, match="须晚于原时限"):
        services.extension_request(actor=b, task=t, new_deadline=old, reason="施工队未到位")
    services.extension_request(actor=b, task=t, new_deadline=old + timedelta(days=5), reason="施工队未到位")
    assert reload(t).status == S.EXTENSION_REQUESTED
    services.extension_decide(actor=o, task=reload(t), approve=False, note="请按期完成")
    t = reload(t)
    assert t.status == S.IN_PROGRESS and t.deadline == old
    services.extension_request(actor=b, task=t, new_deadline=old + timedelta(days=7), reason="雨季停工")
    request = services.extension_decide(actor=o, task=reload(t), approve=True)
    t = reload(t)
    assert t.deadline == old + timedelta(days=7) and request.status == ExtensionStatus.APPROVED
    assert timeline(t).last().data["old_deadline"] == old.isoformat()


def test_send_back_then_reopen_by_the_office_starts_a_new_round(world, task):
    b, o = body(world), office(world)
    t = walk(world, task, S.COMPLETION_REPORTED)
    services.completion_send_back(actor=o, task=t, note="标识未设置")
    assert reload(t).status == S.IN_PROGRESS
    services.completion_report(actor=b, task=reload(t), text="已补设标识", files=[png()])
    services.completion_verify(actor=o, task=reload(t))
    t = reload(t)
    with pytest.raises(InvalidInput, match="新的|重办的完成时限"):
        services.task_reopen(actor=o, task=t, note="群众反映", deadline=None)
    services.task_reopen(actor=o, task=t, note="群众反映车位被占", deadline=today() + timedelta(days=10))
    t = reload(t)
    assert t.status == S.REOPENED and t.round == 1 and t.percent == 0 and t.completed_at is None
    assert not FollowUpCheck.objects.filter(task=t, status=FollowUpStatus.PENDING).exists()
    services.task_sign(actor=b, task=t)
    assert reload(t).status == S.IN_PROGRESS


def test_only_the_office_or_the_platform_reopens(world, task):
    t = walk(world, task, S.DONE)
    with pytest.raises(NotAllowed):
        services.task_reopen(actor=body(world), task=t, note="x", deadline=today() + timedelta(days=3))
    services.task_reopen(actor=SYSTEM, task=t, note="群众不满意", cause="dissatisfaction")
    t = reload(t)
    assert t.status == S.REOPENED
    event = timeline(t).last()
    assert event.actor is None and event.data["cause"] == "dissatisfaction"


def test_cancel_needs_a_reason_and_ends_the_task(world, task):
    o = office(world)
    with pytest.raises(InvalidInput):
        services.task_cancel(actor=o, task=task, note=" ")
    services.task_cancel(actor=o, task=task, note="并入另一项任务")
    with pytest.raises(NotPossible):
        services.task_sign(actor=body(world), task=reload(task))


def test_a_stale_page_cannot_apply_a_step_twice(world, task):
    b = body(world)
    stale = ResponsibilityTask.objects.get(pk=task.pk)
    services.task_sign(actor=b, task=task)
    with pytest.raises(NotPossible):
        services.task_hand_back_request(actor=b, task=stale, reason="晚了")  # the page still showed "待签收"


def test_people_are_told(world, consultation, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = assign(world, consultation)
    dept = fresh(world.users["department"])
    assert Notification.objects.filter(user=dept, verb="task.assign").exists()
    assert [m.to for m in sms_outbox] == ["13800001111"]  # the named person, by SMS (the dept user has no phone)
    assert sms_outbox[0].text.startswith("【有事好商量】【交办】")
    with django_capture_on_commit_callbacks(execute=True):
        walk(world, task, S.COMPLETION_REPORTED)
    convenor = fresh(world.users["convenor"])
    approver = fresh(world.users["approver"])
    staff = fresh(world.users["staff"])
    for office_user in (convenor, approver, staff):
        assert Notification.objects.filter(user=office_user, verb="task.report_completion").exists()
    assert not Notification.objects.filter(user=dept, verb="task.report_completion").exists()  # not their own step
