"""The sign-in rules on every request of a signed-in account (after django-otp's OTPMiddleware):

1. the session ends after the policy's idle time and at its absolute limit (an audit record says why);
2. an administrator's older session ends when they sign in again (one active session per administrator);
3. an account whose role needs a second factor is sent to verify (or enrol) it before anything else opens;
4. a password that must change (first sign-in of an account made by someone else, after a reset, or expired)
   is changed before anything else opens.
Demo accounts skip 3 and 4 while DEMO_MODE is on (selectors.exempt_as_demo).

And on the way out: every file a signed-in account downloads as an attachment (an Excel ledger, a Word report, a
CSV, an uploaded document) is an audit record — an export of generated data, or a download of a stored file — so
that no app has to remember it (the audit pages' own exports are recorded there, with their query).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse
from django.utils.translation import gettext as _

from shangliang.core import audit, clock
from shangliang.security import selectors
from shangliang.security.passwords import password_expired
from shangliang.security.rules import admin_kind
from shangliang.security.signals import SESSION_SEEN, SESSION_STARTED

# Views a signed-in account may open before its second factor and password are in order.
OPEN_VIEWS = {
    "login",
    "logout",
    "set_language",
    "security:verify",
    "security:send_sms",
    "security:enrol",
    "security:password_change",
    "security:keepalive",
}
SEEN_RESOLUTION = 30  # seconds: the session is written at most this often just to note activity
FILENAME = re.compile(r"filename\*=utf-8''([^;]+)|filename=\"?([^\";]+)", re.IGNORECASE)
RECORDED_ELSEWHERE = ("/security/audit/",)


def record_download(request, response) -> None:
    """An attachment sent to a signed-in account is an audit record (who, which file, from which page)."""
    disposition = response.get("Content-Disposition", "") if response.status_code == 200 else ""
    if not disposition.lower().startswith("attachment"):
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith(RECORDED_ELSEWHERE):
        return
    found = FILENAME.search(disposition)
    name = (found.group(1) or found.group(2)) if found else ""
    audit.record(
        audit.DATA_DOWNLOAD if isinstance(response, FileResponse) else audit.DATA_EXPORT,
        request=request,
        object_repr=unquote(name)[:200],
        detail={"path": request.path[:300], "query": request.GET.urlencode()[:300]},
    )


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        record_download(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        ended = self._session_ended(request, user)
        if ended:
            request.security_logout_reason = ended
            logout(request)
            messages.warning(request, self._ended_message(ended))
            return redirect_to_login(request.get_full_path())
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in OPEN_VIEWS or request.path.startswith("/static/"):
            return None
        if selectors.second_factor_required(user) and not user.is_verified():
            target = "security:verify" if selectors.confirmed_devices(user) else "security:enrol"
            return redirect_to_login(request.get_full_path(), login_url=target)
        if not selectors.exempt_as_demo(user) and self._must_change_password(user):
            return redirect_to_login(request.get_full_path(), login_url="security:password_change")
        return None

    @staticmethod
    def _session_ended(request, user) -> str:
        now = clock.now().timestamp()
        session = request.session
        started = session.get(SESSION_STARTED)
        if started is None:  # a session from before these rules: start counting now
            session[SESSION_STARTED] = session[SESSION_SEEN] = now
            return ""
        policy = selectors.policy()
        if now - session.get(SESSION_SEEN, started) > policy.idle_timeout_minutes * 60:
            return "idle"
        if now - started > policy.absolute_timeout_hours * 3600:
            return "absolute"
        if admin_kind(user) is not None:
            account = selectors.account(user)
            if account is not None and account.admin_session_key and account.admin_session_key != session.session_key:
                return "replaced"
        if now - session.get(SESSION_SEEN, 0) >= SEEN_RESOLUTION:
            session[SESSION_SEEN] = now
        return ""

    @staticmethod
    def _ended_message(reason: str) -> str:
        return {
            "idle": _("您已长时间未操作，为保护账号安全已自动退出，请重新登录。"),
            "absolute": _("本次登录已达最长时间，请重新登录。"),
            "replaced": _("您的管理员账号已在别处登录，本会话已结束。"),
        }[reason]

    @staticmethod
    def _must_change_password(user) -> bool:
        account = selectors.account(user)
        if account is None:
            return False
        return account.must_change_password or password_expired(user, account, selectors.policy())
