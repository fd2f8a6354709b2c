"""Alerts to the security administrator (in the app, by SMS and by email): failed sign-ins across accounts, a mass
export, a permission change outside working hours, a broken audit chain.

`watch` looks at each audit record after its transaction commits (core.audit.add_watcher); one Alert per situation
(its key), however often the situation is seen again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shangliang.core import audit
from shangliang.core.models import AuditRecord
from shangliang.core.workdays import is_working_day
from shangliang.notifications.services import notify
from shangliang.notifications.sms import send_sms
from shangliang.security.models import AdminKind, AdminRole, Alert, AlertKind

logger = logging.getLogger(__name__)

PERMISSION_ACTIONS = {audit.ROLE_CHANGED, audit.PERMISSION_CHANGED, audit.ADMIN_ROLE_CHANGED}
EXPORT_ACTIONS = {audit.DATA_EXPORT, audit.AUDIT_EXPORT}
WATCHED = {audit.LOGIN_FAILED, *EXPORT_ACTIONS, *PERMISSION_ACTIONS}
WORK_START, WORK_END = time(8, 0), time(18, 0)


def raise_alert(*, kind: str, key: str, text: str) -> Alert | None:
    """Record the alert once and tell every security administrator; None when it was already raised."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(kind=kind, key=key[:200], text=text[:300], created_at=audit.now())
            audit.record(audit.ALERT, actor=None, subject=alert, detail={"kind": kind})
    except IntegrityError:
        return None
    _tell_security_admins(alert)
    return alert


def _tell_security_admins(alert: Alert) -> None:
    admins = [
        r.user for r in AdminRole.objects.filter(kind=AdminKind.SECURITY, ended_at__isnull=True).select_related("user")
    ]
    text = _("【安全告警】%(text)s") % {"text": alert.text}
    try:
        notify(users=admins, verb="security_alert", text=text, link=reverse("security:alerts"))
        phones = [u.phone for u in admins if u.phone]
        if phones:
            send_sms(to=phones, text=text, fail_silently=True)
    except Exception:  # the alert row stays on the alerts page whatever a channel does
        logger.exception("telling the security administrators about alert %s failed", alert.pk)


def watch(entry: AuditRecord) -> None:
    """Called after commit for every audit record."""
    if entry.action == audit.LOGIN_FAILED and entry.address:
        _failed_sign_ins(entry)
    elif entry.action in EXPORT_ACTIONS and entry.actor_id:
        _mass_export(entry)
    elif entry.action in PERMISSION_ACTIONS and not within_working_hours(entry.created_at):
        raise_alert(
            kind=AlertKind.OFF_HOURS_PERMISSION,
            key=f"offhours:{entry.pk}",
            text=_("%(who)s 于 %(when)s（非工作时间）变更了权限：%(what)s。")
            % {
                "who": entry.actor_name or _("系统"),
                "when": timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                "what": entry.object_repr,
            },
        )


def _failed_sign_ins(entry: AuditRecord) -> None:
    since = entry.created_at - timedelta(minutes=settings.SECURITY_ALERT_WINDOW_MINUTES)
    usernames = set(
        AuditRecord.objects.filter(action=audit.LOGIN_FAILED, address=entry.address, created_at__gte=since).values_list(
            "detail__username", flat=True
        )
    )
    if len(usernames) >= settings.SECURITY_ALERT_FAILED_ACCOUNTS:
        window = entry.created_at.strftime("%Y%m%d%H")
        raise_alert(
            kind=AlertKind.FAILED_SIGN_INS,
            key=f"failed:{entry.address}:{window}",
            text=_("地址 %(address)s 在 %(minutes)s 分钟内对 %(n)s 个账号登录失败（疑似密码喷洒）。")
            % {"address": entry.address, "minutes": settings.SECURITY_ALERT_WINDOW_MINUTES, "n": len(usernames)},
        )


def _mass_export(entry: AuditRecord) -> None:
    since = entry.created_at - timedelta(minutes=settings.SECURITY_ALERT_WINDOW_MINUTES)
    exports = AuditRecord.objects.filter(
        action__in=(audit.DATA_EXPORT, audit.AUDIT_EXPORT), actor_id=entry.actor_id, created_at__gte=since
    ).count()
    if exports >= settings.SECURITY_ALERT_EXPORTS:
        raise_alert(
            kind=AlertKind.MASS_EXPORT,
            key=f"export:{entry.actor_id}:{entry.created_at:%Y%m%d%H}",
            text=_("%(who)s 在 %(minutes)s 分钟内导出个人信息 %(n)s 次。")
            % {"who": entry.actor_name, "minutes": settings.SECURITY_ALERT_WINDOW_MINUTES, "n": exports},
        )


def within_working_hours(moment) -> bool:
    """08:00 to 18:00 on a working day of the default calendar (the State Council's, or the statutory holidays by
    rule for a year it has not published)."""
    local = timezone.localtime(moment)
    return is_working_day(local.date()) and WORK_START <= local.time() < WORK_END


def check_chain(*, via: str) -> tuple[str, bool]:
    """Seal what is left, verify the whole chain, alert on a break, and record the verification (an audit record
    the audit page shows as the latest check). Returns the summary line and whether the chain is whole."""
    sealed = audit.seal_pending()
    result = audit.verify()
    if not result.ok:
        raise_alert(
            kind=AlertKind.BROKEN_CHAIN,
            key=f"chain:{audit.now():%Y%m%d}:{len(result.problems)}",
            text=_("审计链校验发现 %(n)s 处问题，首个：%(first)s")
            % {"n": len(result.problems), "first": result.problems[0]},
        )
    line = f"audit chain: {sealed} sealed, {result.seals} verified, {len(result.problems)} problems"
    audit.record(
        audit.AUDIT_VERIFY,
        outcome=audit.AuditOutcome.SUCCESS if result.ok else audit.AuditOutcome.FAILURE,
        detail={"summary": line, "via": via},
    )
    return line, result.ok


def periodic_check(today: date) -> str:
    """run_periodic's job: verify the chain once a day (a verification reads every record, so not every run)."""
    start = timezone.make_aware(datetime.combine(today, time.min))
    done = AuditRecord.objects.filter(action=audit.AUDIT_VERIFY, detail__via="periodic", created_at__gte=start)
    if done.exists():
        return "audit chain: verified today already"
    return check_chain(via="periodic")[0]
