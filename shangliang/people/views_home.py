"""The home page everyone starts from (the sign-in page is security.login's): for a signed-in person, their desk
(工作台) — what waits for them across their units, from every app's registered sections (people.desk)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from shangliang.people.desk import desk_for, is_resident_user, waiting_total
from shangliang.people.models import Role
from shangliang.people.selectors import top_units_for, user_scopes, within

# Roles whose unit opens inside the app for its holder; for the others the unit's public page is theirs.
INSIDE_ROLES = frozenset({Role.CPPCC_STAFF, Role.CONVENOR, Role.APPROVER, Role.LIAISON})


@require_GET
def home(request):
    if not request.user.is_authenticated:
        return render(request, "core/home_public.html")
    user = request.user
    scopes = user_scopes(user)
    role_labels = dict(Role.choices)
    tops = list(top_units_for(user)[:50])
    top_paths = [u.path for u in tops]
    roles = [
        # A resident's village, a department's county: their public page (inside the app they would be refused).
        (role_labels.get(s.role, s.role), s, user.is_superuser or within(s.path, top_paths))
        for s in scopes
    ]
    return render(
        request,
        "core/home.html",
        {
            "roles": roles,
            "top_units": tops,
            "desk": desk_for(user),
            "waiting": waiting_total(user),
            "resident": is_resident_user(user),
        },
    )
