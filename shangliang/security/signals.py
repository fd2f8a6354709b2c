"""What the security app hears from others: Django's sign-in signals, django-axes' lockouts, the admin's log entries
and the people app's account events. Each becomes an audit record (and, for administrators, the session rule)."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save

from shangliang.core import audit, clock
from shangliang.core.events import register_event_handler
from shangliang.core.models import AuditRecord
from shangliang.core.periodic import register_periodic
from shangliang.security import alerts
from shangliang.security.models import AccountSecurity
from shangliang.security.rules import admin_kind
from shangliang.security.selectors import exempt_as_demo
from shangliang.security.services import mark_must_change

SESSION_STARTED = "security_started"
SESSION_SEEN = "security_seen"


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="security_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="security_logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="security_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="security_locked_out")
    post_save.connect(on_admin_log_entry, sender=LogEntry, dispatch_uid="security_admin_log")
    register_event_handler("people.user", on_user_event)
    audit.add_watcher(alerts.watch, actions=alerts.WATCHED)
    register_periodic("security", alerts.periodic_check)


def on_logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    now = clock.now().timestamp()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    kind = admin_kind(user)
    if kind is not None and not exempt_as_demo(user):
        # One active session per administrator: this sign-in ends the one before. (A demo administrator's account is
        # shared by every visitor of the demo, so it keeps them all.)
        account, _created = AccountSecurity.objects.get_or_create(user_id=user.pk)
        previous = account.admin_session_key
        if previous and previous != request.session.session_key:
            import_module(settings.SESSION_ENGINE).SessionStore(session_key=previous).delete()
        request.session.save()
        AccountSecurity.objects.filter(user_id=user.pk).update(admin_session_key=request.session.session_key or "")
    audit.record(audit.LOGIN, request=request, actor=user, subject=user, detail={"administrator": kind or ""})


def on_logged_out(sender, request, user, **kwargs):
    if user is None or request is None:
        return
    reason = getattr(request, "security_logout_reason", "")
    audit.record(
        audit.SESSION_EXPIRED if reason else audit.LOGOUT,
        request=request,
        actor=user,
        subject=user,
        detail={"reason": reason} if reason else {},
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    audit.record(
        audit.LOGIN_FAILED,
        request=request,
        actor=None,
        object_type="people.user",
        object_repr=username,
        outcome=audit.AuditOutcome.FAILURE,
        detail={"username": username},
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    if AuditRecord.objects.filter(
        action=audit.LOCKED,
        object_repr=str(username or "")[:150],
        address=ip_address,
        created_at__gte=audit.now() - cool_off,
    ).exists():
        return  # axes signals again for every attempt during the lockout: the lock itself was recorded once
    audit.record(
        audit.LOCKED,
        request=request,
        actor=None,
        object_type="people.user",
        object_repr=str(username or "")[:150],
        outcome=audit.AuditOutcome.FAILURE,
        address=ip_address,
        detail={"username": str(username or "")[:150], "by": getattr(request, "security_lock_scope", "account")},
    )


def on_admin_log_entry(sender, instance: LogEntry, created, **kwargs):
    if not created:
        return
    verb = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}.get(instance.action_flag, "other")
    audit.record(
        audit.ADMIN_ACTION,
        object_type=f"{instance.content_type.app_label}.{instance.content_type.model}"
        if instance.content_type_id
        else "",
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        detail={"admin": verb, "message": instance.get_change_message()[:500]},
    )


def on_user_event(event) -> None:
    """An account another person created with a password must change it at the first sign-in."""
    if event.action != "create":
        return
    user = event.subject
    if user is not None and user.has_usable_password() and event.actor_id != user.pk:
        mark_must_change(user)
