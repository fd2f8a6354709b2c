"""Implementation and evaluation in the demo county: the responsibility list of the consultations that reached
consensus, with tasks in every state of the workflow, some overdue (reminded and publicly noticed), one reopened after
residents' ratings and one after a failed follow-up check, supervision by the demo member, ratings, third-party
evaluations, and the county's settings and evaluation form; one agreed suggestion is left without a task (决而不行).

One loader step, `build_accountability`, after the consultations step. Everything goes through the services (so every
task has its events, timeline and notifications); the services refuse deadlines in the past, so each task is worked
now and then moved back to its place on the curated calendar (demo.anchor: the plans' dates are as they stand on
STORY_DAY and move with the day of loading), its events spread between its assignment and its last step: the open
tasks' deadlines lie weeks ahead, the overdue ones a few weeks behind, whatever the day of loading. The periodic
command then runs twice (eight days ago and today), which sends the overdue reminders and, after the grace period, the
public notices (通报).
"""

# ruff: noqa: E501 -- the scenario table is Chinese text, easier read unwrapped.
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from PIL import Image

from shangliang.accountability import services
from shangliang.accountability.models import (
    EvaluationResponse,
    ExtensionRequest,
    FollowUpCheck,
    ItemKind,
    ProgressReport,
    PublicNotice,
    Rating,
    Reminder,
    ResponsibilityTask,
    Supervision,
    SupervisionComment,
)
from shangliang.accountability.models import TaskStatus as T
from shangliang.accountability.services.periodic import run_periodic
from shangliang.accountability.services.tasks import sign_limits
from shangliang.consultations.models import CLOSED, Consultation
from shangliang.core import clock
from shangliang.core.models import Event
from shangliang.core.months import add_months
from shangliang.people.models import Department, Position, Role, RoleAssignment, User
from shangliang.units.models import Unit

from . import anchor
from .county import require_county


@dataclass(frozen=True)
class Plan:
    """One task: which consultation (topic title start) and suggestion, who does what by when, and how far it got."""

    topic: str
    suggestion: int  # the suggestion's order
    action: str
    body: str  # a department's name, or "unit" for the consultation's own unit (the village committee)
    person: str
    phone: str
    start: date  # assigned on
    deadline: date
    state: str
    steps: tuple = ()  # extra things along the way, see _extra
    ratings: tuple = ()
    progress: tuple = field(default=("已完成现场勘查和方案设计。", 30))
    result: str = ""


# fmt: off
PLANS = [
    Plan("黑木耳产业园区污水", 1, "建设园区污水收集管网 2.6 公里，接入镇污水处理站", "住房和城乡建设局", "刘建军", "13904530101",
         date(2025, 4, 28), date(2025, 6, 30), T.DONE, steps=("supervise", "follow_up_lasted"),
         ratings=(5, 5, 4, 4, 3, 5), result="管网 2.6 公里已建成并通水，菌包厂、烘干厂废水全部接入。"),
    Plan("黑木耳产业园区污水", 2, "制定处理站运行费用按用水量分担办法并公布测算依据", "绥阳镇人民政府", "王海峰", "13904530102",
         date(2025, 4, 28), date(2025, 6, 30), T.IN_PROGRESS, steps=("follow_up_not_lasted", "resign"),
         ratings=(4, 4), result="分担办法已印发，测算依据在镇政务公开栏公示。"),
    Plan("黑木耳产业园区污水", 3, "每季度对处理站出水水质检测并在镇村公开栏公示", "住房和城乡建设局", "赵立新", "13904530103",
         date(2025, 4, 28), date(2025, 12, 5), T.IN_PROGRESS, steps=("supervise", "escalate")),
    Plan("黑木耳产业园区污水", 3, "在园区入口设立水质公示牌", "住房和城乡建设局", "赵立新", "13904530103",
         date(2025, 4, 28), date(2026, 1, 20), T.COMPLETION_REPORTED, result="公示牌已设立，首季度检测结果已上墙。"),
    Plan("三组饮用水水压不足", 1, "在三组新建加压泵站一座", "水务局", "孙德明", "13904530201",
         date(2025, 5, 20), date(2026, 1, 25), T.COMPLETION_REPORTED, steps=("supervise", "follow"),
         result="加压泵站已建成试运行，早晚高峰水压 0.25 兆帕。"),
    Plan("三组饮用水水压不足", 2, "更换三组主管道 800 米", "水务局", "孙德明", "13904530201",
         date(2025, 5, 20), date(2025, 12, 16), T.EXTENSION_REQUESTED, steps=("supervise",)),
    Plan("三组饮用水水压不足", 3, "向市级申请饮水安全工程补助资金", "绥阳镇人民政府", "李春梅", "13904530203",
         date(2025, 12, 29), date(2026, 2, 27), T.HAND_BACK_REQUESTED),
    Plan("村部广场加装健身器材", 1, "在村部广场东侧安装健身器材 12 件", "unit", "张永福", "13904530301",
         date(2025, 8, 12), date(2025, 12, 26), T.REOPENED, ratings=(4, 1, 2),
         result="12 件健身器材已安装。"),
    Plan("留守老人吃饭难", 1, "利用村部闲置房屋改建老年食堂", "unit", "陈玉山", "13904530401",
         date(2025, 12, 30), date(2026, 3, 31), T.ASSIGNED),
    Plan("留守老人吃饭难", 2, "制定老年食堂运营补助办法，每月补助 3000 元", "民政局", "周丽娟", "13904530402",
         date(2025, 12, 15), date(2026, 3, 31), T.HANDED_BACK),
    Plan("留守老人吃饭难", 3, "组织村民志愿者帮厨排班", "unit", "陈玉山", "13904530401",
         date(2025, 10, 8), date(2025, 12, 31), T.CANCELLED),
    Plan("留守老人吃饭难", 3, "建立村民志愿者帮厨排班表并张贴公示", "unit", "陈玉山", "13904530401",
         date(2025, 10, 20), date(2025, 11, 30), T.DONE, ratings=(5, 4), result="志愿者 24 人，排班表已在村部张贴。"),
]
# fmt: on
HAND_BACK = "补助资金申请应由村委会经村民代表会议讨论后提出，不属本单位职责。"
EXTENSION = "主管道更换需避开冻土期和用水高峰，申请延期半年。"
EXTENSION_MONTHS = 6
ESCALATE = "已两次催办仍未开展检测，建议提请市政协主席会议督办。"


def photo(name: str = "现场照片.png") -> SimpleUploadedFile:
    """A small PNG for the demo's progress and completion evidence (the uploads check content, so it is a real one)."""
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (40, 110, 160)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class _Cast:
    def __init__(self, county: Unit):
        today = clock.today()
        rows = RoleAssignment.objects.filter(
            unit__path__startswith=county.path, renounced_at__isnull=True, assumed_at__lte=today
        ).select_related("user")
        self.by_unit_role: dict[tuple[int, str], list[User]] = {}
        self.department_staff: dict[int, User] = {}
        self.first: dict[int, User] = {}
        self.residents: list[User] = []
        for a in rows.order_by("id"):
            self.by_unit_role.setdefault((a.unit_id, a.role), []).append(a.user)
            if a.role == Role.DEPARTMENT and a.department_id:
                self.department_staff.setdefault(a.department_id, a.user)
            if a.role == Role.CONVENOR and a.position == Position.FIRST_CONVENOR:
                self.first.setdefault(a.unit_id, a.user)
            if a.role == Role.RESIDENT and not a.user.username.startswith("demo_"):
                self.residents.append(a.user)
        self.demo = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
        self.departments = {d.name: d for d in Department.objects.filter(county=county)}
        self.county = county

    def office(self, c: Consultation) -> User:
        if c.unit.name == "绥阳镇":
            return self.demo["demo_convenor"]
        return self.first[c.unit_id]

    def body(self, task: ResponsibilityTask) -> User:
        if task.department_id:
            if task.department.name == "住房和城乡建设局":
                return self.demo["demo_department"]
            return self.department_staff[task.department_id]
        return self.first[task.owner_unit_id]


def build_accountability(ctx) -> bool:
    county = require_county()
    if ResponsibilityTask.objects.filter(unit__path__startswith=county.path).exists():
        return False
    consultations = list(
        Consultation.objects.filter(unit__path__startswith=county.path, status__in=CLOSED)
        .select_related("unit")
        .prefetch_related("topics", "suggestions")
    )
    if not consultations:
        return False
    cast = _Cast(county)
    staff = cast.demo["demo_staff"]
    services.settings_save(
        actor=staff, county=county, remind_before_days=3, notice_grace_days=5, dissatisfaction_percent=30,
        min_ratings=3, reopen_days=30, follow_up_months=6,
    )  # fmt: skip
    form = services.evaluation_form_save(
        actor=staff,
        county=county,
        name="东宁市“有事好商量”协商质效第三方评估表",
        items=[
            {"kind": ItemKind.PROCESS, "text": "议题来源于群众、经同级党组织审定", "weight": 15},
            {"kind": ItemKind.PROCESS, "text": "商前调研深入，利益相关方充分参与", "weight": 20},
            {"kind": ItemKind.PROCESS, "text": "协商程序规范，意见充分表达并记录", "weight": 15},
            {"kind": ItemKind.OUTCOME, "text": "建议具体可行，责任落实到人", "weight": 20},
            {"kind": ItemKind.OUTCOME, "text": "问题实际解决，群众认可", "weight": 30},
        ],
    )
    made = []
    for plan in PLANS:
        c = next((c for c in consultations if any(t.title.startswith(plan.topic) for t in c.topics.all())), None)
        if c is None:
            continue
        suggestion = next((s for s in c.suggestions.all() if s.order == plan.suggestion and s.is_active), None)
        if suggestion is None:
            continue
        made.append((plan, _work(plan, c, suggestion, cast)))
    for plan, task in made:
        _place(plan, task)
    _chase(cast)
    _evaluate(consultations, cast, form)
    return True


def _work(plan: Plan, c: Consultation, suggestion, cast: _Cast) -> ResponsibilityTask:
    """Assign the task and take it to its state, now."""
    office = cast.office(c)
    body_kwargs = {"owner_unit": c.unit} if plan.body == "unit" else {"department": cast.departments[plan.body]}
    soon = clock.today() + timedelta(days=30)
    task = services.task_assign(
        actor=office, suggestion=suggestion, owner_name=plan.person, owner_phone=plan.phone, action=plan.action,
        deadline=soon, **body_kwargs,
    )  # fmt: skip
    task = ResponsibilityTask.objects.select_related("unit", "department", "owner_unit", "consultation").get(pk=task.pk)
    body = cast.body(task)
    member = cast.demo["demo_member"]
    if "supervise" in plan.steps:
        services.supervisor_add(actor=office, task=task, member=member)
    if plan.state == T.ASSIGNED:
        return task
    if plan.state in (T.HAND_BACK_REQUESTED, T.HANDED_BACK):
        services.task_hand_back_request(actor=body, task=task, reason=HAND_BACK)
        if plan.state == T.HANDED_BACK:
            services.task_hand_back_decide(actor=office, task=task, approve=True, note="同意退回，另行研究责任单位。")
        return task
    if plan.state == T.CANCELLED:
        services.task_cancel(actor=office, task=task, note="并入新的帮厨排班事项，按村民意见调整后重新交办。")
        return task
    services.task_sign(actor=body, task=task, note="已签收，明确专人负责。")
    text, percent = plan.progress
    services.progress_report(actor=body, task=task, text=text, percent=percent, files=[photo()])
    if "escalate" in plan.steps:
        services.task_remind(actor=member, task=task, note="请按时开展水质检测并公示结果。")
        services.supervision_comment(actor=member, task=task, text=ESCALATE, escalate=True)
    if plan.state == T.IN_PROGRESS and "follow_up_not_lasted" not in plan.steps:
        return task
    if plan.state == T.EXTENSION_REQUESTED:
        services.extension_request(
            actor=body, task=task, new_deadline=clock.today() + timedelta(days=220), reason=EXTENSION
        )
        return task
    services.progress_report(actor=body, task=task, text="主体工作已完成，正在收尾。", percent=80)
    services.completion_report(actor=body, task=task, text=plan.result, files=[photo()])
    if "follow" in plan.steps:
        services.task_follow(task=task, actor=cast.demo["demo_resident"])
    if plan.state == T.COMPLETION_REPORTED:
        return task
    services.completion_verify(actor=office, task=task, note="经现场查看，验收合格。")
    for i, score in enumerate(plan.ratings):
        task.refresh_from_db()
        if task.status != T.DONE:
            break
        services.rating_submit(
            task=task, actor=cast.residents[i], score=score,
            comment={5: "办得好，谢谢！", 4: "基本满意。", 3: "还可以，希望保持。", 2: "效果不明显。", 1: "器材质量差，已经坏了两件。"}[score],
        )  # fmt: skip
    task.refresh_from_db()
    check = FollowUpCheck.objects.filter(task=task, round=0).first()
    if check is not None and "follow_up_lasted" in plan.steps:
        services.follow_up_record(actor=office, check=check, lasted=True, note="回访：管网运行正常，沟渠无污水。")
    if check is not None and "follow_up_not_lasted" in plan.steps:
        services.follow_up_record(
            actor=office, check=check, lasted=False, note="回访发现两家烘干厂未按办法缴费，分担办法未执行到位。"
        )
        if "resign" in plan.steps:
            task.refresh_from_db()
            services.task_sign(actor=body, task=task, note="重新签收，逐户督促缴费。")
            services.progress_report(actor=body, task=task, text="已约谈两家烘干厂负责人。", percent=40)
    return task


# States whose steps follow the assignment within days (signing refused, handed back, cancelled, not yet signed).
EARLY = {T.ASSIGNED: 3, T.HAND_BACK_REQUESTED: 2, T.HANDED_BACK: 4, T.CANCELLED: 10}


def _place(plan: Plan, task: ResponsibilityTask) -> None:
    """Move the task back to its place on the curated calendar (demo.anchor): assigned on `start`, its steps spread
    until its last one; the residents' ratings (and the reopening they cause) in the days after the verification, a
    follow-up check months after it; the signing and hand-back limits counted from the assignment (or the reopening)
    as the services count them."""
    tz = timezone.get_current_timezone()
    start_day, deadline = anchor.day(plan.start), anchor.day(plan.deadline)
    start = timezone.make_aware(datetime.combine(start_day, time(9, 30)), tz)
    today = clock.today()
    if plan.state in EARLY:
        end_day = min(start_day + timedelta(days=EARLY[plan.state]), today - timedelta(days=1))
    else:
        end_day = min(deadline - timedelta(days=10), today - timedelta(days=12))
        if plan.state in (T.DONE, T.REOPENED, T.COMPLETION_REPORTED) or "follow_up_not_lasted" in plan.steps:
            end_day = min(end_day, today - timedelta(days=20))
        end_day = max(end_day, start_day + timedelta(days=5))
    end = timezone.make_aware(datetime.combine(end_day, time(16)), tz)
    events = list(
        Event.objects.filter(content_type__app_label="accountability", content_type__model="responsibilitytask")
        .filter(object_id=task.pk)
        .order_by("id")
    )
    verify = next((k for k, e in enumerate(events) if e.action == "verify"), len(events) - 1)
    step = (end - start) / max(verify, 1)
    for k, e in enumerate(events[: verify + 1]):
        e.created_at = start + step * k
    # After the verification: the ratings (and the reopening the last one causes) within days; the follow-up check
    # and what follows it months later.
    verified = events[verify].created_at if events else start
    after_check = False
    for k, e in enumerate(events[verify + 1 :], start=1):
        if e.action == "follow_up":
            after_check = True
            months_later = timezone.make_aware(datetime.combine(add_months(verified.date(), 6), time(10)), tz)
        if after_check:
            e.created_at = months_later + timedelta(days=k)
        else:
            e.created_at = verified + timedelta(days=2 * k, hours=k)
    Event.objects.bulk_update(events, ["created_at"])
    by_action: dict[str, list] = {}
    for e in events:
        by_action.setdefault(e.action, []).append(e.created_at)
    fields = {"created_at": start, "updated_at": events[-1].created_at if events else start}
    county = task.unit.county
    if "reopen" in by_action:  # a reopened task's new round is given the county's reopening period
        reopened = timezone.localtime(by_action["reopen"][-1]).date()
        fields["deadline"] = reopened + timedelta(days=services.settings_for(county).reopen_days)
    else:
        fields["deadline"] = deadline
    with clock.frozen(max(by_action.get("reopen", []) + by_action.get("assign", [start]))):
        fields["sign_due"], fields["hand_back_due"] = sign_limits(county)
    if plan.state == T.EXTENSION_REQUESTED:
        ExtensionRequest.objects.filter(task=task).update(
            old_deadline=deadline,
            new_deadline=add_months(deadline, EXTENSION_MONTHS),
            requested_at=by_action["request_extension"][-1],
        )
    for name, action in (("signed_at", "sign"), ("reported_at", "report_completion"), ("completed_at", "verify")):
        value = ResponsibilityTask.objects.filter(pk=task.pk).values_list(name, flat=True).get()
        if value is not None and action in by_action:
            fields[name] = by_action[action][-1]
    ResponsibilityTask.objects.filter(pk=task.pk).update(**fields)
    reports = list(ProgressReport.objects.filter(task=task).order_by("id"))
    times = by_action.get("progress", []) + by_action.get("report_completion", [])
    for report, at in zip(reports, sorted(times), strict=False):
        report.created_at = at
    ProgressReport.objects.bulk_update(reports, ["created_at"])
    for model, column, action in (
        (Reminder, "sent_at", "remind"),
        (SupervisionComment, "created_at", "escalate"),
        (Rating, "created_at", "rated"),
    ):
        rows = list(model.objects.filter(task=task).order_by("id"))
        for row, at in zip(rows, by_action.get(action, []), strict=False):
            setattr(row, column, at)
        model.objects.bulk_update(rows, [column])
    Supervision.objects.filter(task=task).update(assigned_at=start + timedelta(hours=2))
    for check in FollowUpCheck.objects.filter(task=task):
        verified = by_action.get("verify", [None])[min(check.round, len(by_action.get("verify", [None])) - 1)]
        if verified is None:
            continue
        due = add_months(timezone.localtime(verified).date(), 6)
        checked_at = by_action.get("follow_up", [None])[0] if check.checked_at else None
        FollowUpCheck.objects.filter(pk=check.pk).update(
            due_on=due, checked_at=checked_at, notified_at=checked_at and checked_at - timedelta(days=2)
        )


def _chase(cast: _Cast) -> None:
    """The periodic command eight days ago (overdue reminders) and today (the notices after the grace period)."""
    with clock.frozen(clock.now() - timedelta(days=8)):
        run_periodic()
    run_periodic()
    for model, column, action in ((Reminder, "sent_at", "remind"), (PublicNotice, "published_at", "notice")):
        for row in model.objects.filter(key__gt="").select_related("task"):
            data_key = "reminder" if model is Reminder else "notice"
            Event.objects.filter(
                content_type__app_label="accountability",
                object_id=row.task_id,
                action=action,
                **{f"data__{data_key}": row.pk},
            ).update(created_at=getattr(row, column))


def _evaluate(consultations, cast: _Cast, form) -> None:
    evaluators = list(
        User.objects.filter(assignments__role=Role.EVALUATOR, assignments__unit=cast.county).order_by("username")
    )
    items = list(form.items.all())
    scores = [{0: 5, 1: 4, 2: 4, 3: 4, 4: 3}, {0: 4, 1: 3, 2: 4, 3: 3, 4: 3}]
    done = [c for c in consultations if c.tasks.exists()]
    for c, evaluator, answers in zip(done[:2], evaluators[:2], scores, strict=False):
        services.evaluation_submit(
            actor=evaluator,
            consultation=c,
            answers={item.pk: answers[i] for i, item in enumerate(items)},
            comment="程序规范，群众参与度高；建议加强落实跟踪。",
            organisation="牡丹江社会治理评估中心",
        )
    EvaluationResponse.objects.update(created_at=F("created_at") - timedelta(days=10))
