"""The three administrators' pages: the security administrator's policy, administrators, accounts and alerts; the
system administrator's password resets; every administrator's view of the others' actions. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.core import audit, events
from shangliang.core.access import LoginRequired, check_perm
from shangliang.core.errors import InvalidInput
from shangliang.core.forms import id_from, run_service
from shangliang.core.pagination import paginate
from shangliang.security import selectors, services
from shangliang.security.forms import AccountSearchForm, GrantForm, PolicyForm
from shangliang.security.models import AdminRole, Alert
from shangliang.security.rules import admin_kind
from shangliang.units.models import Unit, UnitKind

User = get_user_model()


def _perm(request, perm: str) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired
    check_perm(request, perm, None)


@require_GET
def index(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    kind = admin_kind(request.user)
    if kind is None:
        raise PermissionDenied
    return render(request, "security/index.html", {"kind": kind, "admins": selectors.active_admins()})


@require_http_methods(["GET", "POST"])
def policy(request):
    _perm(request, "security.change_policy")
    current = selectors.policy()
    counties = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("path")
    initial = {
        "password_max_age_days": current.password_max_age_days,
        "idle_timeout_minutes": current.idle_timeout_minutes,
        "absolute_timeout_hours": current.absolute_timeout_hours,
        "second_factor_roles": current.second_factor_roles,
        "sms_counties": list(current.sms_county_ids),
    }
    form = PolicyForm(request.POST or None, initial=initial, counties=counties)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sms = data.pop("sms_counties")
        if run_service(form, lambda: services.policy_update(actor=request.user, sms_counties=sms, **data)):
            messages.success(request, _("安全策略已保存。"))
            return redirect("security:policy")
    return render(request, "security/policy.html", {"form": form, "policy": current})


@require_http_methods(["GET", "POST"])
def administrators(request):
    _perm(request, "security.grant_admin_roles")
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
        if user is None:
            form.add_error("username", _("没有这个有效账号。"))
        elif run_service(
            form, lambda: services.admin_role_grant(actor=request.user, user=user, kind=form.cleaned_data["kind"])
        ):
            messages.success(request, _("已授予管理员角色。"))
            return redirect("security:administrators")
    return render(request, "security/administrators.html", {"form": form, "admins": selectors.active_admins()})


@require_POST
def administrator_end(request, pk):
    _perm(request, "security.grant_admin_roles")
    role = get_object_or_404(AdminRole.objects.select_related("user"), pk=pk)
    services.admin_role_end(actor=request.user, role=role)
    messages.success(request, _("已终止 %(name)s 的管理员角色。") % {"name": role.user.display_name})
    return redirect("security:administrators")


@require_GET
def accounts(request):
    if not (
        request.user.is_authenticated
        and (request.user.has_perm("security.lock_accounts") or request.user.has_perm("security.manage_accounts"))
    ):
        _perm(request, "security.lock_accounts")
    form = AccountSearchForm(request.GET)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    users = User.objects.order_by("username")
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    return render(request, "security/accounts.html", {"form": form, "page": paginate(request, users), "q": query})


ACCOUNT_ACTIONS = {
    "lock": ("security.lock_accounts", services.account_lock, _("账号已锁定。")),
    "unlock": ("security.lock_accounts", services.account_unlock, _("账号已解锁。")),
    "reset_2fa": ("security.lock_accounts", services.second_factor_reset, _("双因素认证已重置，下次登录时重新绑定。")),
}


@require_POST
def account_action(request, pk, action):
    if action == "reset_password":
        _perm(request, "security.manage_accounts")
        user = get_object_or_404(User, pk=pk)
        temporary = services.password_reset(actor=request.user, user=user)
        return render(request, "security/temporary_password.html", {"person": user, "temporary": temporary})
    if action not in ACCOUNT_ACTIONS:
        raise InvalidInput(_("未知操作。"))
    perm, service, done = ACCOUNT_ACTIONS[action]
    _perm(request, perm)
    user = get_object_or_404(User, pk=pk)
    service(actor=request.user, user=user)
    messages.success(request, done)
    return redirect(f"{reverse('security:accounts')}?{urlencode({'q': user.username})}")


@require_http_methods(["GET", "POST"])
def alerts(request):
    _perm(request, "security.view_alerts")
    if request.method == "POST":
        raw = str(request.POST.get("alert", ""))
        alert = get_object_or_404(Alert, pk=id_from({"pk": raw}, "pk"))
        services.alert_acknowledge(actor=request.user, alert=alert)
        return redirect("security:alerts")
    return render(request, "security/alerts.html", {"page": paginate(request, Alert.objects.all())})


@require_GET
def admin_actions(request):
    _perm(request, "security.view_admin_actions")
    page = paginate(request, selectors.admin_actions())
    rows = [(r, audit.action_label(r.action)) for r in page]
    return render(request, "security/admin_actions.html", {"page": page, "rows": rows})


@require_GET
def outbox(request):
    """The system administrator's view of the outbox: side effects (notifications, the dashboards' figures) that are
    not yet delivered, and the handlers that keep failing, instead of a line in a log nobody reads."""
    _perm(request, "security.view_outbox")
    return render(request, "security/outbox.html", {"status": events.outbox_status()})
