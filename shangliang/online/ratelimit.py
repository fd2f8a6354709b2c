"""Limits on votes, statements and SMS codes, per client address and per participant (or mobile number), counted in
Django's cache in fixed windows. With several app processes set CACHE_BACKEND=database so that they share counters.

The client address is topics.ratelimit.client_address (the proxy's last X-Forwarded-For entry behind a TLS proxy).
A whole village may share one address behind a carrier's NAT, so the per-client limits are generous and the
per-participant ones are the tight ones. Every limit can be changed in settings (ONLINE_<BUCKET>_LIMIT and
ONLINE_<BUCKET>_WINDOW, optional; a limit of 0 turns it off).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from shangliang.topics.ratelimit import RateLimited, client_address

__all__ = ["RateLimited", "client_address", "hit"]


@dataclass(frozen=True)
class Limit:
    limit: int
    window: int  # seconds


# bucket → default limit per window. Voting is fast (a vote every few seconds is normal); statements are rarer.
DEFAULTS = {
    "vote_participant": Limit(240, 600),
    "vote_client": Limit(3000, 600),
    "statement_participant": Limit(10, 3600),
    "statement_client": Limit(60, 3600),
    "sms_mobile": Limit(5, 3600),
    "sms_client": Limit(20, 3600),
    "code_check": Limit(10, 600),
}


def _limit(bucket: str) -> Limit:
    default = DEFAULTS[bucket]
    name = bucket.upper()
    return Limit(
        getattr(settings, f"ONLINE_{name}_LIMIT", default.limit),
        getattr(settings, f"ONLINE_{name}_WINDOW", default.window),
    )


def _message(bucket: str, limit: Limit) -> str:
    minutes = max(1, limit.window // 60)
    values = {"minutes": minutes, "limit": limit.limit}
    if bucket.startswith("vote"):
        return _("表态过于频繁：%(minutes)d 分钟内最多表态 %(limit)d 次，请稍后再试。") % values
    if bucket.startswith("statement"):
        return _("发表观点过于频繁：%(minutes)d 分钟内最多发表 %(limit)d 条，请稍后再试。") % values
    if bucket.startswith("sms"):
        return _("验证码发送过于频繁：%(minutes)d 分钟内最多发送 %(limit)d 次，请稍后再试。") % values
    return _("验证码尝试次数过多，请 %(minutes)d 分钟后再试。") % values


def hit(bucket: str, who: str | int | None) -> None:
    """Count one action of `who` in `bucket`; raise RateLimited when the window's limit is already reached."""
    if who in (None, ""):
        return
    limit = _limit(bucket)
    if limit.limit <= 0:
        return
    digest = hashlib.sha256(str(who).encode()).hexdigest()[:32]
    key = f"online:rl:{bucket}:{digest}:{int(time.time() // limit.window)}"
    cache.add(key, 0, timeout=limit.window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.window)
        count = 1
    if count > limit.limit:
        raise RateLimited(_message(bucket, limit))
