"""Sign-in steps after the password: the second factor (verify, enrol, recovery codes), the password change, the
idle-timeout keep-alive. Thin: parse, call a service, render."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.core import audit
from shangliang.core.access import LoginRequired
from shangliang.core.forms import run_service
from shangliang.core.links import local_next
from shangliang.security import selectors, services
from shangliang.security.forms import PasswordChangeForm, TokenForm, VerifyForm
from shangliang.security.models import SmsDevice
from shangliang.security.passwords import password_expired

ENROL_SESSION_KEY = "security_enrol_device"


def _signed_in(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    return request.user


def _next(request) -> str:
    return local_next(request, "/")


@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of a sign-in: a code from the authenticator, a recovery code, or a text message."""
    user = _signed_in(request)
    if user.is_verified():
        return redirect(_next(request))
    devices = selectors.confirmed_devices(user)
    if not devices:
        return redirect(_step("security:enrol", request))
    sms_allowed = selectors.sms_allowed_for(user)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        method, token = form.cleaned_data["method"], form.cleaned_data["token"].strip()
        device = _device_for(user, method, sms_allowed)
        if device is not None and device.verify_token(token):
            otp_login(request, device)
            audit.record(audit.LOGIN, request=request, subject=user, detail={"second_factor": method})
            if method == "recovery":
                left = StaticDevice.objects.get(pk=device.pk).token_set.count()
                messages.warning(request, _("已使用一个恢复码，还剩 %(n)d 个。") % {"n": left})
            return redirect(_next(request))
        audit.record(
            audit.SECOND_FACTOR_FAILED,
            request=request,
            subject=user,
            outcome=audit.AuditOutcome.FAILURE,
            detail={"method": method},
        )
        form.add_error("token", _("验证码不正确或已使用过，请重试（多次错误后须等待一段时间）。"))
    return render(
        request,
        "security/verify.html",
        {"form": form, "sms_allowed": sms_allowed, "next": _next(request), "has_totp": _has(devices, TOTPDevice)},
    )


def _has(devices, model) -> bool:
    return any(isinstance(d, model) for d in devices)


def _device_for(user, method: str, sms_allowed: bool):
    if method == "totp":
        return TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if method == "recovery":
        return StaticDevice.objects.filter(user=user, confirmed=True).first()
    if method == "sms" and sms_allowed:
        return SmsDevice.objects.filter(user=user).first()
    return None


@require_POST
def send_sms(request):
    user = _signed_in(request)
    if not selectors.sms_allowed_for(user):
        messages.error(request, _("本县未开通短信验证码登录，请使用身份验证器或恢复码。"))
    else:
        messages.info(request, services.sms_device_for(user=user).generate_challenge())
    return redirect(_step("security:verify", request))


@require_http_methods(["GET", "POST"])
def enrol(request):
    """Bind an authenticator app (TOTP): scan, confirm with a first code, keep the recovery codes."""
    user = _signed_in(request)
    if selectors.confirmed_devices(user) and not user.is_verified():
        return redirect(_step("security:verify", request))
    device = TOTPDevice.objects.filter(pk=request.session.get(ENROL_SESSION_KEY), user=user, confirmed=False).first()
    if device is None:
        device = services.totp_start(user=user)
        request.session[ENROL_SESSION_KEY] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = run_service(
            form, lambda: services.totp_confirm(user=user, device=device, token=form.cleaned_data["token"])
        )
        if codes is not None:
            request.session.pop(ENROL_SESSION_KEY, None)
            otp_login(request, device)
            return render(request, "security/recovery_codes.html", {"codes": codes, "next": _next(request)})
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "security/enrol.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, dark="#000", light="#fff"),
            "secret": _base32(device),
            "next": _next(request),
        },
    )


def _base32(device) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def account(request):
    """The signed-in person's own security: second factors and new recovery codes."""
    user = _signed_in(request)
    codes = None
    if request.method == "POST" and request.POST.get("action") == "renew_codes":
        if not user.is_verified():
            messages.error(request, _("请先完成双因素认证。"))
        else:
            codes = services.recovery_codes_renew(user=user)
    devices = selectors.confirmed_devices(user)
    return render(
        request,
        "security/account.html",
        {
            "codes": codes,
            "has_totp": _has(devices, TOTPDevice),
            "recovery_left": sum(d.token_set.count() for d in devices if isinstance(d, StaticDevice)),
            "required": selectors.second_factor_required(user),
        },
    )


@require_http_methods(["GET", "POST"])
def password_change(request):
    user = _signed_in(request)
    account_state = selectors.account(user)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: (
                services.password_change(
                    user=user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password1"],
                )
                or True
            ),
        )
        if done:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。"))
            return redirect(_next(request))
    reason = ""
    if account_state is not None and account_state.must_change_password:
        reason = _("首次登录或密码被重置后，须先修改密码。")
    elif account_state is not None and account_state.password_changed_at:
        reason = _("密码已超过有效期，请修改。") if _expired(user, account_state) else ""
    return render(request, "security/password_change.html", {"form": form, "reason": reason, "next": _next(request)})


def _expired(user, account_state) -> bool:
    return password_expired(user, account_state, selectors.policy())


@require_POST
def keepalive(request):
    """The idle-timeout warning's 'stay signed in' (the middleware notes the activity)."""
    _signed_in(request)
    return HttpResponse(status=204)


def _step(name: str, request) -> str:
    """Another step of the sign-in, carrying where the person was going."""
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"
