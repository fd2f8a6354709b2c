"""The sign-in page (身份鉴别, first step): the password, then the middleware sends staff on to their second factor
(security.views.verify); in demo mode the page lists the demo accounts, the three administrators after the roles."""

from django.conf import settings
from django.contrib.auth import views as auth_views

from shangliang.people.models import Role, RoleAssignment
from shangliang.security.models import AdminRole


def demo_accounts() -> list[dict]:
    """One row per demo account: the roles in the order of docs/domain.md, then the three administrators."""
    order = {role: i for i, role in enumerate(Role.values)}
    seen: dict[int, dict] = {}
    rows = (
        RoleAssignment.objects.filter(user__is_demo=True, user__is_active=True, renounced_at__isnull=True)
        .select_related("user", "unit")
        .order_by("user_id", "id")
    )
    for a in rows:
        seen.setdefault(
            a.user_id,
            {
                "username": a.user.username,
                "display_name": a.user.display_name,
                "role": a.role,
                "role_label": a.get_role_display(),
                "unit_name": a.unit.name,
            },
        )
    accounts = sorted(seen.values(), key=lambda r: (order.get(r["role"], 99), r["username"]))
    admins = (
        AdminRole.objects.filter(user__is_demo=True, user__is_active=True, ended_at__isnull=True)
        .select_related("user")
        .order_by("kind")
    )
    accounts += [
        {
            "username": r.user.username,
            "display_name": r.user.display_name,
            "role": r.kind,
            "role_label": r.get_kind_display(),
            "unit_name": "",
        }
        for r in admins
    ]
    return accounts


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = demo_accounts()
            context["demo_password"] = settings.DEMO_PASSWORD
        return context
