"""Lockout (django-axes' database handler) that also locks an address: five failures lock a username from an
address; LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever usernames they tried, lock the address
for the same cool-off (password spraying: a few guesses against every account)."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum

from shangliang.core import clock


class AddressLockoutHandler(AxesDatabaseHandler):
    def address_failures(self, request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        cool_off = get_cool_off(request)
        if cool_off is not None:
            attempts = attempts.filter(attempt_time__gte=clock.now() - cool_off)
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def address_locked(self, request) -> bool:
        limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return bool(limit) and self.address_failures(request) >= limit

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if self.is_whitelisted(request, credentials):
            return False
        return self.address_locked(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            request.security_lock_scope = "address"
            user_locked_out.send(
                "axes",
                request=request,
                username=(credentials or {}).get("username"),
                ip_address=request.axes_ip_address,
            )


USERNAME_MAX = 150  # Django's own username length; django-axes stores what it is given in a 255-character column


def axes_username(request, credentials=None) -> str | None:
    """The username django-axes counts failures under, cut to a username's length: a sign-in form sent with a
    100,000-character name is refused by the form, not by the database when axes records the attempt first."""
    if credentials:
        name = credentials.get("username")
    else:
        name = getattr(request, "data", request.POST).get("username")
    return None if name is None else str(name)[:USERNAME_MAX]
