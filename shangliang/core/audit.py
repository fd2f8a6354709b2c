"""The audit trail (等保 2.0 安全审计): one append-only, hash-chained record per security-relevant act.

Every app writes it through `record(...)`, in the transaction of the change it records:

    from shangliang.core import audit
    audit.record(audit.DATA_UNMASK, subject=resident, detail={"field": "phone"})

The actor and the client address come from the current request (set by `AuditContextMiddleware`) unless given.
An app with its own kinds of act registers them once with `register_action(code, label)`; `record` refuses an
unknown action, so the audit administrator's search always has a label for what it finds.

Integrity: each record carries an HMAC-SM3 of its content (`mac`, key `AUDIT_KEY`); after the transaction commits,
`seal` chains the new records (AuditSeal: hash_n = HMAC(hash_{n-1} | n | id | mac)) in a short transaction of its
own under the chain head's row lock, so audited requests never wait on each other and no lock is held across a
business transaction. `verify()` (`manage.py audit_verify`, the audit page) recomputes everything and names each
edited, deleted or inserted record. Records younger than `AUDIT_RETENTION_DAYS` (never below 180) cannot be purged.
"""

from __future__ import annotations

import hmac
import json
import logging
import uuid
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shangliang.core import clock, crypto
from shangliang.core.models import AuditChain, AuditOutcome, AuditRecord, AuditSeal

__all__ = ["AuditOutcome", "AuditRecord", "record", "register_action", "seal", "seal_pending", "verify", "purge"]

logger = logging.getLogger(__name__)

MINIMUM_RETENTION_DAYS = 180  # GB/T 22239-2019 8.1.4.3 with the Cybersecurity Law art. 21: at least six months

# The kinds of act (code → label). Prefixes group them for the audit page's filter.
LOGIN = "auth.login"
LOGIN_FAILED = "auth.login_failed"
LOGOUT = "auth.logout"
SESSION_EXPIRED = "auth.session_expired"
LOCKED = "auth.locked"
UNLOCKED = "auth.unlocked"
PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105 (an action name)
PASSWORD_RESET = "auth.password_reset"  # noqa: S105 (an action name)
SECOND_FACTOR_CHANGED = "auth.2fa_changed"
SECOND_FACTOR_FAILED = "auth.2fa_failed"
ROLE_CHANGED = "perm.role_changed"
PERMISSION_CHANGED = "perm.changed"
ADMIN_ROLE_CHANGED = "perm.admin_role_changed"
ACCOUNT_CHANGED = "account.changed"
CONFIG_CHANGED = "config.changed"
DATA_EXPORT = "data.export"
DATA_DOWNLOAD = "data.download"
DATA_UNMASK = "data.unmask"
ADMIN_ACTION = "admin.action"
WORKFLOW_TRANSITION = "workflow.transition"
AUDIT_SEARCH = "audit.search"
AUDIT_EXPORT = "audit.export"
AUDIT_VERIFY = "audit.verify"
AUDIT_PURGE = "audit.purge"
ALERT = "security.alert"
BACKUP = "data.backup"
RESTORE = "data.restore"

_ACTIONS: dict[str, object] = {
    LOGIN: _("登录"),
    LOGIN_FAILED: _("登录失败"),
    LOGOUT: _("退出登录"),
    SESSION_EXPIRED: _("会话超时"),
    LOCKED: _("账号锁定"),
    UNLOCKED: _("账号解锁"),
    PASSWORD_CHANGED: _("修改密码"),
    PASSWORD_RESET: _("重置密码"),
    SECOND_FACTOR_CHANGED: _("双因素认证变更"),
    SECOND_FACTOR_FAILED: _("双因素认证失败"),
    ROLE_CHANGED: _("角色变更"),
    PERMISSION_CHANGED: _("权限变更"),
    ADMIN_ROLE_CHANGED: _("管理员角色变更"),
    ACCOUNT_CHANGED: _("账号变更"),
    CONFIG_CHANGED: _("配置变更"),
    DATA_EXPORT: _("导出个人信息"),
    DATA_DOWNLOAD: _("下载个人信息"),
    DATA_UNMASK: _("查看完整个人信息"),
    ADMIN_ACTION: _("后台管理操作"),
    WORKFLOW_TRANSITION: _("流程操作"),
    AUDIT_SEARCH: _("查询审计记录"),
    AUDIT_EXPORT: _("导出审计记录"),
    AUDIT_VERIFY: _("校验审计链"),
    AUDIT_PURGE: _("清理过期审计记录"),
    ALERT: _("安全告警"),
    BACKUP: _("备份数据"),
    RESTORE: _("从备份恢复"),
}


def register_action(code: str, label) -> None:
    """Declare a kind of act an app records (once, at import or in AppConfig.ready)."""
    if code in _ACTIONS and str(_ACTIONS[code]) != str(label):
        raise ValueError(f"audit action {code!r} already registered with another label")
    _ACTIONS[code] = label


def action_label(code: str) -> str:
    return str(_ACTIONS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in _ACTIONS.items()]


# --- the request context --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditContext:
    actor: object = None
    address: str | None = None


_context: ContextVar[AuditContext | None] = ContextVar("shangliang_audit_context", default=None)


def client_address(request) -> str | None:
    """The client's address as the lockout sees it (django-axes resolves proxies the same way)."""
    return get_client_ip_address(request) or None


class AuditContextMiddleware:
    """Makes the request's user and client address the default actor and address of `record` in this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _context.set(AuditContext(actor=getattr(request, "user", None), address=client_address(request)))
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


# --- writing --------------------------------------------------------------------------------------------------------


def record(
    action: str,
    *,
    actor=None,
    request=None,
    subject: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    unit=None,
    outcome: str = AuditOutcome.SUCCESS,
    detail: dict | None = None,
    address: str | None = None,
) -> AuditRecord:
    """Append one audit record, in the caller's transaction; it is sealed into the chain after commit.

    `subject` fills object type, id, description and unit (when it has one). Never put personal data in clear in
    `detail` (a masked value or the field's name is enough: the record says who saw what, not what they saw).
    """
    if action not in _ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: register it with core.audit.register_action")
    if outcome not in AuditOutcome.values:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    context = _context.get() or AuditContext()
    if request is not None:
        actor = actor if actor is not None else getattr(request, "user", None)
        address = address or client_address(request)
    if actor is None:
        actor = context.actor
    address = address or context.address
    if not getattr(actor, "is_authenticated", False):
        actor = None
    if subject is not None:
        object_type = object_type or subject._meta.label_lower
        object_id = object_id or subject.pk
        object_repr = object_repr or str(subject)
        if unit is None and hasattr(subject, "unit_id"):
            unit = subject.unit_id
    entry = AuditRecord(
        key=uuid.uuid4(),
        created_at=now(),
        actor_id=actor.pk if actor is not None else None,
        actor_name=actor.get_username() if actor is not None else "",
        address=address,
        action=action,
        object_type=object_type[:100],
        object_id=str(object_id or "")[:64],
        object_repr=str(object_repr or "")[:200],
        unit_id=unit if (unit is None or isinstance(unit, int)) else unit.pk,
        outcome=outcome,
        detail=detail or {},
    )
    entry.mac = record_mac(entry)
    entry.save(force_insert=True)
    _after_commit(entry)
    return entry


def now() -> datetime:
    """The project's clock (core.clock, frozen in tests and the demo)."""
    return clock.now()


_watchers: dict = {}  # watcher → the actions it looks at


def add_watcher(watcher, *, actions: Iterable[str]) -> None:
    """Call `watcher(record)` after the transaction of each record of these actions commits (security's alerts)."""
    _watchers[watcher] = frozenset(actions)


def remove_watcher(watcher) -> None:
    _watchers.pop(watcher, None)


class _SealAfterCommit:
    """One on_commit callback per transaction: it seals every record the transaction wrote in one short sealing
    transaction (a demo load or an import writes hundreds per step), then shows each to the watchers."""

    def __init__(self, entry: AuditRecord):
        self.entries = [entry]

    def __call__(self) -> None:
        ids = [entry.pk for entry in self.entries]
        try:
            seal(ids)
        except Exception:  # the records are committed; the periodic job (seal_pending) chains what was left
            logger.exception("audit: sealing records %s..%s failed", ids[0], ids[-1])
        watched = [(e, w) for e in self.entries for w, actions in _watchers.items() if e.action in actions]
        if not watched:
            return
        # A record written inside a savepoint that rolled back is gone: nobody is told about it.
        committed = set(AuditRecord.objects.filter(pk__in={e.pk for e, _w in watched}).values_list("pk", flat=True))
        for entry, watcher in watched:
            if entry.pk in committed:
                try:
                    watcher(entry)
                except Exception:
                    logger.exception("audit: watcher %s failed on record %s", watcher, entry.pk)


def _after_commit(entry: AuditRecord) -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # This transaction's callback, if it has one already (Django drops it with the transaction on rollback).
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _SealAfterCommit):
                callback.entries.append(entry)
                return
    transaction.on_commit(_SealAfterCommit(entry))


def record_unmasking(request, subject, *, field: str, count: int = 1) -> None:
    """The user of `request` was shown `count` full values of `field` on or under `subject` (a page or an export
    that unmasks personal numbers): one record of who saw which field of what, never the values themselves."""
    if count > 0:
        record(DATA_UNMASK, request=request, subject=subject, detail={"field": field, "count": count})


# --- the keyed hash -------------------------------------------------------------------------------------------------


def audit_key() -> bytes:
    """AUDIT_KEY (hexadecimal, at least 32 digits); the development default is derived from SECRET_KEY."""
    key = (getattr(settings, "AUDIT_KEY", "") or "").strip()
    if not key:
        return bytes.fromhex(crypto.hmac_sm3(settings.SECRET_KEY.encode(), b"shangliang.audit-key"))
    try:
        raw = bytes.fromhex(key)
    except ValueError as exc:
        raise ImproperlyConfigured("AUDIT_KEY is hexadecimal (64 digits)") from exc
    if len(raw) < 16:
        raise ImproperlyConfigured("AUDIT_KEY needs at least 32 hex digits")
    return raw


def _hmac_sm3(message: str) -> str:
    return crypto.hmac_sm3(audit_key(), message.encode())


def _canonical(entry: AuditRecord) -> str:
    created = entry.created_at
    if timezone.is_naive(created):  # pragma: no cover - USE_TZ is on
        created = timezone.make_aware(created)
    return json.dumps(
        [
            str(entry.key),
            created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            entry.actor_id,
            entry.actor_name,
            entry.address or "",
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.object_repr,
            entry.unit_id,
            entry.outcome,
            entry.detail,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def record_mac(entry: AuditRecord) -> str:
    return _hmac_sm3(_canonical(entry))


def link_hash(prev_hash: str, seq: int, record_id: int, mac: str) -> str:
    return _hmac_sm3(f"{prev_hash}|{seq}|{record_id}|{mac}")


# --- sealing --------------------------------------------------------------------------------------------------------


def _head_for_update() -> AuditChain:
    head = AuditChain.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChain.objects.get_or_create(pk=1)
        head = AuditChain.objects.select_for_update().get(pk=1)
    return head


def seal(record_ids: Iterable[int]) -> int:
    """Chain the given committed records (those not sealed yet, in id order). Returns how many were sealed."""
    ids = sorted(set(record_ids))
    if not ids:
        return 0
    with transaction.atomic():
        # The chain head's row lock orders the seals of concurrent processes; held only for this short transaction.
        head = _head_for_update()
        already = set(AuditSeal.objects.filter(record_id__in=ids).values_list("record_id", flat=True))
        entries = AuditRecord.objects.filter(pk__in=[i for i in ids if i not in already]).order_by("pk")
        seq, prev, sealed_at, seals = head.last_seq, head.last_hash, now(), []
        for entry in entries:
            if not hmac.compare_digest(entry.mac, record_mac(entry)):
                # A forged or edited record is never sealed into the chain: verify() reports it.
                logger.error("audit: record %s does not match its mac; not sealed", entry.pk)
                continue
            seq += 1
            digest = link_hash(prev, seq, entry.pk, entry.mac)
            seals.append(AuditSeal(seq=seq, record_id=entry.pk, prev_hash=prev, hash=digest, sealed_at=sealed_at))
            prev = digest
        if not seals:
            return 0
        AuditSeal.objects.bulk_create(seals)
        AuditChain.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return len(seals)


def seal_pending(batch: int = 5000) -> int:
    """Seal every committed record left unsealed (a process that stopped between commit and seal)."""
    total = 0
    while True:
        ids = list(AuditRecord.objects.filter(seal__isnull=True).order_by("pk").values_list("pk", flat=True)[:batch])
        sealed = seal(ids)
        total += sealed
        if len(ids) < batch or not sealed:
            return total


# --- verifying ------------------------------------------------------------------------------------------------------


@dataclass
class Verification:
    records: int = 0
    seals: int = 0
    pending: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, batch: int = 5000, max_problems: int = 100) -> Verification:
    """Recompute every record's mac and every link of the chain, and check that they cover each other.

    Finds an edited record (its mac), a deleted one (a seal without its record, a gap in the sequence, a tail
    shorter than the head says), an inserted one (a record no seal covers whose mac this system did not write), and
    an edited seal (a link that does not recompute). Records committed but not sealed yet are counted as pending.
    """
    result = Verification()

    def problem(message: str) -> None:
        if len(result.problems) < max_problems:
            result.problems.append(message)

    head = AuditChain.objects.filter(pk=1).first() or AuditChain()
    seq, prev = head.purged_through_seq, head.purged_hash
    while True:
        seals = list(AuditSeal.objects.filter(seq__gt=seq).order_by("seq")[:batch])
        if not seals:
            break
        by_id = AuditRecord.objects.in_bulk([s.record_id for s in seals])
        for s in seals:
            if s.seq != seq + 1:
                problem(gettext("审计链第 %(a)s 至 %(b)s 号缺失（记录被删除）。") % {"a": seq + 1, "b": s.seq - 1})
            elif s.prev_hash != prev:
                problem(gettext("审计链第 %(seq)s 号与前一号接不上（链被修改）。") % {"seq": s.seq})
            entry = by_id.get(s.record_id)
            if entry is None:
                problem(
                    gettext("审计链第 %(seq)s 号的记录（编号 %(id)s）已被删除。") % {"seq": s.seq, "id": s.record_id}
                )
            elif not hmac.compare_digest(entry.mac, record_mac(entry)):
                problem(gettext("审计记录（编号 %(id)s）的内容被修改。") % {"id": entry.pk})
            elif not hmac.compare_digest(s.hash, link_hash(s.prev_hash, s.seq, s.record_id, entry.mac)):
                problem(gettext("审计链第 %(seq)s 号被修改。") % {"seq": s.seq})
            seq, prev = s.seq, s.hash
            result.seals += 1
    if (seq, prev) != (head.last_seq, head.last_hash):
        problem(
            gettext("审计链止于第 %(seq)s 号，链头记为第 %(head)s 号（末尾的记录被删除或链头被修改）。")
            % {"seq": seq, "head": head.last_seq}
        )
    for entry in AuditRecord.objects.filter(seal__isnull=True).order_by("pk").iterator(chunk_size=batch):
        if hmac.compare_digest(entry.mac, record_mac(entry)):
            result.pending += 1
        else:
            problem(gettext("审计记录（编号 %(id)s）不是本系统写入的（被插入或伪造）。") % {"id": entry.pk})
    result.records = AuditRecord.objects.count()
    return result


# --- retention ------------------------------------------------------------------------------------------------------


def retention_days() -> int:
    return max(int(getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)), MINIMUM_RETENTION_DAYS)


class RetentionError(ValueError):
    pass


def seal_line(today) -> str:
    """run_periodic's job: chain what was left unsealed."""
    return f"audit: {seal_pending()} records sealed"


def purge_line(today) -> str:
    """run_periodic's job: delete the records past the retention period (AUDIT_RETENTION_DAYS, never below 180)."""
    days = retention_days()
    return f"audit: {purge(before=now() - timedelta(days=days))} records older than {days} days purged"


def purge(*, before: datetime, actor=None) -> int:
    """Delete the sealed records older than `before`, which must lie at least the retention period in the past.

    Only a prefix of the chain goes (up to the first seal whose record is younger), so what stays still verifies;
    the cut is recorded in the chain head and as an audit record of its own. PostgreSQL's trigger refuses any
    deletion of a record younger than 180 days whatever the application asks.
    """
    limit = now() - timedelta(days=retention_days())
    if before > limit:
        raise RetentionError(
            f"audit records are kept {retention_days()} days: cannot purge records after {limit:%Y-%m-%d}"
        )
    seal_pending()
    with transaction.atomic():
        head = _head_for_update()
        first_young = (
            AuditSeal.objects.filter(seq__gt=head.purged_through_seq, record__created_at__gte=before)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        cut = (first_young - 1) if first_young is not None else head.last_seq
        if cut <= head.purged_through_seq:
            return 0
        cut_hash = AuditSeal.objects.get(seq=cut).hash
        record_ids = list(
            AuditSeal.objects.filter(seq__gt=head.purged_through_seq, seq__lte=cut).values_list("record_id", flat=True)
        )
        with _purge_allowed():
            AuditRecord.objects.filter(pk__in=record_ids).delete()
            AuditSeal.objects.filter(seq__lte=cut).delete()
        AuditChain.objects.filter(pk=1).update(purged_through_seq=cut, purged_hash=cut_hash)
        record(
            AUDIT_PURGE,
            actor=actor,
            detail={"before": before.isoformat(), "through_seq": cut, "records": len(record_ids)},
        )
    return len(record_ids)


class _purge_allowed:
    """PostgreSQL: tell the append-only trigger (migration 0003) that this transaction is the retention purge."""

    def __enter__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL shangliang.audit_purge = 'on'")

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL shangliang.audit_purge = 'off'")
        return False
