"""Per-client limits on anonymous submissions and supports, counted in Django's cache (fixed windows).

With several app processes set CACHE_BACKEND=database so that they share the counters. The client is the remote
address; behind a TLS proxy (BEHIND_TLS_PROXY=1) it is the address the proxy appended last to X-Forwarded-For,
which a client cannot forge (earlier entries can be).
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from shangliang.core.errors import InvalidInput


class RateLimited(InvalidInput):
    """Too many anonymous submissions or supports from one client: shown as a message, nothing is stored."""

    status_code = 429


LIMITS = {
    "submit": lambda: settings.TOPIC_SUBMIT_LIMIT,
    "support": lambda: settings.TOPIC_SUPPORT_LIMIT,
}


def client_address(request) -> str:
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(bucket: str, client: str, window: int) -> str:
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    return f"topics:rl:{bucket}:{digest}:{int(time.time() // window)}"


def hit(bucket: str, client: str | None) -> None:
    """Count one action of `client` in `bucket`; raise RateLimited when the window's limit is already reached."""
    if not client:
        return
    limit = LIMITS[bucket]()
    window = settings.TOPIC_RATE_WINDOW
    if limit <= 0:
        return
    key = _key(bucket, client, window)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        minutes = max(1, window // 60)
        if bucket == "submit":
            message = _("提交过于频繁：每个网络 %(minutes)d 分钟内最多匿名提交 %(limit)d 个议题，请稍后再试。")
        else:
            message = _("附议过于频繁：每个网络 %(minutes)d 分钟内最多附议 %(limit)d 次，请稍后再试。")
        raise RateLimited(message % {"minutes": minutes, "limit": limit})
