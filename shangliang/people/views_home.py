"""The home page and the login page (with the demo accounts in demo mode): the two pages everyone starts from."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shangliang.people.models import Role, RoleAssignment
from shangliang.people.selectors import top_units_for, user_scopes


def demo_accounts() -> list[dict]:
    """One row per demo account, in the order of the roles of docs/domain.md."""
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
    return sorted(seen.values(), key=lambda r: (order.get(r["role"], 99), r["username"]))


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = demo_accounts()
            context["demo_password"] = settings.DEMO_PASSWORD
        return context


@require_GET
def home(request):
    if not request.user.is_authenticated:
        return render(request, "core/home_public.html")
    scopes = user_scopes(request.user)
    role_labels = dict(Role.choices)
    return render(
        request,
        "core/home.html",
        {
            "roles": [(role_labels.get(s.role, s.role), s) for s in scopes],
            "top_units": top_units_for(request.user)[:50],
        },
    )
