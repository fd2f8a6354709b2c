"""View helpers: load an object and check a rules permission (or a workflow action's) in one step.

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


def get_for_action(request, queryset, workflow, actions, **lookup):
    """The POST-action view's first step: load the object and refuse (login, 403) whoever may not take any of
    `actions` on it by `workflow`'s table, before the view reads a single field of input: "not allowed for you" is
    never answered with "please fill in …". Returns the object."""
    if not request.user.is_authenticated:
        raise LoginRequired
    obj = get_object_or_404(queryset, **lookup)
    check_action(request, obj, workflow, actions)
    return obj


def check_action(request, obj, workflow, actions) -> None:
    """get_for_action for an object already loaded."""
    if not request.user.is_authenticated:
        raise LoginRequired
    if not workflow.permits(obj, request.user, [actions] if isinstance(actions, str) else actions):
        raise PermissionDenied


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
