"""The home page everyone starts from (the sign-in page is security.login's)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from shangliang.people.models import Role
from shangliang.people.selectors import top_units_for, user_scopes


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
