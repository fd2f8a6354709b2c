"""The responsibility list (工作责任清单): tasks with a body, a person, an action and a deadline; their progress,
extensions, reminders (催办), public notices (通报) and supervision (督办)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shangliang.core.crypto import EncryptedTextField
from shangliang.core.models import TimeStamped
from shangliang.core.validation import InRange
from shangliang.people.models import mask_phone


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待签收")
    HAND_BACK_REQUESTED = "hand_back_requested", _("申请退回")
    HANDED_BACK = "handed_back", _("已退回")
    IN_PROGRESS = "in_progress", _("办理中")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    COMPLETION_REPORTED = "completion_reported", _("待验收")
    DONE = "done", _("已办结")
    REOPENED = "reopened", _("重办待签收")
    CANCELLED = "cancelled", _("已撤销")


S = TaskStatus
# The body still owes work: these count as overdue after the deadline and are chased.
OPEN_STATUSES = frozenset({S.ASSIGNED, S.HAND_BACK_REQUESTED, S.IN_PROGRESS, S.EXTENSION_REQUESTED, S.REOPENED})
# A task in these states stands for its suggestion (a suggestion without one is "decided but not done").
LIVE_STATUSES = frozenset({*OPEN_STATUSES, S.COMPLETION_REPORTED, S.DONE})
# The body may report progress in these.
WORKING_STATUSES = frozenset({S.IN_PROGRESS, S.EXTENSION_REQUESTED})


class ResponsibilityTask(TimeStamped):
    """One line of the responsibility list: 具体人、具体事、具体时间节点 for one suggestion."""

    suggestion = models.ForeignKey(
        "consultations.Suggestion", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("协商建议")
    )
    # Denormalised from the suggestion for lists and scoping (kept by the services).
    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("协商活动")
    )
    # The consultation's unit: whose office manages the task and whose public page posts it.
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("所属单元"))

    # The responsible body (责任单位): a department, or a unit (a town or village committee). Exactly one.
    department = models.ForeignKey(
        "people.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("责任部门"),
    )
    owner_unit = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_tasks",
        verbose_name=_("责任单元"),
    )
    # The responsible person (责任人): a name always; an account when they use the platform.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_tasks",
        verbose_name=_("责任人账号"),
    )
    owner_name = models.CharField(_("责任人"), max_length=50)
    # Encrypted at rest (SM4-GCM): the office calls the responsible person; others see it masked.
    owner_phone = EncryptedTextField(_("责任人电话"), blank=True)

    action = models.TextField(_("具体事项"), max_length=1000)
    deadline = models.DateField(_("完成时限"), db_index=True)
    # When the deadline was given in working days: how many (the date above is what they came to).
    deadline_working_days = models.PositiveSmallIntegerField(
        _("工作日数"), null=True, blank=True, validators=[InRange(1, 500)]
    )
    # Counted across a year without an official calendar yet (core.workdays): shown with a note until checked.
    deadline_provisional = models.BooleanField(_("期限暂按法定节假日推算"), default=False)
    status = models.CharField(_("状态"), max_length=30, choices=TaskStatus.choices, default=S.ASSIGNED, db_index=True)
    percent = models.PositiveSmallIntegerField(_("进度（%）"), default=0, validators=[MaxValueValidator(100)])
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    # The body signs for the task, or asks to hand it back, by these days (the county's sign_days and hand_back_days
    # from the latest assignment, counted as the county counts those steps). Empty on tasks assigned before.
    sign_due = models.DateField(_("签收期限"), null=True, blank=True)
    hand_back_due = models.DateField(_("申退期限"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报告办结时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("验收办结时间"), null=True, blank=True)
    completion_note = models.TextField(_("办理结果"), max_length=2000, blank=True)
    escalated_at = models.DateTimeField(_("督办升级时间"), null=True, blank=True)
    # 重办: how many times the task has been reopened; ratings and follow-up checks belong to a round.
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)

    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A random key sent with the form: a double-clicked submit finds the task it already created.
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("工作责任")
        verbose_name_plural = _("工作责任清单")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="acc_task_unit_status_idx"),
            models.Index(fields=["status", "deadline"], name="acc_task_status_deadline_idx"),
            models.Index(fields=["department", "status"], name="acc_task_dept_status_idx"),
            models.Index(fields=["owner_unit", "status"], name="acc_task_ownerunit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False, owner_unit__isnull=True)
                | Q(department__isnull=True, owner_unit__isnull=False),
                name="acc_task_one_body",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="acc_task_percent_max"),
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="acc_one_task_per_submit"
            ),
        ]

    def __str__(self) -> str:
        return self.action[:40]

    @property
    def body_name(self) -> str:
        if self.department_id:
            return self.department.name
        return self.owner_unit.name if self.owner_unit_id else ""

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.owner_phone)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        return self.status in OPEN_STATUSES and self.deadline < today

    def days_overdue(self, today) -> int:
        return max(0, (today - self.deadline).days) if self.status in OPEN_STATUSES else 0

    @property
    def awaits_signing(self) -> bool:
        return self.status in (S.ASSIGNED, S.REOPENED)

    def sign_overdue(self, today) -> bool:
        return self.awaits_signing and self.sign_due is not None and self.sign_due < today


def evidence_upload_to(instance, filename: str) -> str:
    # The stored name is generated by the upload checks, never the user's.
    return f"accountability/{instance.task_id}/{filename}"


class ProgressReport(models.Model):
    """进展报告: text, percent, and evidence; the completion report is one too (`is_completion`)."""

    task = models.ForeignKey(
        ResponsibilityTask, on_delete=models.CASCADE, related_name="reports", verbose_name=_("工作责任")
    )
    text = models.TextField(_("进展情况"), max_length=2000)
    percent = models.PositiveSmallIntegerField(_("进度（%）"), validators=[MaxValueValidator(100)])
    is_completion = models.BooleanField(_("办结报告"), default=False)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("报告时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="acc_report_percent_max")]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"


class Evidence(models.Model):
    """A file of a progress or completion report: a photo or a document (PDF, Word, Excel), checked by content."""

    task = models.ForeignKey(
        ResponsibilityTask, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("工作责任")
    )
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="files", verbose_name=_("报告")
    )
    follow_up = models.ForeignKey(
        "accountability.FollowUpCheck",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("回访"),
    )
    file = models.FileField(_("文件"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")


class ExtensionRequest(models.Model):
    task = models.ForeignKey(
        ResponsibilityTask, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("工作责任")
    )
    old_deadline = models.DateField(_("原时限"))
    new_deadline = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"), max_length=1000)
    status = models.CharField(
        _("审批结果"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(status="pending"), name="acc_one_pending_extension_per_task"
            ),
            models.CheckConstraint(condition=Q(new_deadline__gt=models.F("old_deadline")), name="acc_extension_later"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.old_deadline} → {self.new_deadline}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("到期提醒")
    OVERDUE = "overdue", _("逾期催办")
    MANUAL = "manual", _("人工催办")
    SIGN = "sign", _("签收催办")


class Reminder(models.Model):
    """催办: one row per reminder sent. Automatic ones carry a key (kind, task, deadline) sent once only."""

    task = models.ForeignKey(
        ResponsibilityTask, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("工作责任")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=ReminderKind.choices)
    deadline = models.DateField(_("当时时限"))
    note = models.CharField(_("催办内容"), max_length=500, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("催办时间"), default=timezone.now)
    key = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="acc_reminder_once")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.sent_at:%Y-%m-%d}"


class PublicNotice(models.Model):
    """通报: an overdue task named on the unit's public page after the grace period (or by the office)."""

    task = models.ForeignKey(
        ResponsibilityTask, on_delete=models.CASCADE, related_name="notices", verbose_name=_("工作责任")
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("通报单元"))
    text = models.TextField(_("通报内容"), max_length=1000)
    deadline = models.DateField(_("当时时限"))
    days_overdue = models.PositiveIntegerField(_("逾期天数"), default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("通报时间"), default=timezone.now, db_index=True)
    key = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="acc_notice_once")]
        indexes = [models.Index(fields=["unit", "-published_at"], name="acc_notice_unit_idx")]

    def __str__(self) -> str:
        return self.text[:40]


class Supervision(models.Model):
    """督办: a CPPCC member assigned to supervise a task."""

    task = models.ForeignKey(
        ResponsibilityTask, on_delete=models.CASCADE, related_name="supervisions", verbose_name=_("工作责任")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisions", verbose_name=_("督办委员")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("指派时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["task", "member"], name="acc_one_supervision_per_member")]

    def __str__(self) -> str:
        return f"{self.task_id} ← {self.member_id}"


class SupervisionComment(models.Model):
    task = models.ForeignKey(
        ResponsibilityTask, on_delete=models.CASCADE, related_name="comments", verbose_name=_("工作责任")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("督办意见"), max_length=2000)
    escalated = models.BooleanField(_("提请升级督办"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督办意见")
        verbose_name_plural = _("督办意见")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


def new_follow_token() -> str:
    return secrets.token_urlsafe(24)


class Follower(models.Model):
    """A resident who follows a task: with an account (app and email) or a verified mobile (SMS). The number is
    kept encrypted (the texts must reach it) and found by its keyed hash."""

    task = models.ForeignKey(
        ResponsibilityTask, on_delete=models.CASCADE, related_name="followers", verbose_name=_("工作责任")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followed_tasks",
        verbose_name=_("账号"),
    )
    mobile = EncryptedTextField(_("手机号"), blank=True)
    mobile_hash = models.CharField(max_length=64, blank=True, editable=False)
    # In every SMS's link: lets the holder stop following without an account.
    token = models.CharField(max_length=64, unique=True, default=new_follow_token, editable=False)
    created_at = models.DateTimeField(_("关注时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "user"], condition=Q(user__isnull=False), name="acc_follow_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["task", "mobile_hash"], condition=~Q(mobile_hash=""), name="acc_follow_once_per_mobile"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(mobile_hash=""), name="acc_follower_has_a_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} ← {self.user_id or mask_phone(self.mobile)}"


class SmsRecord(models.Model):
    """Each text message sent about an event: delivering the same event twice sends nothing twice."""

    event = models.ForeignKey("core.Event", on_delete=models.CASCADE, related_name="+")
    phone_hash = models.CharField(max_length=64, default="")  # keyed hash of the number (core.crypto), never the number
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("短信记录")
        verbose_name_plural = _("短信记录")
        constraints = [models.UniqueConstraint(fields=["event", "phone_hash"], name="acc_sms_once_per_event")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.phone_hash[:8]}…"
