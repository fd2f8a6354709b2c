"""The online consultation room (网上协商议事室): statements, votes, participants and the stored analysis runs.

Every change goes through `services` (and `polis` for import); never `.save()` elsewhere. The analysis itself
(`consensus.analyse`) runs only in the background task (`tasks.recompute_room`); pages read the latest AnalysisRun.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shangliang.core import clock
from shangliang.core.models import TimeStamped

STATEMENT_MAX = 140  # what a participant or the convenor types: one short statement
IMPORTED_STATEMENT_MAX = 1000  # Pol.is exports carry longer comments; the import accepts them up to this


class RoomStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class ModerationMode(models.TextChoices):
    PRE = "pre", _("先审后显：审核通过后才显示")
    POST = "post", _("先显后审：立即显示，不当的再隐藏")


class OnlineRoom(TimeStamped):
    """One online room per consultation (any form; typically 网络协商), open for a period."""

    consultation = models.OneToOneField(
        "consultations.Consultation",
        on_delete=models.CASCADE,
        related_name="online_room",
        verbose_name=_("协商活动"),
    )
    # The consultation's unit, kept here so that permissions and the event log scope the room without a join.
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属单元"))
    question = models.CharField(_("协商的问题"), max_length=200)
    description = models.TextField(_("背景说明"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=RoomStatus.choices, default=RoomStatus.DRAFT, db_index=True
    )
    moderation = models.CharField(
        _("审核方式"), max_length=10, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    allow_statements = models.BooleanField(_("参与者可以发表观点"), default=True)
    opens_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("实际开始"), null=True, blank=True)
    closed_at = models.DateTimeField(_("实际结束"), null=True, blank=True)

    # The debounce bookkeeping of the background recomputation (see tasks.py): every change that affects the
    # analysis bumps `change_seq`; a run records the sequence number it read; `recompute_queued_at` is set while a
    # recomputation is queued or running, so that a burst of votes enqueues one task, not one per vote.
    change_seq = models.PositiveBigIntegerField(default=0, editable=False)
    recompute_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("网上协商议事室")
        verbose_name_plural = _("网上协商议事室")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="online_room_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def accepting(self) -> bool:
        """Open and inside its period: votes and statements are taken."""
        now = clock.now()
        return (
            self.status == RoomStatus.OPEN
            and (self.opens_at is None or now >= self.opens_at)
            and (self.closes_at is None or now < self.closes_at)
        )

    @property
    def is_public(self) -> bool:
        """Open or closed rooms (and their results) are public; a room being prepared is not."""
        return self.status in (RoomStatus.OPEN, RoomStatus.CLOSED)

    def visible_statuses(self) -> tuple[str, ...]:
        """Statement statuses shown to participants, voted on, analysed and exported."""
        if self.moderation == ModerationMode.POST:
            return (StatementStatus.APPROVED, StatementStatus.PENDING)
        return (StatementStatus.APPROVED,)


class ParticipantKind(models.TextChoices):
    ACCOUNT = "account", _("注册用户")
    MOBILE = "mobile", _("手机号验证")
    IMPORTED = "imported", _("导入")


class OnlineParticipant(models.Model):
    """Someone taking part in one room: an account, or a mainland mobile number verified by an SMS code.

    The number itself is not kept: `mobile_hash` (an HMAC with the site's secret key) recognises the same number
    again, `mobile_masked` (138****5678) is what staff see. `polis_id` is the voter-id of the Pol.is export.
    """

    room = models.ForeignKey(OnlineRoom, on_delete=models.CASCADE, related_name="participants")
    polis_id = models.PositiveIntegerField(_("参与者编号"))
    kind = models.CharField(_("身份"), max_length=10, choices=ParticipantKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="online_participations"
    )
    mobile_hash = models.CharField(max_length=64, blank=True, editable=False)
    mobile_masked = models.CharField(_("手机号"), max_length=11, blank=True)
    created_at = models.DateTimeField(_("加入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("网上协商参与者")
        verbose_name_plural = _("网上协商参与者")
        ordering = ["room_id", "polis_id"]
        constraints = [
            models.UniqueConstraint(fields=["room", "polis_id"], name="online_participant_polis_id"),
            models.UniqueConstraint(
                fields=["room", "user"], condition=Q(user__isnull=False), name="online_one_participant_per_user"
            ),
            models.UniqueConstraint(
                fields=["room", "mobile_hash"], condition=~Q(mobile_hash=""), name="online_one_participant_per_mobile"
            ),
            models.CheckConstraint(
                condition=~Q(kind="account") | Q(user__isnull=False), name="online_account_participant_has_user"
            ),
            models.CheckConstraint(
                condition=~Q(kind="mobile") | ~Q(mobile_hash=""), name="online_mobile_participant_has_mobile"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}/{self.polis_id}"


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    HIDDEN = "hidden", _("已隐藏")
    REJECTED = "rejected", _("未通过")


class Statement(models.Model):
    """A short statement participants vote on: seeded by the convenor, added by a participant, or imported."""

    room = models.ForeignKey(OnlineRoom, on_delete=models.CASCADE, related_name="statements")
    polis_id = models.PositiveIntegerField(_("观点编号"))  # comment-id of the Pol.is export
    text = models.TextField(_("观点"), max_length=IMPORTED_STATEMENT_MAX)
    status = models.CharField(
        _("审核状态"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    is_seed = models.BooleanField(_("召集人预设"), default=False)
    author = models.ForeignKey(
        OnlineParticipant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
        verbose_name=_("提出人"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A random key sent with the form: a double-clicked or replayed submit finds the statement it already created.
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)
    # The suggestion (协商意见建议清单) the convenor pulled this statement into, if any.
    suggestion = models.ForeignKey(
        "consultations.Suggestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("已纳入建议"),
    )
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)

    class Meta:
        verbose_name = _("观点")
        verbose_name_plural = _("观点")
        ordering = ["room_id", "polis_id"]
        indexes = [models.Index(fields=["room", "status"], name="online_statement_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["room", "polis_id"], name="online_statement_polis_id"),
            models.UniqueConstraint(
                fields=["room", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="online_one_statement_per_submit",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    # The room's unit, so that rules predicates and the event log treat a statement like the room it belongs to.
    @property
    def unit(self):
        return self.room.unit

    @property
    def unit_id(self) -> int:
        return self.room.unit_id


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("同意")
    PASS = 0, _("跳过")
    DISAGREE = -1, _("不同意")


class Vote(models.Model):
    """A participant's current vote on a statement: one row per participant and statement, a later vote replaces
    the earlier one (`updated_at` is when the current value was cast)."""

    room = models.ForeignKey(OnlineRoom, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(OnlineParticipant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("表态"), choices=VoteValue.choices)
    created_at = models.DateTimeField(_("首次表态"), default=timezone.now)
    updated_at = models.DateTimeField(_("最近表态"), default=timezone.now)

    class Meta:
        verbose_name = _("表态")
        verbose_name_plural = _("表态")
        ordering = ["room_id", "updated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="online_one_vote_per_statement"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="online_vote_value"),
        ]
        indexes = [models.Index(fields=["room", "updated_at"], name="online_vote_room_time_idx")]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.statement_id}: {self.value}"


class AnalysisRun(models.Model):
    """One background analysis of a room: the engine's AnalysisResult and AnalysisState as JSON.

    `covers_seq` is the room's change_seq when the votes were read: a run covers every change up to it.
    `priorities` ({statement pk: priority}) is kept apart from `result` so that choosing the next statement
    loads a few numbers, not the whole map.
    """

    room = models.ForeignKey(OnlineRoom, on_delete=models.CASCADE, related_name="runs")
    covers_seq = models.PositiveBigIntegerField(_("覆盖的变更序号"))
    n_votes = models.PositiveIntegerField(_("计入表态数"))
    n_participants = models.PositiveIntegerField(_("参与人数"))
    n_analysed = models.PositiveIntegerField(_("参与分组人数"))
    n_statements = models.PositiveIntegerField(_("观点数"))
    k = models.PositiveSmallIntegerField(_("意见群组数"))
    seconds = models.FloatField(_("分析用时（秒）"))
    total_seconds = models.FloatField(_("总用时（秒）"))
    result = models.JSONField(_("分析结果"), default=dict)
    state = models.JSONField(_("续算状态"), default=dict)
    priorities = models.JSONField(_("出题优先级"), default=dict)
    created_at = models.DateTimeField(_("分析时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分析结果")
        verbose_name_plural = _("分析结果")
        ordering = ["room_id", "-id"]
        indexes = [models.Index(fields=["room", "-id"], name="online_run_latest_idx")]

    def __str__(self) -> str:
        return f"{self.room_id} #{self.pk}"
