"""The public API's own data: the clients the system administrator registers, the answers kept for idempotency keys,
and the Open311 requests (a topic as the client sent it: its service code, location and batch token).

Topics, tasks and everything else the API touches are the other apps' models, written only by their services.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shangliang.core.crypto import EncryptedTextField
from shangliang.topics.models import TopicSource


class Scope(models.TextChoices):
    """What a client may do (its key opens nothing else)."""

    READ_PUBLIC = "public:read", _("读取公开信息（单元、议事室、议题、成果）")
    RAISE_TOPICS = "topics:raise", _("提交和附议议题")
    ACT_ON_TASKS = "tasks:act", _("办理本部门的工作责任（签收、申请退回、报告进展和办结）")
    RESIDENTS = "residents:act", _("代居民操作（小程序：居民短信验证后附议、查看本人议题）")


# The sources a client's concerns come in as (Open311 POST and the REST "raise"): a grid system's workers collect
# them (网格员收集, entered under the client's account), or residents raise them through a mini-program (群众出题).
CLIENT_SOURCES = [
    (TopicSource.GRID.value, TopicSource.GRID.label),
    (TopicSource.RESIDENT.value, TopicSource.RESIDENT.label),
]

KEY_PREFIX = "slk_"


def new_token() -> str:
    return secrets.token_hex(16)


def new_key() -> str:
    """A client key: a fixed prefix (so that a leaked key is recognisable in a scan) and 256 random bits."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


class ApiClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiClient(models.Model):
    """A system allowed to call the API: a grid-management system, a mini-program, a department's own system.

    The key is shown once when registered or rotated and stored only as its keyed hash (HMAC-SM3). Writes that need
    a person's permission (entering a grid worker's topic, signing for a department's task) run as `account`, with
    exactly the permissions that account has on the pages.
    """

    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("服务范围（单元及其下级）")
    )
    scopes = models.JSONField(_("权限范围"), default=list)
    topic_source = models.CharField(
        _("议题来源"), max_length=20, choices=CLIENT_SOURCES, default=TopicSource.RESIDENT, blank=True
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("代为操作的账号"),
    )
    rate_limit = models.CharField(_("调用频率限制"), max_length=40)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the key, shown in lists so that an administrator can tell keys apart.
    key_hint = models.CharField(_("密钥开头"), max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    key_rotated_at = models.DateTimeField(_("密钥更换时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("停用原因"), max_length=200, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes or [] if s in Scope.values]


class IdempotentResponse(models.Model):
    """The answer to a client's POST under its idempotency key: a retry with the same key gets this answer again and
    changes nothing. Kept only for successful writes (a refused one changed nothing and may be retried)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    # Hash of method, path and body: the same key with another request is refused, not answered with this one.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_one_response_per_key")]
        indexes = [models.Index(fields=["created_at"], name="api_idem_created_idx")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"


class Open311Request(models.Model):
    """A service request as an Open311 client posted it: the topic it became and what Open311 carries that a topic
    does not (the service code, the location). `token` answers a client that posted in batch before the topic
    existed; here the topic is created at once, so the token resolves immediately."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="open311_requests")
    topic = models.OneToOneField("topics.Topic", on_delete=models.CASCADE, related_name="open311_request")
    service_code = models.CharField(max_length=40)
    token = models.CharField(max_length=40, unique=True, default=new_token)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["client", "created_at"], name="api_o311_client_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) & Q(long__isnull=True)) | (Q(lat__isnull=False) & Q(long__isnull=False)),
                name="api_o311_lat_long_together",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.topic_id}"


class WebhookKind(models.TextChoices):
    """What a client can subscribe to (the events of the loop it follows)."""

    TOPIC_STATUS = "topic.status_changed", _("议题状态变化")
    TASK_ASSIGNED = "task.assigned", _("交办工作责任")
    TASK_OVERDUE = "task.overdue", _("工作责任逾期催办")
    TASK_DONE = "task.done", _("工作责任已办结")
    RESULT_PUBLISHED = "result.published", _("协商成果已报送")


class SignatureAlgorithm(models.TextChoices):
    HMAC_SHA256 = "hmac-sha256", "HMAC-SHA256"
    HMAC_SM3 = "hmac-sm3", "HMAC-SM3"


class WebhookSubscription(models.Model):
    """A client's address that receives the events of its subtree it subscribed to, signed with its own secret."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("客户端"))
    url = models.URLField(_("接收地址"), max_length=300)
    kinds = models.JSONField(_("订阅的事件"), default=list)
    algorithm = models.CharField(
        _("签名算法"), max_length=20, choices=SignatureAlgorithm.choices, default=SignatureAlgorithm.HMAC_SHA256
    )
    # The signing secret is needed in clear to sign: encrypted at rest (SM4-GCM), shown once when created.
    secret = EncryptedTextField(_("签名密钥"))
    created_at = models.DateTimeField(_("创建时间"))
    ended_at = models.DateTimeField(_("停止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件推送订阅")
        verbose_name_plural = _("事件推送订阅")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one subscription, with the answer it got (or why it got none)."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("core.Event", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    attempted_at = models.DateTimeField()
    succeeded = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    replay = models.BooleanField(default=False)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["subscription", "attempted_at"], name="api_webhook_delivery_idx")]

    def __str__(self) -> str:
        return f"{self.subscription_id}:{self.event_id}:{self.status_code}"
