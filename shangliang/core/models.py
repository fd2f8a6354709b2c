from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from shangliang.core.validation import YEARS, InRange


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Event(models.Model):
    """One row per workflow transition or recorded change: the timeline, the audit trail and the outbox.

    Written in the same transaction as the change it records (see core.workflow.apply_transition and
    core.events.record_event). Side effects (notifications) are sent from it after commit.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("对象类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    subject = GenericForeignKey("content_type", "object_id")
    # The unit the object belongs to, so that audit views can be scoped to a subtree without joins per type.
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("单元")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("动作"), max_length=64)
    from_state = models.CharField(_("原状态"), max_length=64, blank=True)
    to_state = models.CharField(_("新状态"), max_length=64, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("对外公开"), default=False)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # The outbox (core.events): an event whose handlers have all run is delivered; until then a claimer holds it up to
    # `claimed_until` (a lease, or after a failure the backoff before the next try), and `handled` names the handlers
    # that already ran, each committed together with its own writes, so that a retry runs only the others.
    delivered_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("认领至"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("投递失败次数"), default=0)
    last_error = models.TextField(_("最近一次投递错误"), blank=True)
    handled = models.JSONField(_("已完成的处理程序"), default=list, blank=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件记录")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="core_event_subject_idx"),
            # Only the undelivered few: the claimers' scan and the status page's count stay cheap however long the
            # log grows.
            models.Index(
                fields=["id"], condition=models.Q(delivered_at__isnull=True), name="core_event_undelivered_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state}"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    REFUSED = "refused", _("被拒绝")


class AuditRecord(models.Model):
    """One security-relevant act (等保 2.0 安全审计): who, when, from which address, what, on which object, outcome.

    Append-only: written only by core.audit.record; on PostgreSQL a trigger (migration 0003) refuses UPDATE and
    DELETE to every database user, except the retention purge of records past the legal minimum. Each record carries
    an HMAC-SM3 of its content (`mac`); AuditSeal chains the records, so an edit, a deletion or an insertion shows.
    The actor and unit are kept as plain ids (no database constraint): deleting a user or a unit never touches
    the trail, and `actor_name` keeps the name as it was.
    """

    key = models.UUIDField(_("记录标识"), unique=True, editable=False)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    action = models.CharField(_("事件类型"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("单元"),
    )
    outcome = models.CharField(_("结果"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    mac = models.CharField(_("校验码"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "created_at"], name="core_audit_actor_idx"),
            models.Index(fields=["unit", "created_at"], name="core_audit_unit_idx"),
            models.Index(fields=["action", "created_at"], name="core_audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.outcome}"


class AuditSeal(models.Model):
    """The chain: the n-th sealed record, hash_n = HMAC-SM3(key, hash_{n-1} | n | record id | record mac).

    Sealed right after the record's transaction commits (core.audit.seal), in one short transaction of its own under
    the AuditChain row lock, so that audited requests never wait on one another. Append-only like the records.
    """

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    record = models.OneToOneField(
        AuditRecord,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="seal",
        verbose_name=_("审计记录"),
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(_("封存时间"))

    class Meta:
        verbose_name = _("审计链")
        verbose_name_plural = _("审计链")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} → {self.record_id}"


class AuditChain(models.Model):
    """The chain's head (one row): the last seal, and where the retention purge cut the chain's beginning."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    purged_through_seq = models.BigIntegerField(default=0)
    purged_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.last_seq}"


# --- the county's working-day calendar (core.workdays reads it; core.calendars writes it) -------------------------


class CalendarYear(models.Model):
    """One year of a county's working-day calendar as its CPPCC office entered or corrected it from the State
    Council's notice. A year without a row follows the `chinesecalendar` package where it knows the year, and the
    provisional rule (statutory holidays only, no 调休) beyond it: see core.workdays."""

    county = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="calendar_years", verbose_name=_("区县")
    )
    year = models.PositiveSmallIntegerField(_("年份"), validators=[YEARS])
    source = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("如：国务院办公厅关于 2027 年部分节假日安排的通知")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="core_calendar_year_unique")]

    def __str__(self) -> str:
        return f"{self.year}"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """A day that differs from the plain week: a holiday on a weekday or weekend, or a weekend worked (调休)."""

    calendar = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("年度"))
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("节日"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["calendar", "day"], name="core_calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"


class DayCount(models.TextChoices):
    WORKING = "working", _("工作日")
    CALENDAR = "calendar", _("自然日")


class TimeLimitStep(models.TextChoices):
    """The steps whose time limits a county counts in working or calendar days."""

    SIGN = "sign", _("签收任务")
    HAND_BACK = "hand_back", _("申请退回（申退）")
    OPINION_REPLY = "opinion_reply", _("社情民意答复")
    REMIND_BEFORE = "remind_before", _("到期前提醒")
    NOTICE_GRACE = "notice_grace", _("催办后通报宽限期")


class TimeLimitRule(models.Model):
    """How a county counts the days of one step. A step without a row uses its default (core.workdays.STEP_DEFAULTS)."""

    county = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="time_limit_rules", verbose_name=_("区县")
    )
    step = models.CharField(_("环节"), max_length=20, choices=TimeLimitStep.choices)
    count = models.CharField(_("计日方式"), max_length=10, choices=DayCount.choices)

    class Meta:
        verbose_name = _("时限计日方式")
        verbose_name_plural = _("时限计日方式")
        constraints = [models.UniqueConstraint(fields=["county", "step"], name="core_time_limit_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_count_display()}"


class ProvisionalStatus(models.TextChoices):
    OPEN = "open", _("暂按法定节假日推算")
    DIFFERS = "differs", _("正式日历下不同，待核对")
    SETTLED = "settled", _("正式日历下相同")
    CONFIRMED = "confirmed", _("已确认保留")
    MOVED = "moved", _("已改为正式日历的日期")
    WITHDRAWN = "withdrawn", _("期限已另行调整")


class ProvisionalDeadline(models.Model):
    """A deadline counted in working days across a year that had no official calendar yet. Once that year's calendar
    is official (entered by the office, or known to the package), the deadline is counted again: the same day
    settles it; another day lists it for the office to confirm or move — never changed silently."""

    county = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("区县"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("对象类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    subject = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("字段"), max_length=40, default="deadline")
    label = models.CharField(_("名称"), max_length=200, blank=True)
    start = models.DateField(_("起算日"))
    working_days = models.PositiveSmallIntegerField(_("工作日数"), validators=[InRange(1, 500)])
    computed = models.DateField(_("暂定期限"))
    official = models.DateField(_("正式日历下的期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ProvisionalStatus.choices, default=ProvisionalStatus.OPEN, db_index=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("推算时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("暂定期限")
        verbose_name_plural = _("暂定期限")
        indexes = [
            models.Index(fields=["county", "status"], name="core_provisional_county_idx"),
            models.Index(fields=["content_type", "object_id", "field"], name="core_provisional_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label or self.object_id}: {self.computed}"


class Submission(models.Model):
    """A form sent with its key (core.db.insert_once): the same POST arriving twice from the same sender finds the row
    its first arrival created here instead of storing a second one. The sender is kept as a keyed hash (an account, a
    verified number, an invitation or a browser: core.db.sender_of), so a key resent by someone else is theirs alone
    and never returns another person's row (a receipt, a tracking code)."""

    sender = models.CharField(_("提交人"), max_length=64)
    key = models.CharField(_("表单标识"), max_length=80)
    content_type = models.ForeignKey(ContentType, null=True, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("表单提交")
        verbose_name_plural = _("表单提交")
        constraints = [models.UniqueConstraint(fields=["sender", "key"], name="core_one_row_per_sent_form")]

    def __str__(self) -> str:
        return f"{self.key} → {self.content_type_id}:{self.object_id}"


class RateCounter(models.Model):
    """One fixed window of one rate limit for one actor or network (core.ratelimit), when the counters are shared
    through the database (CACHE_BACKEND=database): counted in one upsert statement instead of the database cache's
    get-then-set (5 to 9 queries and two savepoints per count). The key holds the window's number, so a new window is
    a new row; run_periodic deletes the expired ones."""

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("频率计数")
        verbose_name_plural = _("频率计数")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
