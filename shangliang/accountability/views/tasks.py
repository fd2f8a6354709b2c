"""Inside the app: my tasks and queues, a unit's responsibility list, a task's page and every step on it. Thin:
parse, call a service, redirect back with a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.accountability import selectors, services
from shangliang.accountability.forms import (
    CommentForm,
    CompletionForm,
    DecideForm,
    ExtensionForm,
    FollowUpForm,
    NoteForm,
    NoticeForm,
    ProgressForm,
    ReassignForm,
    ReopenForm,
    SupervisorForm,
    TaskFilterForm,
)
from shangliang.accountability.models import WORKING_STATUSES, Evidence, FollowUpCheck
from shangliang.accountability.services.chasing import member_candidates
from shangliang.accountability.views.common import (
    back,
    body_of,
    body_pickers,
    body_search,
    body_value,
    load_task,
    owner_of,
    status_of,
)
from shangliang.accountability.workflow import TASK_WORKFLOW
from shangliang.core import clock
from shangliang.core.access import LoginRequired, check_perm, get_for, get_for_action
from shangliang.core.forms import form_action, run_service
from shangliang.core.pagination import paginate
from shangliang.core.picker import Option, picker, picker_response
from shangliang.people.selectors import top_units_for
from shangliang.residents.unmasking import record_unmasking
from shangliang.units.models import Unit
from shangliang.units.selectors import ancestors


def _contact_shown(request, t) -> bool:
    """Whether the page shows the owner's phone in full; if so, that is recorded (an unmasking audit event)."""
    shown = request.user.has_perm("accountability.view_contact", t)
    if shown and t.owner_phone:
        record_unmasking(request, t, field="owner_phone")
    return shown


def _login(request) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired


def _filters(request, unit=None):
    form = TaskFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, selectors.TaskFilters(
        unit=unit, status=data.get("status", ""), overdue=data.get("overdue", False), query=data.get("q", "")
    )


@require_GET
def index(request):
    """My desk: what my body must do, what waits for my decision, what I supervise; then everything I can see."""
    _login(request)
    user = request.user
    form, filters = _filters(request)
    return render(
        request,
        "accountability/index.html",
        {
            "mine": list(selectors.my_tasks(user)[:20]),
            "queue": list(selectors.office_queue(user)[:20]),
            "supervised": list(selectors.supervised_tasks(user)[:20]),
            "follow_ups": list(selectors.due_follow_ups(user)[:20]),
            "units": list(top_units_for(user)[:20]),
            "filters": form,
            "page": paginate(request, selectors.task_list(user, filters)),
            "today": clock.today(),
        },
    )


@require_GET
def unit_list(request, pk):
    """A unit's responsibility list (工作责任清单, its subtree) with the Excel exports."""
    unit = get_for(request, Unit.objects.select_related("county"), "accountability.view_lists", pk=pk)
    form, filters = _filters(request, unit)
    return render(
        request,
        "accountability/unit.html",
        {
            "unit": unit,
            "ancestors": ancestors(unit),
            "filters": form,
            "page": paginate(request, selectors.task_list(request.user, filters)),
            "today": clock.today(),
            "can_configure": unit.kind == "county" and request.user.has_perm("accountability.configure", unit),
        },
    )


@require_GET
def task(request, pk):
    t = load_task(request, pk)
    user = request.user
    available = {tr.action for tr in TASK_WORKFLOW.available(t, user)}
    today = clock.today()
    if t.hand_back_due is not None and today > t.hand_back_due:
        available.discard("request_hand_back")  # past the 申退 limit: the body signs (the service refuses too)
    can_manage = user.has_perm("accountability.manage_task", t)
    context = selectors.task_detail(t)
    return render(
        request,
        "accountability/task.html",
        {
            "t": t,
            "unit": t.unit,
            "ancestors": ancestors(t.unit),
            **context,
            "today": today,
            "available": available,
            "can_manage": can_manage,
            "can_act": user.has_perm("accountability.act_on_task", t),
            "can_report": t.status in WORKING_STATUSES and user.has_perm("accountability.act_on_task", t),
            "can_remind": user.has_perm("accountability.remind_task", t) and t.is_open,
            "can_supervise": user.has_perm("accountability.supervise_task", t),
            "can_follow_up": user.has_perm("accountability.record_follow_up", t),
            "can_contact": _contact_shown(request, t),
            "timeline": selectors.task_timeline(t).order_by("-created_at", "-id")[:80],
            "progress_form": ProgressForm(initial={"percent": t.percent}),
            "completion_form": CompletionForm(),
            "extension_form": ExtensionForm(),
            "reopen_form": ReopenForm(),
            "supervisor_picker": _supervisor_picker(t) if can_manage else None,
            "comment_form": CommentForm(),
            "follow_up_form": FollowUpForm(),
            "notice_form": NoticeForm(),
        },
    )


# Simple steps: one note, one service call.
STEPS = {
    "sign": (lambda u, t, d: services.task_sign(actor=u, task=t, note=d["note"]), _("已签收。")),
    "request_hand_back": (
        lambda u, t, d: services.task_hand_back_request(actor=u, task=t, reason=d["note"]),
        _("已申请退回，等待交办单位审批。"),
    ),
    "approve_hand_back": (
        lambda u, t, d: services.task_hand_back_decide(actor=u, task=t, approve=True, note=d["note"]),
        _("已同意退回，请改派或撤销。"),
    ),
    "refuse_hand_back": (
        lambda u, t, d: services.task_hand_back_decide(actor=u, task=t, approve=False, note=d["note"]),
        _("已驳回退回申请。"),
    ),
    "verify": (lambda u, t, d: services.completion_verify(actor=u, task=t, note=d["note"]), _("已验收办结。")),
    "send_back": (
        lambda u, t, d: services.completion_send_back(actor=u, task=t, note=d["note"]),
        _("已退回重做。"),
    ),
    "cancel": (lambda u, t, d: services.task_cancel(actor=u, task=t, note=d["note"]), _("已撤销。")),
}


@require_POST
def step(request, pk, action):
    if action not in STEPS:
        raise Http404
    t = get_for_action(request, selectors.TASKS, TASK_WORKFLOW, action, pk=pk)
    fn, success = STEPS[action]
    form_action(request, NoteForm(request.POST), lambda d: fn(request.user, t, d), success)
    return back(t)


@require_POST
def progress(request, pk):
    t = load_task(request, pk, "accountability.act_on_task")
    form = ProgressForm(request.POST, request.FILES)
    form_action(
        request,
        form,
        lambda d: services.progress_report(
            actor=request.user, task=t, text=d["text"], percent=d["percent"], files=d["files"]
        ),
        _("已报告进展。"),
    )
    return back(t, "progress")


@require_POST
def complete(request, pk):
    t = get_for_action(request, selectors.TASKS, TASK_WORKFLOW, "report_completion", pk=pk)
    form = CompletionForm(request.POST, request.FILES)
    form_action(
        request,
        form,
        lambda d: services.completion_report(actor=request.user, task=t, text=d["text"], files=d["files"]),
        _("已报告办结，等待验收。"),
    )
    return back(t)


@require_POST
def extension(request, pk):
    t = get_for_action(request, selectors.TASKS, TASK_WORKFLOW, "request_extension", pk=pk)
    form_action(
        request,
        ExtensionForm(request.POST),
        lambda d: services.extension_request(
            actor=request.user, task=t, new_deadline=d["new_deadline"], reason=d["note"]
        ),
        _("已申请延期，等待交办单位审批。"),
    )
    return back(t)


@require_POST
def extension_decide(request, pk):
    t = get_for_action(request, selectors.TASKS, TASK_WORKFLOW, ("approve_extension", "refuse_extension"), pk=pk)
    form = DecideForm(request.POST)
    form_action(
        request,
        form,
        lambda d: services.extension_decide(
            actor=request.user, task=t, approve=d["decision"] == "approve", note=d["note"]
        ),
        _("已审批延期申请。"),
    )
    return back(t)


@require_http_methods(["GET", "POST"])
def reassign(request, pk):
    t = load_task(request, pk, "accountability.manage_task")
    form = ReassignForm(request.POST or None, initial={"owner_name": t.owner_name, "body": body_value(t)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def run():
            body = body_of(d["body"], t.unit)
            return services.task_reassign(
                actor=request.user,
                task=t,
                owner_name=d["owner_name"],
                owner=owner_of(d["owner"], t.unit, body),
                owner_phone=d["owner_phone"],
                deadline=d["deadline"],
                working_days=d["working_days"],
                note=d["note"],
                **body,
            )

        if run_service(form, run):
            messages.success(request, _("已改派，等待新的责任单位签收。"))
            return back(t)
    search_url = reverse("accountability:reassign_search", args=[t.pk])
    return render(
        request,
        "accountability/reassign.html",
        {
            "t": t,
            "unit": t.unit,
            "ancestors": ancestors(t.unit),
            "form": form,
            **body_pickers(form, t.unit, search_url),
        },
        status=status_of(form),
    )


@require_GET
def reassign_search(request, pk):
    """htmx: the bodies, or the chosen body's accounts, matching what is typed in the reassign form's pickers."""
    t = load_task(request, pk, "accountability.manage_task")
    return body_search(request, t.unit, reverse("accountability:reassign_search", args=[t.pk]))


@require_POST
def reopen(request, pk):
    t = get_for_action(request, selectors.TASKS, TASK_WORKFLOW, "reopen", pk=pk)
    form_action(
        request,
        ReopenForm(request.POST),
        lambda d: services.task_reopen(actor=request.user, task=t, note=d["note"], deadline=d["deadline"]),
        _("已重办，等待责任单位重新签收。"),
    )
    return back(t)


@require_POST
def remind(request, pk):
    t = load_task(request, pk, "accountability.remind_task")
    form_action(
        request,
        NoteForm(request.POST),
        lambda d: services.task_remind(actor=request.user, task=t, note=d["note"]),
        _("已催办。"),
    )
    return back(t)


@require_POST
def notice(request, pk):
    t = load_task(request, pk, "accountability.manage_task")
    form_action(
        request,
        NoticeForm(request.POST),
        lambda d: services.task_notice(actor=request.user, task=t, text=d["text"]),
        _("已通报。"),
    )
    return back(t)


@require_POST
def supervisor(request, pk):
    t = load_task(request, pk, "accountability.manage_task")
    form_action(
        request,
        SupervisorForm(request.POST),
        lambda d: services.supervisor_add(
            actor=request.user, task=t, member=member_candidates(t).filter(pk=d["member"]).first()
        ),
        _("已指派督办委员。"),
    )
    return back(t, "supervision")


def _supervisor_picker(t, query: str = ""):
    """The county's members, searched by name (a county has hundreds: none is left out of the search)."""
    return picker(
        name="member",
        label=_("督办委员"),
        search_url=reverse("accountability:supervisor_search", args=[t.pk]),
        queryset=member_candidates(t),
        fields=("full_name", "username"),
        option=lambda m: Option(m.pk, m.display_name),
        query=query,
        placeholder=_("输入委员姓名查找"),
    )


@require_GET
def supervisor_search(request, pk):
    t = load_task(request, pk, "accountability.manage_task")
    return picker_response(request, _supervisor_picker(t, request.GET.get("member_q", "")))


@require_POST
def comment(request, pk):
    t = load_task(request, pk, "accountability.supervise_task")
    form_action(
        request,
        CommentForm(request.POST),
        lambda d: services.supervision_comment(
            actor=request.user, task=t, text=d["text"], escalate=d["escalate"], idempotency_key=d["idempotency_key"]
        ),
        _("已提交督办意见。"),
    )
    return back(t, "supervision")


@require_POST
def follow_up(request, pk, check_pk):
    t = load_task(request, pk, "accountability.record_follow_up")
    check = get_object_or_404(FollowUpCheck.objects.select_related("task"), pk=check_pk, task=t)
    form = FollowUpForm(request.POST, request.FILES)
    form_action(
        request,
        form,
        lambda d: services.follow_up_record(
            actor=request.user, check=check, lasted=d["lasted"], note=d["note"], files=d["files"]
        ),
        _("已记录回访。"),
    )
    return back(t, "follow-ups")


@require_GET
def evidence(request, pk):
    item = get_object_or_404(Evidence.objects.select_related("task", "task__unit"), pk=pk)
    check_perm(request, "accountability.view_task", item.task)
    return evidence_response(item, inline=item.is_image)


def evidence_response(item: Evidence, *, inline: bool):
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, item.original_name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
