"""The Django admin, locked down (等保 2.0 三员): only the system administrator opens it (superusers included: there
are none in production), with a verified second factor where the policy asks for one. It edits only accounts and
a few reference lists; every model with a workflow, figures or an audit meaning is read-only here, and nothing is
deleted (accounts are locked instead). Each admin action is an audit record (security.signals.on_admin_log_entry).
"""

from __future__ import annotations

from types import MethodType

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from shangliang.people.admin import UserAdmin as PeopleUserAdmin
from shangliang.security.models import AdminRole, Alert, SecurityPolicy
from shangliang.security.rules import is_system_admin
from shangliang.security.selectors import second_factor_required
from shangliang.security.services import mark_must_change

# Models the system administrator may add and change here; everything else is read-only.
WRITABLE = {"people.user", "people.sector", "people.department", "people.expertise", "people.talent"}

User = get_user_model()


def may_use_admin(request) -> bool:
    user = request.user
    if not (user.is_active and user.is_authenticated and is_system_admin(user)):
        return False
    return user.is_verified() or not second_factor_required(user)


def _view(self, request, obj=None):
    return may_use_admin(request)


def _module(self, request):
    return may_use_admin(request)


def _write(self, request, obj=None):
    return may_use_admin(request) and self.model._meta.label_lower in WRITABLE


def _never(self, request, obj=None):
    return False


def lock_down(site: admin.AdminSite) -> None:
    """Replace every registered ModelAdmin's permission checks (called once the admin modules are loaded)."""
    site.has_permission = lambda request: may_use_admin(request)
    site.login = MethodType(_login, site)
    for model_admin in site._registry.values():
        model_admin.has_view_permission = MethodType(_view, model_admin)
        model_admin.has_module_permission = MethodType(_module, model_admin)
        model_admin.has_add_permission = MethodType(_write, model_admin)
        model_admin.has_change_permission = MethodType(_write, model_admin)
        model_admin.has_delete_permission = MethodType(_never, model_admin)
        for inline in model_admin.inlines:
            inline.has_view_permission = _view
            inline.has_add_permission = _write_inline
            inline.has_change_permission = _write_inline
            inline.has_delete_permission = _never


def _login(self, request, extra_context=None):
    """The admin has no sign-in of its own: the project's (with its second factor); signed in, it is refused."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or "/admin/")


def _write_inline(self, request, obj=None):
    return may_use_admin(request) and self.model._meta.label_lower in WRITABLE


class UserAdmin(PeopleUserAdmin):
    """Accounts without Django's permission flags (roles and the three administrators grant access instead); a new
    account's password is changed at its first sign-in; a password is reset through the security pages."""

    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("状态"), {"fields": ("is_active", "is_demo")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined", "is_demo")
    list_filter = ("is_active", "is_demo")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            mark_must_change(obj)

    def user_change_password(self, request, id, form_url=""):
        return redirect("security:accounts")


admin.site.unregister(User)
admin.site.register(User, UserAdmin)


@admin.register(AdminRole)
class AdminRoleAdmin(admin.ModelAdmin):
    list_display = ("kind", "user", "granted_at", "granted_by", "ended_at", "ended_by")
    list_select_related = ("user", "granted_by", "ended_by")


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "password_max_age_days", "idle_timeout_minutes", "absolute_timeout_hours")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "text", "acknowledged_at")
    list_filter = ("kind",)
