"""Village affairs (村务民主协商监督, after Lingling's monthly meeting): the micro-power list, disclosures (公示) of its
exercises and residents' comments and objections, the monthly village-affairs meeting (月例会) with its agenda and
attendance, and the disputes mediated (矛盾纠纷化解) and petitions (信访) of each village.

Every change goes through the services (`services`, `meetings`, `cases`); never `.save()` elsewhere. A published
disclosure is final: `Disclosure.save` refuses to change its content, whoever calls it.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shangliang.core import clock
from shangliang.core.crypto import EncryptedTextField
from shangliang.core.errors import NotPossible
from shangliang.core.models import TimeStamped
from shangliang.core.validation import InRange
from shangliang.people.models import mask_phone

# --- the micro-power list (小微权力清单) ---------------------------------------------------------------------------


class PowerCategory(models.TextChoices):
    MAJOR_DECISION = "major_decision", _("重大决策")
    DAILY_MANAGEMENT = "daily_management", _("日常管理")
    CONVENIENCE_SERVICE = "convenience_service", _("便民服务")
    BENEFIT_FUND = "benefit_fund", _("惠民资金")


class PowerItem(TimeStamped):
    """One power of the list, with the procedure for exercising it. A county's list applies to all its villages;
    a village may add items of its own."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="power_items", verbose_name=_("所属单元")
    )
    category = models.CharField(_("类别"), max_length=30, choices=PowerCategory.choices)
    name = models.CharField(_("权力事项"), max_length=100)
    procedure = models.TextField(_("运行流程"), help_text=_("每行一个步骤"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("小微权力事项")
        verbose_name_plural = _("小微权力清单")
        ordering = ["category", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "category", "name"], name="villageaffairs_power_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def procedure_steps(self) -> list[str]:
        return [line.strip() for line in self.procedure.splitlines() if line.strip()]


# --- disclosures (公示) -------------------------------------------------------------------------------------------


class ExerciseKind(models.TextChoices):
    DECISION = "decision", _("决策事项")
    PROJECT = "project", _("项目实施")
    PAYMENT = "payment", _("资金支付")


# Projects and payments are about money: their disclosure states the amount.
KINDS_WITH_AMOUNT = (ExerciseKind.PROJECT, ExerciseKind.PAYMENT)


class DisclosureStatus(models.TextChoices):
    """What is stored. What people read is the `DisclosureState` (a published version is 待公示, 公示中 or 公示期已满
    by the day), computed once by `Disclosure.state_on` for the staff and the public pages alike."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被更正")
    DISCARDED = "discarded", _("已作废")


class DisclosureState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    UPCOMING = "upcoming", _("待公示")
    OPEN = "open", _("公示中")
    ENDED = "ended", _("公示期已满")
    SUPERSEDED = "superseded", _("已被更正")
    DISCARDED = "discarded", _("已作废")


# What the public sees: the current version and every earlier version it corrected.
PUBLIC_DISCLOSURE_STATUSES = (DisclosureStatus.PUBLISHED, DisclosureStatus.SUPERSEDED)
# Fields that a published disclosure never changes (a correction is a new version).
FROZEN_FIELDS = (
    "unit",
    "power_item",
    "kind",
    "title",
    "content",
    "amount",
    "decided_on",
    "period_start",
    "period_end",
    "version",
    "previous",
    "root",
    "correction_reason",
)
PUBLISHED_IS_FINAL = _("已公示的内容不能修改：如需更正，请发布更正版本（原公示保留并继续公开）。")


class Disclosure(TimeStamped):
    """One version of the public notice (公示) of an exercise of a micro-power: a decision, a project, a payment.

    Versions form a chain: a correction is a new row with `previous` set to the version it corrects and `root` to the
    first version; when it is published the corrected version becomes `superseded` and points to it through
    `superseded_by`. Nothing of a published version changes except its status and that pointer.
    """

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("村（社区）")
    )
    power_item = models.ForeignKey(
        PowerItem, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("权力事项")
    )
    kind = models.CharField(_("事项类型"), max_length=20, choices=ExerciseKind.choices)
    title = models.CharField(_("公示标题"), max_length=100)
    content = models.TextField(_("公示内容"))
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("决策/发生日期"))
    period_start = models.DateField(_("公示开始日期"))
    period_end = models.DateField(_("公示截止日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=DisclosureStatus.choices, default=DisclosureStatus.DRAFT, db_index=True
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("更正的版本"),
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("首次公示")
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("更正后的版本")
    )
    correction_reason = models.CharField(_("更正原因"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("村务公示")
        verbose_name_plural = _("村务公示")
        ordering = ["-period_start", "-id"]
        indexes = [models.Index(fields=["unit", "status", "-period_start"], name="va_disclosure_unit_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="va_disclosure_period"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=Decimal("0")), name="va_disclosure_amount_positive"
            ),
            # At most one live correction of a version (a discarded draft does not count).
            models.UniqueConstraint(
                fields=["previous"],
                condition=Q(previous__isnull=False) & ~Q(status="discarded"),
                name="va_one_correction_per_version",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="va_one_disclosure_per_submit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）" if self.version > 1 else self.title

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self._refuse_changes_once_published(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def _refuse_changes_once_published(self, update_fields) -> None:
        names = set(FROZEN_FIELDS) if update_fields is None else set(FROZEN_FIELDS) & set(update_fields)
        if not names:
            return
        attnames = {name: self._meta.get_field(name).attname for name in names}
        stored = type(self)._default_manager.filter(pk=self.pk).values("status", *attnames.values()).first()
        if stored is None or stored["status"] == DisclosureStatus.DRAFT:
            return
        if any(stored[attname] != getattr(self, attname) for attname in attnames.values()):
            raise NotPossible(PUBLISHED_IS_FINAL)

    @property
    def series_id(self) -> int:
        return self.root_id or self.pk

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_DISCLOSURE_STATUSES

    def state_on(self, day: date) -> DisclosureState:
        """The one answer to "is it being disclosed?" that every page shows."""
        if self.status != DisclosureStatus.PUBLISHED:
            return DisclosureState(self.status)
        if day < self.period_start:
            return DisclosureState.UPCOMING
        return DisclosureState.OPEN if day <= self.period_end else DisclosureState.ENDED

    @property
    def state(self) -> DisclosureState:
        return self.state_on(clock.today())

    def is_open_on(self, day: date) -> bool:
        """Residents may comment or object: the current published version, within its disclosure period."""
        return self.state_on(day) == DisclosureState.OPEN

    @property
    def is_open(self) -> bool:
        return self.is_open_on(clock.today())


def document_upload_to(instance, filename: str) -> str:
    # The stored name is generated (core.uploads.checked_document), never the user's.
    return f"villageaffairs/disclosures/{filename}"


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"
    XLSX = "xlsx", "Excel"
    IMAGE = "image", _("图片")


class DisclosureDocument(models.Model):
    """A document of a disclosure (contract, invoice, minutes, photo). Attached while it is a draft; then final."""

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="documents", verbose_name=_("公示")
    )
    file = models.FileField(_("文件"), upload_to=document_upload_to)
    name = models.CharField(_("文件名"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=DocumentKind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公示附件")
        verbose_name_plural = _("公示附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


# --- residents' comments and objections --------------------------------------------------------------------------


class FeedbackKind(models.TextChoices):
    COMMENT = "comment", _("意见建议")
    OBJECTION = "objection", _("异议")


# Receipt codes: 12 characters from 32 unambiguous ones (no 0/O, 1/I), read out over the phone.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))


def normalise_receipt(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c in RECEIPT_ALPHABET)[:12]


class Feedback(models.Model):
    """A resident's comment on, or objection to, a disclosure during its period. An objection goes onto the agenda
    of the village's next monthly meeting (its `agenda_item`)."""

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("公示")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=FeedbackKind.choices)
    text = models.TextField(_("内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("账号"),
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    # The verified number, encrypted (SM4-GCM): the village calls back; found by its keyed hash.
    mobile = EncryptedTextField(_("手机号"), blank=True)
    mobile_hash = models.CharField(max_length=64, blank=True, editable=False)
    receipt_code = models.CharField(_("回执码"), max_length=12, unique=True, default=new_receipt_code, editable=False)
    reply = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群众意见")
        verbose_name_plural = _("群众意见与异议")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="va_one_feedback_per_submit"
            ),
            models.CheckConstraint(
                condition=~Q(mobile_hash="") | Q(author__isnull=False), name="va_feedback_identified"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:30]

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)

    @property
    def unit(self):
        return self.disclosure.unit


# --- the monthly village-affairs meeting (月例会) ------------------------------------------------------------------


class MeetingNorm(TimeStamped):
    """A county's norm for the monthly meeting: every village and community holds one every `interval_months`
    months from `started_on` (Lingling: monthly)."""

    county = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="meeting_norm", verbose_name=_("区县")
    )
    started_on = models.DateField(_("实施日期"))
    interval_months = models.PositiveSmallIntegerField(_("间隔（月）"), default=1, validators=[InRange(1, 12)])
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("月例会制度")
        verbose_name_plural = _("月例会制度")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_months__gte=1, interval_months__lte=12), name="va_norm_interval"
            )
        ]

    def __str__(self) -> str:
        return str(self.county)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("未召开")


class MonthlyMeeting(TimeStamped):
    """A village's monthly village-affairs consultation and supervision meeting (村务民主协商监督月例会).

    This app keeps the supervision side: the agenda of disclosed exercises, objections and open matters, attendance,
    minutes. When the month's meeting also consults on approved topics, it is run as a consultation of form 月例会
    (consultations app: participants, research, session, results) and `consultation` links the two.
    """

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="monthly_meetings", verbose_name=_("村（社区）")
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    status = models.CharField(
        _("状态"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED, db_index=True
    )
    scheduled_on = models.DateField(_("计划日期"), null=True, blank=True)
    held_on = models.DateField(_("召开日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    consultation = models.OneToOneField(
        "consultations.Consultation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="monthly_meeting",
        verbose_name=_("协商活动"),
    )

    class Meta:
        verbose_name = _("月例会")
        verbose_name_plural = _("月例会")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="va_one_meeting_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="va_meeting_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}"


class AgendaSource(models.TextChoices):
    EXERCISE = "exercise", _("权力事项公示审议")
    OBJECTION = "objection", _("群众异议")
    CARRIED = "carried", _("遗留事项")
    MATTER = "matter", _("其他事项")


class AgendaStatus(models.TextChoices):
    OPEN = "open", _("待议")
    RESOLVED = "resolved", _("已议结")
    CARRIED = "carried", _("转下次例会")


class AgendaItem(TimeStamped):
    """One matter on a monthly meeting's agenda: a disclosed exercise to review, a resident's objection, a matter
    carried over from an earlier meeting, or another matter the convenor adds."""

    meeting = models.ForeignKey(
        MonthlyMeeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("月例会")
    )
    source = models.CharField(_("来源"), max_length=20, choices=AgendaSource.choices)
    title = models.CharField(_("议程事项"), max_length=200)
    detail = models.TextField(_("说明"), blank=True)
    disclosure = models.ForeignKey(
        Disclosure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        verbose_name=_("相关公示"),
    )
    feedback = models.OneToOneField(
        Feedback,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_item",
        verbose_name=_("群众异议"),
    )
    carried_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_to",
        verbose_name=_("上次例会事项"),
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=AgendaStatus.choices, default=AgendaStatus.OPEN)
    resolution = models.TextField(_("议定结果"), blank=True)

    class Meta:
        verbose_name = _("议程事项")
        verbose_name_plural = _("议程事项")
        ordering = ["meeting_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "disclosure"],
                condition=Q(source="exercise"),
                name="va_review_once_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unit(self):
        return self.meeting.unit


class AttendeeCapacity(models.TextChoices):
    MEMBER = "member", _("政协委员")
    TOWN_OFFICIAL = "town_official", _("乡镇（街道）干部")
    VILLAGE_CADRE = "village_cadre", _("村（社区）“两委”干部")
    RESIDENT_REP = "resident_rep", _("村民代表")
    DEPARTMENT = "department", _("部门代表")
    EXPERT = "expert", _("智囊团成员")


class Attendance(models.Model):
    """Who was expected at a meeting and whether they came. Linked members and town officials are proposed by the
    composition of the agenda; others are added by name."""

    meeting = models.ForeignKey(
        MonthlyMeeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("月例会")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("人员"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    capacity = models.CharField(_("身份"), max_length=20, choices=AttendeeCapacity.choices)
    present = models.BooleanField(_("出席"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        ordering = ["capacity", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="va_attend_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return self.name


# --- disputes mediated (矛盾纠纷化解) and petitions (信访) ----------------------------------------------------------


class DisputeKind(models.TextChoices):
    LAND = "land", _("土地山林")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    FAMILY = "family", _("婚姻家庭")
    LABOUR = "labour", _("劳资纠纷")
    PROPERTY = "property", _("宅基地与房屋")
    OTHER = "other", _("其他")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("调处中")
    RESOLVED = "resolved", _("调解成功")
    UNRESOLVED = "unresolved", _("调解未成")
    REFERRED = "referred", _("转交处理")


class Dispute(TimeStamped):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="disputes", verbose_name=_("村（社区）")
    )
    received_on = models.DateField(_("受理日期"), db_index=True)
    kind = models.CharField(_("纠纷类型"), max_length=20, choices=DisputeKind.choices)
    summary = models.CharField(_("纠纷概要"), max_length=200)
    parties = models.PositiveSmallIntegerField(_("当事人数"), default=2, validators=[InRange(1, 10000)])
    mediator = models.CharField(_("调解人"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    outcome = models.TextField(_("化解结果"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷化解")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="va_one_dispute_per_submit"
            ),
            models.CheckConstraint(condition=Q(parties__gte=1), name="va_dispute_parties"),
        ]

    def __str__(self) -> str:
        return self.summary


class PetitionChannel(models.TextChoices):
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    ONLINE = "online", _("网上信访")
    PHONE = "phone", _("电话")


class PetitionStatus(models.TextChoices):
    PENDING = "pending", _("办理中")
    CONCLUDED = "concluded", _("已办结")
    REFERRED = "referred", _("转交办理")


class Petition(TimeStamped):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="petitions", verbose_name=_("村（社区）")
    )
    received_on = models.DateField(_("登记日期"), db_index=True)
    channel = models.CharField(_("信访形式"), max_length=20, choices=PetitionChannel.choices)
    collective = models.BooleanField(_("集体访"), default=False)
    subject = models.CharField(_("信访事项"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=PetitionStatus.choices, default=PetitionStatus.PENDING)
    outcome = models.TextField(_("办理结果"), blank=True)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="va_one_petition_per_submit"
            )
        ]

    def __str__(self) -> str:
        return self.subject
