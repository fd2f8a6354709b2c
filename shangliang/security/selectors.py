"""Reads of security state: the policy, whether an account needs a second factor, its devices, the admins' actions."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django_otp import devices_for_user

from shangliang.core.models import AuditRecord
from shangliang.security.models import AccountSecurity, AdminRole, SecurityPolicy
from shangliang.security.rules import admin_kind

POLICY_CACHE_KEY = "security:policy:v1"


def policy() -> SecurityPolicy:
    """The security policy (one row, created with its defaults); cached a minute per process."""
    cached = cache.get(POLICY_CACHE_KEY)
    if cached is not None:
        return cached
    current, _created = SecurityPolicy.objects.get_or_create(pk=1)
    current.sms_county_ids = set(current.sms_counties.values_list("pk", flat=True))
    cache.set(POLICY_CACHE_KEY, current, 60)
    return current


def account(user) -> AccountSecurity | None:
    if not hasattr(user, "_account_security"):
        user._account_security = AccountSecurity.objects.filter(user_id=user.pk).first()
    return user._account_security


def exempt_as_demo(user) -> bool:
    """Demo accounts sign in with the shared demo password and no second factor, only while DEMO_MODE is on."""
    return bool(settings.DEMO_MODE and getattr(user, "is_demo", False))


def second_factor_required(user) -> bool:
    if not getattr(settings, "SECURITY_ENFORCE_SECOND_FACTOR", True) or exempt_as_demo(user):
        return False
    if admin_kind(user) is not None:
        return True
    roles = policy().second_factor_roles or []
    return bool(roles) and user.assignments.filter(role__in=roles, renounced_at__isnull=True).exists()


def sms_allowed_for(user) -> bool:
    """The user's county lets the SMS code stand in for an authenticator app (and the account has a mobile)."""
    if not user.phone:
        return False
    allowed = policy().sms_county_ids
    if not allowed:
        return False
    counties = user.assignments.filter(renounced_at__isnull=True).values_list("unit__county_id", flat=True)
    return any(county_id in allowed for county_id in counties)


def confirmed_devices(user) -> list:
    return list(devices_for_user(user, confirmed=True))


def admin_user_ids() -> set[int]:
    return set(AdminRole.objects.values_list("user_id", flat=True))


def admin_actions():
    """What the three administrators did (each one's actions visible to the others)."""
    return AuditRecord.objects.filter(actor_id__in=AdminRole.objects.values("user_id")).order_by("-created_at", "-id")


def active_admins():
    return AdminRole.objects.filter(ended_at__isnull=True).select_related("user").order_by("kind", "granted_at")
