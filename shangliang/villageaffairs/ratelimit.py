"""Per-client limits on residents' comments and objections without an account, counted in Django's cache (fixed
windows). With several app processes set CACHE_BACKEND=database so that they share the counters.

The client is the remote address; behind a TLS proxy (BEHIND_TLS_PROXY=1) the address the proxy appended last to
X-Forwarded-For, which a client cannot forge. Limits: VILLAGE_FEEDBACK_LIMIT per VILLAGE_FEEDBACK_WINDOW seconds
(settings, optional; 0 turns the limit off).
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from shangliang.core.errors import InvalidInput

DEFAULT_LIMIT = 5
DEFAULT_WINDOW = 3600


class RateLimited(InvalidInput):
    """Too many submissions from one client: shown as a message, nothing is stored."""

    status_code = 429


def client_address(request) -> str:
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(client: str, window: int) -> str:
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    return f"villageaffairs:rl:feedback:{digest}:{int(time.time() // window)}"


def hit(client: str | None) -> None:
    """Count one submission of `client`; raise RateLimited when the window's limit is already reached."""
    if not client:
        return
    limit = getattr(settings, "VILLAGE_FEEDBACK_LIMIT", DEFAULT_LIMIT)
    window = getattr(settings, "VILLAGE_FEEDBACK_WINDOW", DEFAULT_WINDOW)
    if limit <= 0:
        return
    key = _key(client, window)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        raise RateLimited(
            _("提交过于频繁：每个网络 %(minutes)d 分钟内最多提交 %(limit)d 条意见，请稍后再试。")
            % {"minutes": max(1, window // 60), "limit": limit}
        )
