"""The one SMS verification page every public form sends a resident to (`?next=` brings them back), and the
privacy notices."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.core.access import check_perm
from shangliang.core.crypto import DecryptionError, decrypt, encrypt
from shangliang.core.errors import DomainError
from shangliang.core.links import local_next
from shangliang.core.ratelimit import RateLimited
from shangliang.people.models import mask_phone
from shangliang.residents import services
from shangliang.residents.forms import CodeForm, MobileForm, NoticeForm
from shangliang.residents.models import ConsentPurpose
from shangliang.residents.visitor import SESSION_PENDING
from shangliang.units.models import Unit

PENDING_CONTEXT = "session.residents.pending"


def _next(request) -> str:
    return local_next(request, reverse("home"))


def _county(request):
    raw = request.POST.get("county") or request.GET.get("county") or ""
    if not str(raw).isdigit():
        return None
    return Unit.objects.filter(pk=int(raw), kind="county").first()


def verify_url(next_url: str, county=None) -> str:
    """Where a public page sends a resident to verify a number and come back."""
    query = {"next": next_url}
    if county is not None:
        query["county"] = county.pk
    return reverse("residents:verify") + "?" + urlencode(query)


def _pending(request) -> str:
    """The number a code was sent to, kept encrypted in the session between the two steps."""
    data = request.session.get(SESSION_PENDING)
    if not isinstance(data, dict):
        return ""
    try:
        return decrypt(str(data.get("token", "")), context=PENDING_CONTEXT)
    except DecryptionError:
        return ""


@require_http_methods(["GET", "POST"])
def verify(request):
    county = _county(request)
    notice = services.notice_in_force(county)
    version = services.notice_version(notice)
    step = request.POST.get("step", "")
    mobile_form = MobileForm(request.POST if step == "send" else None, initial={"notice_version": version})
    code_form = CodeForm(request.POST if step == "check" else None)
    pending = _pending(request)
    status = 200
    if step == "send":
        status = 400
        if mobile_form.is_valid():
            try:
                mobile = services.clean_mobile(mobile_form.cleaned_data["mobile"])
                consent_version = mobile_form.cleaned_data["notice_version"] or version
                if consent_version != version:
                    raise DomainError(_("隐私告知已更新，请阅读新的告知后再确认同意。"), field="consent")
                code = services.code_send(visitor=request.visitor, mobile=mobile)
            except RateLimited:
                raise
            except DomainError as exc:
                mobile_form.add_error(exc.field if exc.field in mobile_form.fields else None, exc.message)
                status = exc.status_code
            else:
                services.consent_record(
                    visitor=request.visitor,
                    purpose=ConsentPurpose.VERIFY,
                    county=county,
                    shown_version=consent_version,
                    mobile_hash_value=services.mobile_hash(mobile),
                )
                request.session[SESSION_PENDING] = {
                    "token": encrypt(mobile, context=PENDING_CONTEXT),
                    "masked": mask_phone(mobile),
                }
                messages.success(request, _("验证码已发送到 %(m)s，请查看短信。") % {"m": mask_phone(mobile)})
                if settings.DEMO_MODE:
                    messages.info(request, _("演示模式，未接短信网关：验证码是 %(code)s") % {"code": code})
                return redirect(request.get_full_path())
    elif step == "check":
        status = 400
        if not pending:
            code_form.is_valid()
            code_form.add_error(None, _("请先获取验证码。"))
        elif code_form.is_valid():
            try:
                verified = services.code_check(
                    visitor=request.visitor, mobile=pending, code=code_form.cleaned_data["code"]
                )
            except RateLimited:
                raise
            except DomainError as exc:
                code_form.add_error("code" if exc.field == "code" else None, exc.message)
                status = exc.status_code
            else:
                services.mobile_verified_into_session(request, verified)
                messages.success(
                    request, _("手机号 %(m)s 已验证，本次访问中可以评价、表态、提意见和附议。") % {"m": verified.masked}
                )
                return redirect(_next(request))
    data = request.session.get(SESSION_PENDING)
    return render(
        request,
        "residents/verify.html",
        {
            "mobile_form": mobile_form,
            "code_form": code_form if (pending or step == "check") else None,
            "pending_masked": data.get("masked", "") if isinstance(data, dict) and pending else "",
            "next": _next(request),
            "county": county,
            "notice": notice,
            "login_url": reverse("login") + "?next=" + _next(request),
        },
        status=status,
    )


@require_POST
def forget(request):
    services.mobile_forget(request)
    messages.success(request, _("已退出手机号验证。"))
    return redirect(_next(request))


@require_GET
def notice(request, county=None):
    unit = get_object_or_404(Unit, pk=county, kind="county") if county is not None else None
    current = services.notice_in_force(unit)
    return render(request, "residents/notice.html", {"county": unit, "notice": current})


@require_http_methods(["GET", "POST"])
def notice_edit(request, county):
    unit = get_object_or_404(Unit, pk=county, kind="county")
    check_perm(request, "residents.edit_notice", unit)
    current = services.notice_in_force(unit)
    form = NoticeForm(request.POST or None, initial={"body": current.body if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_publish(actor=request.user, county=unit, body=form.cleaned_data["body"])
        except DomainError as exc:
            form.add_error("body", exc.message)
        else:
            messages.success(request, _("隐私告知已发布新版本。"))
            return redirect("residents:county_notice", unit.pk)
    return render(
        request,
        "residents/notice_edit.html",
        {"county": unit, "notice": current, "form": form},
        status=400 if form.errors else 200,
    )
