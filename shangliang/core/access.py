"""View helpers: load an object and check a rules permission in one step.

Anonymous users go to the login page; a logged-in user without permission gets 403 (not a login loop).
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


class LoginRequired(Exception):
    pass


def check_perm(request, perm: str, obj) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def get_for(request, queryset, perm: str, **lookup):
    """get_object_or_404 + permission check. Returns the object."""
    if not request.user.is_authenticated:
        raise LoginRequired
    obj = get_object_or_404(queryset, **lookup)
    check_perm(request, perm, obj)
    return obj


class LoginRequiredMiddleware:
    """Turns LoginRequired raised by views into the login redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LoginRequired):
            return redirect_to_login(request.get_full_path())
        return None
