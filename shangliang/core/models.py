from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="core_event_subject_idx")]

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
