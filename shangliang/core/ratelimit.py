"""The one rate limiter of every public write (Zulip's named rules): fixed windows counted in Django's cache.

Limits are named in settings.RATE_LIMITS, each a pair of rates settable from the environment (RATE_<NAME> and
RATE_<NAME>_NETWORK, "COUNT/WINDOW" such as "5/1h"; "0" turns one off):
- "each": per actor — a verified mobile number, an account, an invitation, or an anonymous browser;
- "network": per client address, a higher cap, so that a village sharing one Wi-Fi or one carrier NAT is not locked
  out by its sixth resident while one abuser still cannot flood a room. Callers leave the network out for a
  verified mobile or an account (the visitor does: `request.visitor.hit(name)`), which lifts that cap.

With several app processes set CACHE_BACKEND=database so that they share counters: then each count is one upsert
statement on a table of its own (core.RateCounter), not the database cache's get-then-set. Refusals raise
RateLimited, which the DomainErrorMiddleware renders as the one "too many" page (429 with Retry-After).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shangliang.core.crypto import mac
from shangliang.core.errors import DomainError
from shangliang.core.models import RateCounter

# What each named limit guards, for the "too many" page. A name in settings.RATE_LIMITS without a label here shows
# the generic wording.
LABELS = {
    "topic_submit": gettext_lazy("提交议题"),
    "topic_support": gettext_lazy("附议"),
    "rating": gettext_lazy("评价"),
    "follow": gettext_lazy("关注事项"),
    "objection": gettext_lazy("提交意见或异议"),
    "vote": gettext_lazy("表态"),
    "statement": gettext_lazy("发表观点"),
    "sms_send": gettext_lazy("获取短信验证码"),
    "code_check": gettext_lazy("输入验证码"),
    "invitation": gettext_lazy("确认邀请"),
    "consent": gettext_lazy("同意或撤回同意"),
    "data_request": gettext_lazy("提出个人信息申请"),
    "api_small": gettext_lazy("接口调用（小额度）"),
    "api_standard": gettext_lazy("接口调用（标准额度）"),
    "api_large": gettext_lazy("接口调用（大额度）"),
}


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds

    @property
    def off(self) -> bool:
        return self.limit <= 0


class RateLimited(DomainError):
    """Too many of one action from one actor or one network: nothing was stored; the "too many" page says when to
    come back. Not an InvalidInput, so that form views that show input errors inline let it through to that page."""

    status_code = 429

    def __init__(self, message, *, name: str, retry_after: int):
        super().__init__(message)
        self.name = name
        self.retry_after = retry_after

    @property
    def retry_minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


def rates(name: str) -> tuple[Rate, Rate]:
    """(per actor, per network) of the named limit; an unknown name is a programming error."""
    entry = settings.RATE_LIMITS[name]
    return Rate(*entry["each"]), Rate(*entry["network"])


def client_address(request) -> str:
    """The remote address; behind a TLS proxy (BEHIND_TLS_PROXY=1) the address the proxy appended last to
    X-Forwarded-For, which a client cannot forge (earlier entries can be)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _count(name: str, scope: str, who: str, rate: Rate) -> tuple[int, int]:
    now = time.time()
    window_no = int(now // rate.window)
    # Keyed hash: the cache (a database table with CACHE_BACKEND=database) never holds an address or a number.
    key = f"rl:{name}:{scope}:{mac(who.encode(), purpose='ratelimit')[:32]}:{window_no}"
    retry = int((window_no + 1) * rate.window - now) + 1
    if _counted_in_database():
        return _count_in_database(key, expires=(window_no + 1) * rate.window), retry
    cache.add(key, 0, timeout=rate.window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rate.window)
        count = 1
    return count, retry


def _counted_in_database() -> bool:
    return settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def _count_in_database(key: str, *, expires: int) -> int:
    """Add one to the window's row (created at 1) and return the new count: one statement, whose row lock (one actor's
    or one network's window) is held until the caller's transaction ends, so concurrent counts never lose one."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)  # the model's own table name, quoted
    sql = (
        f'INSERT INTO {table} ("key", "count", "expires_at") VALUES (%s, 1, %s) '  # noqa: S608
        f'ON CONFLICT ("key") DO UPDATE SET "count" = {table}."count" + 1 RETURNING "count"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, datetime.fromtimestamp(expires, tz=UTC)])
        return cursor.fetchone()[0]


def purge_counters(today) -> str:
    """run_periodic's job: delete the counters of windows that have ended."""
    deleted, _by_model = RateCounter.objects.filter(expires_at__lt=datetime.now(tz=UTC)).delete()
    return f"core: {deleted} ended rate-limit windows deleted"


def _refuse(name: str, rate: Rate, retry_after: int, *, network: bool) -> RateLimited:
    label = LABELS.get(name, gettext_lazy("这项操作"))
    values = {"what": label, "limit": rate.limit, "minutes": max(1, rate.window // 60)}
    if network:
        message = _(
            "同一网络%(what)s过于频繁：%(minutes)d 分钟内最多 %(limit)d 次。用手机号验证或登录后不受同一网络的限制。"
        )
    else:
        message = _("%(what)s过于频繁：%(minutes)d 分钟内最多 %(limit)d 次，请稍后再试。")
    return RateLimited(message % values, name=name, retry_after=retry_after)


def hit(name: str, *, key: str | None, network: str | None = None) -> None:
    """Count one `name` action of actor `key` (and of client address `network`, when given); raise RateLimited when
    either window's limit is already reached. A missing key skips the actor count (the network cap still holds)."""
    each, per_network = rates(name)
    if key and not each.off:
        count, retry = _count(name, "each", key, each)
        if count > each.limit:
            raise _refuse(name, each, retry, network=False)
    if network and not per_network.off:
        count, retry = _count(name, "net", network, per_network)
        if count > per_network.limit:
            raise _refuse(name, per_network, retry, network=True)
