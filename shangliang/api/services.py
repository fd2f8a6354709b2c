"""Every write on the API's clients: register, change, rotate the key, revoke. Keyword-only, the system
administrator's permission checked first, one transaction each with its audit record.

The key is returned once (to be shown once) and only its keyed hash is stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.api.audit_actions import (
    CLIENT_CHANGED,
    CLIENT_REGISTERED,
    CLIENT_REVOKED,
    KEY_ROTATED,
    WEBHOOK_CHANGED,
    WEBHOOK_REPLAYED,
)
from shangliang.api.models import (
    CLIENT_SOURCES,
    KEY_PREFIX,
    ApiClient,
    Scope,
    SignatureAlgorithm,
    WebhookDelivery,
    WebhookKind,
    WebhookSubscription,
    new_key,
)
from shangliang.api.webhooks import replay
from shangliang.core import audit, clock
from shangliang.core.crypto import keyed_hash
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_text
from shangliang.security.rules import admin_kind
from shangliang.topics.models import TopicSource
from shangliang.units.models import Unit

KEY_PURPOSE = "api.client_key"
RATE_LIMIT_PREFIX = "api_"


def key_hash(key: str) -> str:
    return keyed_hash(key, purpose=KEY_PURPOSE)


def rate_limit_names() -> list[str]:
    """The named limits (settings.RATE_LIMITS) a client may be given: those whose name starts with "api_"."""
    return sorted(name for name in settings.RATE_LIMITS if name.startswith(RATE_LIMIT_PREFIX))


def _clean(*, name, unit, scopes, topic_source, account, rate_limit, contact) -> dict:
    name = clean_text(name, label=_("名称"), field="name", max_length=100)
    contact = clean_text(contact, label=_("联系人"), field="contact", max_length=100, required=False)
    if not isinstance(unit, Unit) or not unit.is_active:
        raise InvalidInput(_("请选择有效的服务范围（单元）。"), field="unit")
    scopes = sorted({str(s) for s in (scopes or [])})
    if not scopes:
        raise InvalidInput(_("请至少选择一项权限范围。"), field="scopes")
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise InvalidInput(_("未知的权限范围：%(s)s。") % {"s": "、".join(unknown)}, field="scopes")
    if rate_limit not in rate_limit_names():
        raise InvalidInput(_("请选择调用频率限制。"), field="rate_limit")
    topic_source = topic_source or TopicSource.RESIDENT
    if topic_source not in dict(CLIENT_SOURCES):
        raise InvalidInput(_("议题来源只能是“群众出题”或“网格员收集”。"), field="topic_source")
    if account is not None:
        if not account.is_active:
            raise InvalidInput(_("代为操作的账号已停用。"), field="account")
        if account.is_superuser or admin_kind(account) is not None:
            raise InvalidInput(_("管理员账号不能作为接口的操作账号。"), field="account")
    if Scope.ACT_ON_TASKS in scopes and account is None:
        raise InvalidInput(_("办理工作责任须指定代为操作的账号（责任部门的工作人员）。"), field="account")
    if Scope.RAISE_TOPICS in scopes and topic_source == TopicSource.GRID:
        if account is None or not account.has_perm("topics.enter_topic", unit):
            raise InvalidInput(
                _("以“网格员收集”提交议题须指定在该单元有录入议题权限的账号（民意联络员）。"), field="account"
            )
    return {
        "name": name,
        "unit": unit,
        "scopes": scopes,
        "topic_source": topic_source,
        "account": account,
        "rate_limit": rate_limit,
        "contact": contact,
    }


def _detail(client: ApiClient) -> dict:
    return {
        "name": client.name,
        "scopes": client.scopes,
        "unit": client.unit_id,
        "account": client.account_id,
        "rate_limit": client.rate_limit,
        "topic_source": client.topic_source,
        "key_hint": client.key_hint,
    }


def client_register(
    *,
    actor,
    name: str,
    unit: Unit,
    scopes: Iterable[str],
    rate_limit: str,
    topic_source: str = "",
    account=None,
    contact: str = "",
) -> tuple[ApiClient, str]:
    """Register a client; returns it and its key, which is shown once and never stored in clear."""
    require_perm(actor, "api.manage_clients", None, _("只有系统管理员可以登记接口客户端。"))
    fields = _clean(
        name=name,
        unit=unit,
        scopes=scopes,
        topic_source=topic_source,
        account=account,
        rate_limit=rate_limit,
        contact=contact,
    )
    key = new_key()
    now = clock.now()
    with transaction.atomic():
        client = ApiClient.objects.create(
            **fields,
            key_hash=key_hash(key),
            key_hint=key[: len(KEY_PREFIX) + 4],
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        audit.record(CLIENT_REGISTERED, actor=actor, subject=client, detail=_detail(client))
    return client, key


def client_change(
    *,
    actor,
    client: ApiClient,
    name: str,
    unit: Unit,
    scopes: Iterable[str],
    rate_limit: str,
    topic_source: str = "",
    account=None,
    contact: str = "",
) -> ApiClient:
    """Change what a client may do; its key stays."""
    require_perm(actor, "api.manage_clients", None, _("只有系统管理员可以修改接口客户端。"))
    fields = _clean(
        name=name,
        unit=unit,
        scopes=scopes,
        topic_source=topic_source,
        account=account,
        rate_limit=rate_limit,
        contact=contact,
    )
    with transaction.atomic():
        c = locked(client)
        if c.revoked_at is not None:
            raise NotPossible(_("该客户端已停用，不能修改。"))
        for attr, value in fields.items():
            setattr(c, attr, value)
        c.updated_at = clock.now()
        c.save()
        audit.record(CLIENT_CHANGED, actor=actor, subject=c, detail=_detail(c))
    return c


def client_rotate_key(*, actor, client: ApiClient) -> str:
    """A new key for the client; the old one stops working at once. Returns the new key (shown once)."""
    require_perm(actor, "api.manage_clients", None, _("只有系统管理员可以更换接口密钥。"))
    key = new_key()
    with transaction.atomic():
        c = locked(client)
        if c.revoked_at is not None:
            raise NotPossible(_("该客户端已停用，不能更换密钥。"))
        c.key_hash, c.key_hint = key_hash(key), key[: len(KEY_PREFIX) + 4]
        c.key_rotated_at = c.updated_at = clock.now()
        c.save(update_fields=["key_hash", "key_hint", "key_rotated_at", "updated_at"])
        audit.record(KEY_ROTATED, actor=actor, subject=c, detail={"key_hint": c.key_hint})
    client.key_hint, client.key_rotated_at = c.key_hint, c.key_rotated_at
    return key


def client_revoke(*, actor, client: ApiClient, reason: str) -> ApiClient:
    """Stop a client for good: its key is refused from now on (a new client is registered to resume)."""
    require_perm(actor, "api.manage_clients", None, _("只有系统管理员可以停用接口客户端。"))
    reason = clean_text(reason, label=_("停用原因"), field="reason", max_length=200)
    with transaction.atomic():
        c = locked(client)
        if c.revoked_at is not None:
            raise NotPossible(_("该客户端已停用。"))
        c.revoked_at = c.updated_at = clock.now()
        c.revoked_reason = reason
        c.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
        audit.record(CLIENT_REVOKED, actor=actor, subject=c, detail={"reason": reason})
    return c


def webhook_subscribe(
    *, actor, client: ApiClient, url: str, kinds: Iterable[str], algorithm: str = SignatureAlgorithm.HMAC_SHA256
) -> tuple[WebhookSubscription, str]:
    """Add an address that receives the client's events; returns it and its signing secret (shown once)."""
    require_perm(actor, "api.manage_clients", None, _("只有系统管理员可以设置事件推送。"))
    url = clean_text(url, label=_("接收地址"), field="url", max_length=300)
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.API_WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise InvalidInput(_("接收地址须为 https:// 开头的完整网址。"), field="url")
    kinds = sorted({str(k) for k in (kinds or [])})
    if not kinds or any(k not in WebhookKind.values for k in kinds):
        raise InvalidInput(_("请选择要推送的事件。"), field="kinds")
    if algorithm not in SignatureAlgorithm.values:
        raise InvalidInput(_("签名算法不正确。"), field="algorithm")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        c = locked(client)
        if c.revoked_at is not None:
            raise NotPossible(_("该客户端已停用。"))
        subscription = WebhookSubscription.objects.create(
            client=c, url=url, kinds=kinds, algorithm=algorithm, secret=secret, created_at=clock.now()
        )
        audit.record(
            WEBHOOK_CHANGED,
            actor=actor,
            subject=c,
            detail={"url": url, "kinds": kinds, "subscription": subscription.pk},
        )
    return subscription, secret


def webhook_end(*, actor, subscription: WebhookSubscription) -> WebhookSubscription:
    require_perm(actor, "api.manage_clients", None, _("只有系统管理员可以设置事件推送。"))
    with transaction.atomic():
        s = locked(subscription)
        if s.ended_at is not None:
            raise NotPossible(_("该推送地址已停止。"))
        s.ended_at = clock.now()
        s.save(update_fields=["ended_at"])
        audit.record(WEBHOOK_CHANGED, actor=actor, subject=s.client, detail={"url": s.url, "ended": s.pk})
    return s


def webhook_replay(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again now (after the receiver fixed its side); the attempt is logged as a replay."""
    require_perm(actor, "api.manage_clients", None, _("只有系统管理员可以重新推送。"))
    if delivery.subscription.ended_at is not None:
        raise NotPossible(_("该推送地址已停止。"))
    attempt = replay(delivery=delivery)
    audit.record(
        WEBHOOK_REPLAYED,
        actor=actor,
        subject=delivery.subscription.client,
        detail={"event": delivery.event_id, "status": attempt.status_code},
    )
    return attempt
