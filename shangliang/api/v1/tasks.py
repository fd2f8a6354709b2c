"""/api/v1/tasks/: a department's own system works on its tasks (scope tasks:act) as the client's account, through
the accountability services, so the same permissions hold as on the pages (the body: the department's staff, the
named person, the responsible unit's convenors) and the same workflow table decides what is possible when."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from shangliang.accountability import services as acc
from shangliang.accountability.selectors import rating_summary, tasks_visible_to
from shangliang.api.auth import client_of
from shangliang.api.base import IDEMPOTENCY_PARAMETER, ApiView, WriteView
from shangliang.api.models import Scope
from shangliang.api.pagination import UPDATED_SINCE
from shangliang.api.v1 import serializers as s
from shangliang.api.v1.public import ListView, reads, writes


def client_tasks(request):
    """The tasks the client's account sees (its body's, those it supervises), inside the client's subtree."""
    client = client_of(request)
    account = client.account
    if account is None or not account.is_active:
        return tasks_visible_to(request.user).none() if account is not None else None
    return tasks_visible_to(account).filter(unit__path__startswith=client.unit.path)


def task_of(request, pk: int):
    tasks = client_tasks(request)
    task = tasks.filter(pk=pk).first() if tasks is not None and 0 < pk < 2**62 else None
    if task is None:
        raise NotFound(_("没有这项工作责任，或不在本客户端的范围内。"))
    return task


def task_context(page):
    return {"ratings": rating_summary(page)}


class Tasks(ListView):
    required_scope = Scope.ACT_ON_TASKS
    serializer_class = s.TaskOut

    @extend_schema(
        operation_id="tasks_list",
        tags=["tasks"],
        parameters=[UPDATED_SINCE],
        responses=reads(200, s.TaskOut(many=True)),
        description="The tasks of the client's account (its department's, in the client's subtree), every status.",
    )
    def get(self, request):
        tasks = client_tasks(request)
        if tasks is None:
            raise NotFound(_("该客户端没有代为操作的账号。"))
        return self.page_of(tasks, s.TaskOut, task_context)


class TaskDetail(ApiView):
    required_scope = Scope.ACT_ON_TASKS

    @extend_schema(operation_id="tasks_read", tags=["tasks"], responses=reads(200, s.TaskOut))
    def get(self, request, pk):
        return Response(s.TaskOut(task_of(request, pk)).data)


class TaskAction(WriteView):
    """POST one step on a task; the service checks permission and state, then the task is answered as it is now."""

    required_scope = Scope.ACT_ON_TASKS
    input_serializer = None

    def act(self, task, data):  # pragma: no cover - each action overrides it
        raise NotImplementedError

    def create(self, request, pk):
        task = task_of(request, pk)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = self.act(request, task, data.validated_data)
        return Response(result, status=200)


def task_answer(task) -> dict:
    return s.TaskOut(task).data


@extend_schema_view(
    post=extend_schema(
        operation_id="tasks_sign",
        tags=["tasks"],
        request=s.NoteIn,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses=writes(200, s.TaskOut),
        description="签收: the body takes the task on (also a reopened one).",
    ),
)
class Sign(TaskAction):
    input_serializer = s.NoteIn

    def act(self, request, task, v):
        return task_answer(acc.task_sign(actor=request.user, task=task, note=v.get("note", "")))


@extend_schema_view(
    post=extend_schema(
        operation_id="tasks_hand_back",
        tags=["tasks"],
        request=s.ReasonIn,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses=writes(200, s.TaskOut),
        description="申请退回: the body says the task is not theirs, with the reason; the office decides.",
    ),
)
class HandBack(TaskAction):
    input_serializer = s.ReasonIn

    def act(self, request, task, v):
        return task_answer(acc.task_hand_back_request(actor=request.user, task=task, reason=v["reason"]))


@extend_schema_view(
    post=extend_schema(
        operation_id="tasks_progress",
        tags=["tasks"],
        request={"multipart/form-data": s.ProgressIn, "application/json": s.ProgressIn},
        parameters=[IDEMPOTENCY_PARAMETER],
        responses=writes(201, s.ReportOut),
        description="进展报告: text, percent (0–100), evidence files (photos, PDF, Word, Excel; multipart).",
    ),
)
class Progress(TaskAction):
    input_serializer = s.ProgressIn

    def create(self, request, pk):
        response = super().create(request, pk)
        response.status_code = 201
        return response

    def act(self, request, task, v):
        report = acc.progress_report(
            actor=request.user, task=task, text=v["text"], percent=v["percent"], files=v.get("files") or ()
        )
        return s.ReportOut(report).data


@extend_schema_view(
    post=extend_schema(
        operation_id="tasks_completion",
        tags=["tasks"],
        request={"multipart/form-data": s.CompletionIn},
        parameters=[IDEMPOTENCY_PARAMETER],
        responses=writes(201, s.ReportOut),
        description="报告办结: the result with at least one piece of evidence; the office then verifies.",
    ),
)
class Completion(TaskAction):
    input_serializer = s.CompletionIn

    def create(self, request, pk):
        response = super().create(request, pk)
        response.status_code = 201
        return response

    def act(self, request, task, v):
        report = acc.completion_report(actor=request.user, task=task, text=v["text"], files=v["files"])
        return s.ReportOut(report).data
