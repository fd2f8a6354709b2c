"""Every security write: the three administrators, the policy, locks, resets, passwords and second factors.

Each is keyword-only, checks its permission first, runs in one transaction and writes its audit record there.
"""

from __future__ import annotations

import secrets
from importlib import import_module

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.core import audit
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.people.models import Role
from shangliang.security.models import AccountSecurity, AdminKind, AdminRole, Alert, SecurityPolicy, SmsDevice
from shangliang.security.rules import admin_kind
from shangliang.security.selectors import POLICY_CACHE_KEY

User = get_user_model()
RECOVERY_CODES = 10


def _require(actor, perm: str, message=None) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(message or _("您无权执行此操作。"))


def _forget_admin_kind(user) -> None:
    if hasattr(user, "_admin_kind"):
        del user._admin_kind


# --- the three administrators ---------------------------------------------------------------------------------------


def admin_role_grant(*, actor, user, kind: str, bootstrap: bool = False) -> AdminRole:
    """Make `user` the system, security or audit administrator. Only the security administrator grants, never to
    themself, and nobody holds two (or holds one with is_superuser). `bootstrap` is the first-accounts command's."""
    if not bootstrap:
        _require(actor, "security.grant_admin_roles", _("只有安全管理员可以授予管理员角色。"))
        if actor.pk == user.pk:
            raise NotAllowed(_("管理员不能给自己授予角色。"))
    if kind not in AdminKind.values:
        raise InvalidInput(_("管理员类型不正确。"), field="kind")
    if user.is_superuser:
        raise NotPossible(_("超级用户不能担任管理员：请使用普通账号。"))
    held = admin_kind(user)
    _forget_admin_kind(user)
    if AdminRole.objects.filter(user=user, ended_at__isnull=True).exists():
        raise NotPossible(
            _("%(name)s 已是%(kind)s：一人不能兼任两个管理员角色。")
            % {"name": user.display_name, "kind": AdminKind(held).label if held else ""}
        )
    try:
        with transaction.atomic():
            role = AdminRole.objects.create(user=user, kind=kind, granted_at=audit.now(), granted_by=actor)
            audit.record(
                audit.ADMIN_ROLE_CHANGED, actor=actor, subject=user, detail={"granted": kind, "bootstrap": bootstrap}
            )
    except IntegrityError as exc:  # two grants at once: the constraint keeps one
        raise NotPossible(_("%(name)s 已担任管理员角色。") % {"name": user.display_name}) from exc
    return role


def admin_role_end(*, actor, role: AdminRole) -> AdminRole:
    _require(actor, "security.grant_admin_roles", _("只有安全管理员可以终止管理员角色。"))
    if role.user_id == actor.pk:
        raise NotAllowed(_("管理员不能终止自己的角色：请由另一位安全管理员办理。"))
    if role.ended_at is not None:
        raise NotPossible(_("该管理员角色已终止。"))
    with transaction.atomic():
        row = locked(role)
        if row.ended_at is not None:
            raise NotPossible(_("该管理员角色已终止。"))
        row.ended_at, row.ended_by = audit.now(), actor
        row.save(update_fields=["ended_at", "ended_by"])
        audit.record(audit.ADMIN_ROLE_CHANGED, actor=actor, subject=row.user, detail={"ended": row.kind})
    return row


# --- policy ---------------------------------------------------------------------------------------------------------

POLICY_LIMITS = {
    "password_max_age_days": (1, 180),
    "idle_timeout_minutes": (2, 30),
    "absolute_timeout_hours": (1, 12),
}


def policy_update(*, actor, sms_counties=None, **values) -> SecurityPolicy:
    """Change the security policy (the security administrator only); every change is an audit record."""
    _require(actor, "security.change_policy", _("只有安全管理员可以修改安全策略。"))
    current = SecurityPolicy.objects.get_or_create(pk=1)[0]
    before, changes = {}, {}
    for name, value in values.items():
        if name == "second_factor_roles":
            value = sorted(set(value))
            if any(role not in Role.values for role in value):
                raise InvalidInput(_("角色不正确。"), field=name)
        elif name in POLICY_LIMITS:
            low, high = POLICY_LIMITS[name]
            if not isinstance(value, int) or not low <= value <= high:
                raise InvalidInput(
                    _("请填写 %(low)d 到 %(high)d 之间的整数。") % {"low": low, "high": high}, field=name
                )
        else:
            raise InvalidInput(_("未知的策略项。"), field=name)
        if getattr(current, name) != value:
            before[name], changes[name] = getattr(current, name), value
    with transaction.atomic():
        for name, value in changes.items():
            setattr(current, name, value)
        current.updated_at, current.updated_by = audit.now(), actor
        current.save()
        if sms_counties is not None:
            old = sorted(current.sms_counties.values_list("pk", flat=True))
            new = sorted(u.pk for u in sms_counties)
            if old != new:
                current.sms_counties.set(new)
                before["sms_counties"], changes["sms_counties"] = old, new
        if changes:
            audit.record(
                audit.CONFIG_CHANGED,
                actor=actor,
                subject=current,
                detail={"before": before, "after": changes},
            )
    cache.delete(POLICY_CACHE_KEY)
    return current


# --- accounts: locks, resets, passwords -----------------------------------------------------------------------------


def account_lock(*, actor, user) -> None:
    _require(actor, "security.lock_accounts", _("只有安全管理员可以锁定账号。"))
    if user.pk == actor.pk:
        raise NotAllowed(_("不能锁定自己的账号。"))
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        audit.record(audit.LOCKED, actor=actor, subject=user, detail={"by": "security_admin"})
    _end_sessions(user)


def account_unlock(*, actor, user) -> None:
    """Re-open an account locked by hand or by failed sign-ins (django-axes' counters reset)."""
    _require(actor, "security.lock_accounts", _("只有安全管理员可以解锁账号。"))
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True)
        cleared = axes_reset(username=user.get_username())
        audit.record(audit.UNLOCKED, actor=actor, subject=user, detail={"failed_attempts_cleared": cleared})


def password_reset(*, actor, user) -> str:
    """Set a one-time password the person must change at the next sign-in (the system administrator only)."""
    _require(actor, "security.manage_accounts", _("只有系统管理员可以重置密码。"))
    if user.pk == actor.pk:
        raise NotAllowed(_("不能重置自己的密码：请在“修改密码”中修改。"))
    temporary = temporary_password()
    with transaction.atomic():
        user.set_password(temporary)
        user.save(update_fields=["password"])
        AccountSecurity.objects.update_or_create(user_id=user.pk, defaults={"must_change_password": True})
        audit.record(audit.PASSWORD_RESET, actor=actor, subject=user)
    _end_sessions(user)
    return temporary


def temporary_password() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{body[:4]}-{body[4:8]}-{body[8:]}#{secrets.randbelow(90) + 10}"


def password_change(*, user, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        audit.record(audit.PASSWORD_CHANGED, actor=user, subject=user, outcome=audit.AuditOutcome.FAILURE)
        raise InvalidInput(_("原密码不正确。"), field="old_password")
    if new_password == old_password:
        raise InvalidInput(_("新密码不能与原密码相同。"), field="new_password1")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="new_password1") from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])  # the history validator records it (passwords.HistoryValidator)
        AccountSecurity.objects.filter(user_id=user.pk).update(must_change_password=False)
        audit.record(audit.PASSWORD_CHANGED, actor=user, subject=user)


def mark_must_change(user) -> None:
    AccountSecurity.objects.update_or_create(user_id=user.pk, defaults={"must_change_password": True})


def _end_sessions(user) -> None:
    """End the administrator's recorded session (other accounts' sessions end at their next request)."""
    key = AccountSecurity.objects.filter(user_id=user.pk).values_list("admin_session_key", flat=True).first()
    if key:
        import_module(settings.SESSION_ENGINE).SessionStore(session_key=key).delete()


# --- second factors -------------------------------------------------------------------------------------------------


def totp_start(*, user) -> TOTPDevice:
    """An unconfirmed authenticator for the user to scan (replacing an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)


def totp_confirm(*, user, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with a first code; returns new recovery codes (shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise NotPossible(_("请重新开始绑定身份验证器。"))
    if not device.verify_token((token or "").strip()):
        audit.record(
            audit.SECOND_FACTOR_FAILED,
            actor=user,
            subject=user,
            outcome=audit.AuditOutcome.FAILURE,
            detail={"method": "totp", "step": "enrol"},
        )
        raise InvalidInput(_("验证码不正确，请核对手机时间后重试。"), field="token")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit.record(audit.SECOND_FACTOR_CHANGED, actor=user, subject=user, detail={"enrolled": "totp"})
    return codes


def recovery_codes_renew(*, user) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit.record(audit.SECOND_FACTOR_CHANGED, actor=user, subject=user, detail={"renewed": "recovery_codes"})
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def sms_device_for(*, user) -> SmsDevice:
    device = SmsDevice.objects.filter(user=user).first()
    if device is None:
        device = SmsDevice.objects.create(user=user, name=_("短信验证码"), confirmed=True)
    return device


def second_factor_reset(*, actor, user) -> int:
    """Remove every second factor of an account (a lost phone); the person enrols again at the next sign-in."""
    _require(actor, "security.lock_accounts", _("只有安全管理员可以重置双因素认证。"))
    if user.pk == actor.pk:
        raise NotAllowed(_("不能重置自己的双因素认证。"))
    with transaction.atomic():
        removed = sum(model.objects.filter(user=user).delete()[0] for model in (TOTPDevice, StaticDevice, SmsDevice))
        audit.record(audit.SECOND_FACTOR_CHANGED, actor=actor, subject=user, detail={"reset": True})
    _end_sessions(user)
    return removed


def alert_acknowledge(*, actor, alert) -> None:
    _require(actor, "security.view_alerts", _("只有安全管理员可以处理告警。"))
    with transaction.atomic():
        if Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=audit.now(), acknowledged_by=actor
        ):
            audit.record(audit.CONFIG_CHANGED, actor=actor, subject=alert, detail={"acknowledged": alert.kind})
