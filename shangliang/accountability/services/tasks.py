"""Every write on a task's life: assigning (交办), signing (签收), handing back (申退), reassigning, progress and
completion with evidence, verifying (验收), extensions, reopening (重办), cancelling.

Keyword-only, permission checked inside, Chinese messages, one transaction each, event written (the workflow writes
the transition's event; the other changes record their own).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shangliang.accountability.models import (
    WORKING_STATUSES,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    FollowUpCheck,
    FollowUpStatus,
    ProgressReport,
    ResponsibilityTask,
    TaskStatus,
)
from shangliang.accountability.rules import SYSTEM
from shangliang.accountability.services.common import (
    MAX_AHEAD,
    MAX_EVIDENCE_FILES,
    clean_percent,
    resolve_deadline,
    settings_for,
)
from shangliang.accountability.workflow import EXTENSION_WORKFLOW
from shangliang.accountability.workflow import TASK_WORKFLOW as FLOW
from shangliang.consultations.models import Consultation, ConsultationStatus, Suggestion, SuggestionStatus
from shangliang.core import clock
from shangliang.core.calendars import provisional_register, provisional_withdraw
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.models import TimeLimitStep
from shangliang.core.months import add_months
from shangliang.core.permissions import require_perm
from shangliang.core.uploads import checked_documents
from shangliang.core.validation import clean_key, clean_text
from shangliang.core.workdays import Calendar
from shangliang.people.models import Department
from shangliang.people.services import clean_phone
from shangliang.units.models import Unit

S = TaskStatus
# Results can be turned into tasks once the consultation agreed on them (报送 and 签收 may follow in parallel).
ASSIGNABLE = frozenset(
    {ConsultationStatus.CLOSED_CONSENSUS, ConsultationStatus.SUBMITTED, ConsultationStatus.ACKNOWLEDGED}
)
ACTION_MAX = 1000
TEXT_MAX = 2000
# The same report sent twice within this window is a double click, not news.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


def _body(consultation: Consultation, department: Department | None, owner_unit: Unit | None):
    """The responsible body: one department of the consultation's county, or one unit of that county."""
    if (department is None) == (owner_unit is None):
        raise InvalidInput(_("请选择一个责任单位：职能部门或基层单元，二者选一。"), field="body")
    county = consultation.unit.county
    if department is not None:
        if not department.is_active or county is None or department.county_id != county.pk:
            raise InvalidInput(_("所选部门不属于本县（区），或已撤销。"), field="body")
        return department, None
    if not owner_unit.is_active or county is None or not owner_unit.path.startswith(county.path):
        raise InvalidInput(_("所选单元不属于本县（区），或已撤销。"), field="body")
    return None, owner_unit


def _person(owner_name: str, owner, owner_phone: str) -> tuple[str, object, str]:
    name = clean_text(owner_name, label=_("责任人"), field="owner_name", max_length=50)
    if owner is not None and not owner.is_active:
        raise InvalidInput(_("所选责任人账号已停用。"), field="owner")
    return name, owner, clean_phone(owner_phone, field="owner_phone")


def _suggestion_ready(suggestion: Suggestion) -> Consultation:
    consultation = suggestion.consultation
    if consultation.status not in ASSIGNABLE:
        raise NotPossible(
            _("协商“%(title)s”当前状态为“%(state)s”：达成共识后才能把建议交办落实。")
            % {"title": consultation.title, "state": consultation.get_status_display()}
        )
    if suggestion.status != SuggestionStatus.ACTIVE:
        raise NotPossible(_("该建议已撤回，不能交办。"))
    return consultation


def _register_provisional(task: ResponsibilityTask) -> None:
    """The deadline was counted across a year without an official calendar: listed for checking once it has one."""
    provisional_register(
        county=task.unit.county_id,
        subject=task,
        start=clock.today(),
        working_days=task.deadline_working_days,
        computed=task.deadline,
        label=task.action[:200],
    )


def task_deadline_settle(task: ResponsibilityTask, field: str = "deadline") -> None:
    """The office keeps the provisional deadline, or the official calendar gives the same day: no longer provisional."""
    ResponsibilityTask.objects.filter(pk=task.pk).update(deadline_provisional=False)


def task_deadline_move(task: ResponsibilityTask, field: str, day: date, actor) -> None:
    """The office moves a provisionally counted deadline to the day the official calendar gives."""
    with transaction.atomic():
        t = locked(task)
        old = t.deadline
        t.deadline, t.deadline_provisional = day, False
        t.save(update_fields=["deadline", "deadline_provisional", "updated_at"])
        record_event(
            t,
            actor=actor,
            action="deadline_official",
            public=True,
            data={"old_deadline": old.isoformat(), "new_deadline": day.isoformat()},
        )


def sign_limits(county) -> tuple[date, date]:
    """签收 and 申退 time limits from today: the county's number of days, counted as the county counts each step."""
    today = clock.today()
    config = settings_for(county)
    calendar = Calendar(county)
    return (
        calendar.due(today, config.sign_days, step=TimeLimitStep.SIGN).day,
        calendar.due(today, config.hand_back_days, step=TimeLimitStep.HAND_BACK).day,
    )


def task_assign(
    *,
    actor,
    suggestion: Suggestion,
    owner_name: str,
    action: str,
    department: Department | None = None,
    owner_unit: Unit | None = None,
    owner=None,
    owner_phone: str = "",
    deadline: date | None = None,
    working_days: int | None = None,
    idempotency_key: str = "",
) -> ResponsibilityTask:
    """交办: one line of the responsibility list for an agreed suggestion (具体人、具体事、具体时间节点)."""
    consultation = suggestion.consultation
    require_perm(
        actor,
        "accountability.assign_tasks",
        consultation,
        _("只有本单元的召集人、同级党组织或政协机关可以交办落实任务。"),
    )
    _suggestion_ready(suggestion)
    department, owner_unit = _body(consultation, department, owner_unit)
    owner_name, owner, owner_phone = _person(owner_name, owner, owner_phone)
    action = clean_text(action, label=_("具体事项"), field="action", max_length=ACTION_MAX)
    deadline, n, provisional = resolve_deadline(
        deadline=deadline, working_days=working_days, county=consultation.unit.county_id
    )
    sign_due, hand_back_due = sign_limits(consultation.unit.county)
    key = clean_key(idempotency_key)
    if key:
        earlier = ResponsibilityTask.objects.filter(idempotency_key=key).first()
        if earlier is not None:
            if earlier.suggestion_id != suggestion.pk or earlier.assigned_by_id != actor.pk:
                raise InvalidInput(_("表单已失效，请刷新页面后重新填写。"))
            return earlier
    task = ResponsibilityTask(
        suggestion=suggestion,
        consultation=consultation,
        unit=consultation.unit,
        department=department,
        owner_unit=owner_unit,
        owner=owner,
        owner_name=owner_name,
        owner_phone=owner_phone,
        action=action,
        deadline=deadline,
        deadline_working_days=n,
        deadline_provisional=provisional,
        sign_due=sign_due,
        hand_back_due=hand_back_due,
        assigned_by=actor,
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            # Lock the consultation: it cannot be reopened or cancelled while its results are being assigned.
            gone = _("协商的状态已变更，不能交办。")
            if locked(consultation, fields=["status"], missing=gone).status not in ASSIGNABLE:
                raise NotPossible(_("协商的状态已变更，不能交办。"))
            task.save()
            if provisional:
                _register_provisional(task)
            record_event(
                task,
                actor=actor,
                action="assign",
                to_state=S.ASSIGNED,
                public=True,
                data={"deadline": deadline.isoformat(), "working_days": n, "body": task.body_name},
            )
    except IntegrityError:
        existing = ResponsibilityTask.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    return task


def task_sign(*, actor, task: ResponsibilityTask, note: str = "") -> ResponsibilityTask:
    """签收: the body takes the task on (also a reopened one)."""
    FLOW.check(task, action="sign", actor=actor)
    note = clean_text(note, label=_("说明"), field="note", max_length=500, required=False)
    with transaction.atomic():
        t = locked(task)
        t.signed_at = clock.now()
        FLOW.apply(t, action="sign", actor=actor, note=note, extra_update_fields=["signed_at"])
    return t


def task_hand_back_request(*, actor, task: ResponsibilityTask, reason: str) -> ResponsibilityTask:
    """申退: the body says the task is not theirs, with the reason."""
    FLOW.check(task, action="request_hand_back", actor=actor)
    if task.hand_back_due is not None and clock.today() > task.hand_back_due:
        raise NotPossible(
            _("申退期限（%(d)s）已过，请签收办理；确需调整的，请联系交办单位改派。")
            % {"d": task.hand_back_due.isoformat()}
        )
    reason = clean_text(reason, label=_("申请退回理由"), field="note", max_length=1000)
    with transaction.atomic():
        t = locked(task)
        FLOW.apply(t, action="request_hand_back", actor=actor, note=reason)
    return t


def task_hand_back_decide(*, actor, task: ResponsibilityTask, approve: bool, note: str = "") -> ResponsibilityTask:
    """The office approves the hand-back (then reassigns or cancels) or refuses it (the body must sign)."""
    action = "approve_hand_back" if approve else "refuse_hand_back"
    FLOW.check(task, action=action, actor=actor)
    note = clean_text(note, label=_("审批意见"), field="note", max_length=1000, required=not approve)
    with transaction.atomic():
        t = locked(task)
        FLOW.apply(t, action=action, actor=actor, note=note)
    return t


def task_reassign(
    *,
    actor,
    task: ResponsibilityTask,
    owner_name: str,
    department: Department | None = None,
    owner_unit: Unit | None = None,
    owner=None,
    owner_phone: str = "",
    deadline: date | None = None,
    working_days: int | None = None,
    note: str = "",
) -> ResponsibilityTask:
    """改派: another body or person, optionally a new deadline; the task waits for the new body to sign."""
    FLOW.check(task, action="reassign", actor=actor)
    department, owner_unit = _body(task.consultation, department, owner_unit)
    owner_name, owner, owner_phone = _person(owner_name, owner, owner_phone)
    note = clean_text(note, label=_("改派说明"), field="note", max_length=1000, required=False)
    new_deadline, n, provisional = (None, None, False)
    if deadline is not None or working_days not in (None, ""):
        new_deadline, n, provisional = resolve_deadline(
            deadline=deadline, working_days=working_days, county=task.unit.county_id
        )
    with transaction.atomic():
        t = locked(task)
        before = t.body_name
        t.department, t.owner_unit, t.owner, t.owner_name, t.owner_phone = (
            department,
            owner_unit,
            owner,
            owner_name,
            owner_phone,
        )
        fields = ["department", "owner_unit", "owner", "owner_name", "owner_phone", "signed_at", "sign_due"]
        fields += ["hand_back_due"]
        t.signed_at = None
        t.sign_due, t.hand_back_due = sign_limits(t.unit.county)
        if new_deadline is not None:
            t.deadline, t.deadline_working_days, t.deadline_provisional = new_deadline, n, provisional
            fields += ["deadline", "deadline_working_days", "deadline_provisional"]
            if provisional:
                _register_provisional(t)
            else:
                provisional_withdraw(subject=t)
        FLOW.apply(
            t,
            action="reassign",
            actor=actor,
            note=note,
            data={"from": before, "to": t.body_name, "deadline": t.deadline.isoformat()},
            extra_update_fields=fields,
        )
    return t


def task_cancel(*, actor, task: ResponsibilityTask, note: str) -> ResponsibilityTask:
    FLOW.check(task, action="cancel", actor=actor)
    note = clean_text(note, label=_("撤销理由"), field="note", max_length=1000)
    with transaction.atomic():
        t = locked(task)
        FLOW.apply(t, action="cancel", actor=actor, note=note)
    return t


def progress_report(*, actor, task: ResponsibilityTask, text: str, percent, files: Sequence = ()) -> ProgressReport:
    """进展报告: what was done, how far (0–100), with photos or documents as evidence."""
    require_perm(actor, "accountability.act_on_task", task, _("只有责任单位和责任人可以报告进展。"))
    text = clean_text(text, label=_("进展情况"), field="text", max_length=TEXT_MAX)
    percent = clean_percent(percent)
    checked = checked_documents(
        files, field="files", most=MAX_EVIDENCE_FILES
    )  # refuse bad files before anything is written
    with transaction.atomic():
        t = locked(task)
        if t.status not in WORKING_STATUSES:
            raise NotPossible(
                _("当前状态为“%(state)s”，不能报告进展（请先签收）。") % {"state": t.get_status_display()}
            )
        recent = clock.now() - DOUBLE_SUBMIT_WINDOW
        if ProgressReport.objects.filter(
            task=t, author=actor, text=text, percent=percent, created_at__gte=recent
        ).exists():
            raise InvalidInput(_("刚刚已提交过相同的进展，请勿重复提交。"))
        report = ProgressReport.objects.create(task=t, text=text, percent=percent, author=actor, round=t.round)
        store_checked(t, checked, actor, report)
        t.percent = percent
        t.save(update_fields=["percent", "updated_at"])
        record_event(t, actor=actor, action="progress", note=text, public=True, data={"percent": percent})
    return report


def store_checked(task, checked, actor, report=None, follow_up=None) -> None:
    Evidence.objects.bulk_create(
        Evidence(
            task=task,
            report=report,
            follow_up=follow_up,
            file=d.content,
            original_name=d.name,
            content_type=d.content_type,
            size=d.size,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for d in checked
    )


def completion_report(*, actor, task: ResponsibilityTask, text: str, files: Sequence) -> ProgressReport:
    """报告办结: the result and at least one piece of evidence (a photo or a document); the office then verifies."""
    FLOW.check(task, action="report_completion", actor=actor)
    text = clean_text(text, label=_("办理结果"), field="text", max_length=TEXT_MAX)
    checked = checked_documents(files, field="files", most=MAX_EVIDENCE_FILES)
    if not checked:
        raise InvalidInput(_("报告办结须附佐证材料（照片或文件）。"), field="files")
    with transaction.atomic():
        t = locked(task)
        report = ProgressReport.objects.create(
            task=t, text=text, percent=100, is_completion=True, author=actor, round=t.round
        )
        store_checked(t, checked, actor, report)
        t.percent, t.reported_at, t.completion_note = 100, clock.now(), text
        FLOW.apply(
            t,
            action="report_completion",
            actor=actor,
            note=text,
            data={"report": report.pk},
            extra_update_fields=["percent", "reported_at", "completion_note"],
        )
    return report


def completion_verify(*, actor, task: ResponsibilityTask, note: str = ""):
    """验收: the office accepts the result; a follow-up check is scheduled (行而不久) the county's months later."""
    FLOW.check(task, action="verify", actor=actor)
    note = clean_text(note, label=_("验收意见"), field="note", max_length=1000, required=False)
    today = clock.today()
    with transaction.atomic():
        t = locked(task)
        t.completed_at = clock.now()
        months = settings_for(t.unit.county).follow_up_months
        FollowUpCheck.objects.get_or_create(task=t, round=t.round, defaults={"due_on": add_months(today, months)})
        FLOW.apply(t, action="verify", actor=actor, note=note, extra_update_fields=["completed_at"])
    return t


def completion_send_back(*, actor, task: ResponsibilityTask, note: str) -> ResponsibilityTask:
    """退回重做: the result is not accepted; the body goes on working."""
    FLOW.check(task, action="send_back", actor=actor)
    note = clean_text(note, label=_("退回理由"), field="note", max_length=1000)
    with transaction.atomic():
        t = locked(task)
        t.reported_at = None
        FLOW.apply(t, action="send_back", actor=actor, note=note, extra_update_fields=["reported_at"])
    return t


def extension_request(*, actor, task: ResponsibilityTask, new_deadline: date | None, reason: str) -> ExtensionRequest:
    FLOW.check(task, action="request_extension", actor=actor)
    reason = clean_text(reason, label=_("延期理由"), field="note", max_length=1000)
    today = clock.today()
    if not isinstance(new_deadline, date):
        raise InvalidInput(_("请填写申请延至的日期。"), field="new_deadline")
    if new_deadline <= task.deadline or new_deadline < today:
        raise InvalidInput(
            _("申请延至的日期须晚于原时限（%(d)s）且不早于今天。") % {"d": task.deadline.isoformat()},
            field="new_deadline",
        )
    if new_deadline > today + MAX_AHEAD:
        raise InvalidInput(_("延期不能超过三年。"), field="new_deadline")
    with transaction.atomic():
        t = locked(task)
        request = ExtensionRequest.objects.create(
            task=t, old_deadline=t.deadline, new_deadline=new_deadline, reason=reason, requested_by=actor
        )
        FLOW.apply(
            t,
            action="request_extension",
            actor=actor,
            note=reason,
            data={"extension": request.pk, "new_deadline": new_deadline.isoformat()},
        )
    return request


def extension_decide(*, actor, task: ResponsibilityTask, approve: bool, note: str = "") -> ExtensionRequest:
    action = "approve_extension" if approve else "refuse_extension"
    FLOW.check(task, action=action, actor=actor)
    note = clean_text(note, label=_("审批意见"), field="note", max_length=1000, required=not approve)
    with transaction.atomic():
        t = locked(task)
        request = ExtensionRequest.objects.select_for_update().filter(task=t, status=ExtensionStatus.PENDING).first()
        if request is None:
            raise NotPossible(_("没有待审批的延期申请。"))
        EXTENSION_WORKFLOW.move(request, action=action)
        request.decided_by, request.decided_at, request.decision_note = actor, clock.now(), note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        fields = []
        data = {"extension": request.pk}
        if approve:
            data.update(old_deadline=t.deadline.isoformat(), new_deadline=request.new_deadline.isoformat())
            t.deadline, t.deadline_working_days, t.deadline_provisional = request.new_deadline, None, False
            fields = ["deadline", "deadline_working_days", "deadline_provisional"]
            provisional_withdraw(subject=t)
        FLOW.apply(t, action=action, actor=actor, note=note, data=data, extra_update_fields=fields)
    return request


def task_reopen(
    *,
    actor,
    task: ResponsibilityTask,
    note: str,
    deadline: date | None = None,
    cause: str = "office",
    data: dict | None = None,
) -> ResponsibilityTask:
    """重办: a finished task goes back to its body for another round, with a new deadline.

    The office gives the deadline; the platform (`cause` "dissatisfaction" or "follow_up") gives the county's
    reopening period from today. Call inside the caller's transaction when the cause is written there too.
    """
    FLOW.check(task, action="reopen", actor=actor)
    note = clean_text(note, label=_("重办理由"), field="note", max_length=1000)
    today = clock.today()
    if deadline is None:
        if actor is not SYSTEM:
            raise InvalidInput(_("请填写重办的完成时限。"), field="deadline")
        deadline = today + timedelta(days=settings_for(task.unit.county).reopen_days)
    else:
        deadline, _n, _p = resolve_deadline(deadline=deadline, working_days=None, county=task.unit.county_id)
    with transaction.atomic():
        t = locked(task)
        # The pending follow-up of the finished round no longer applies; the next verification schedules a new one.
        FollowUpCheck.objects.filter(task=t, round=t.round, status=FollowUpStatus.PENDING).delete()
        t.round += 1
        t.deadline, t.deadline_working_days, t.deadline_provisional = deadline, None, False
        provisional_withdraw(subject=t)
        t.percent, t.signed_at, t.reported_at, t.completed_at, t.completion_note = 0, None, None, None, ""
        t.sign_due, t.hand_back_due = sign_limits(t.unit.county)
        FLOW.apply(
            t,
            action="reopen",
            actor=actor,
            note=note,
            data={"cause": cause, "round": t.round, "deadline": deadline.isoformat(), **(data or {})},
            extra_update_fields=[
                "round",
                "deadline",
                "deadline_working_days",
                "deadline_provisional",
                "percent",
                "signed_at",
                "reported_at",
                "completed_at",
                "completion_note",
                "sign_due",
                "hand_back_due",
            ],
        )
    return t
