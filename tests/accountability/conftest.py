"""Helpers for accountability tests: a consultation of town T1 that reached consensus (through the consultation
services), tasks assigned from its suggestion and moved to any state through the accountability services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from shangliang.accountability import services
from shangliang.accountability.models import ResponsibilityTask, TaskStatus
from shangliang.consultations.models import ConsultationStatus
from tests.conftest import fresh
from tests.consultations.conftest import make, people  # noqa: F401 (the `people` fixture)
from tests.uploads import pdf, png

S = TaskStatus
C = ConsultationStatus


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def consultation(world, people):  # noqa: F811
    """T1's consultation, results submitted: one suggestion (划设停车位)."""
    return make(world, people, C.SUBMITTED)


def office(world):
    """The convenor of T1: the office of T1's consultations."""
    return fresh(world.users["convenor"])


def body(world):
    """Staff of 住建局, the department the tasks are assigned to."""
    return fresh(world.users["department"])


def assign(world, consultation, **kw) -> ResponsibilityTask:
    fields = {
        "suggestion": consultation.suggestions.order_by("order").first(),
        "department": world.department,
        "owner_name": "王科长",
        "owner_phone": "13800001111",
        "action": "在小区东侧划设 40 个停车位并设置标识",
        "deadline": today() + timedelta(days=20),
        **kw,
    }
    return services.task_assign(actor=kw.pop("actor", None) or office(world), **fields)


def walk(world, task: ResponsibilityTask, state: str) -> ResponsibilityTask:
    """Move a freshly assigned task to `state` the way people would."""
    o, b = office(world), body(world)
    if state == S.ASSIGNED:
        return task
    if state in (S.HAND_BACK_REQUESTED, S.HANDED_BACK):
        services.task_hand_back_request(actor=b, task=task, reason="不属于本部门职责")
        if state == S.HANDED_BACK:
            services.task_hand_back_decide(actor=o, task=task, approve=True)
        return reload(task)
    if state == S.CANCELLED:
        services.task_cancel(actor=o, task=task, note="建议已由其他渠道解决")
        return reload(task)
    services.task_sign(actor=b, task=task)
    if state == S.IN_PROGRESS:
        return reload(task)
    if state == S.EXTENSION_REQUESTED:
        services.extension_request(
            actor=b, task=task, new_deadline=task.deadline + timedelta(days=10), reason="材料未到"
        )
        return reload(task)
    services.progress_report(actor=b, task=task, text="已完成勘测", percent=40, files=[png("现场.png")])
    services.completion_report(actor=b, task=task, text="已划设 40 个车位", files=[png("现场.png"), pdf("验收单.pdf")])
    if state == S.COMPLETION_REPORTED:
        return reload(task)
    services.completion_verify(actor=o, task=task, note="现场验收合格")
    if state == S.DONE:
        return reload(task)
    services.task_reopen(actor=o, task=task, note="群众反映标识不清", deadline=today() + timedelta(days=15))
    assert state == S.REOPENED
    return reload(task)


def reload(task) -> ResponsibilityTask:
    return ResponsibilityTask.objects.select_related("unit", "consultation", "department", "owner_unit").get(pk=task.pk)


@pytest.fixture
def task(world, consultation):
    return assign(world, consultation)
