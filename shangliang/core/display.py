"""The large-text mode (适老化): larger type, higher contrast, bigger targets, chosen with one click from the header of
every page and remembered in a cookie (read by the base template; the script also keeps it in localStorage and
switches without a reload). Without JavaScript the button posts here."""

from __future__ import annotations

from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from shangliang.core.links import local_next

COOKIE = "large_text"
ONE_YEAR = 365 * 24 * 3600


def large_text_on(request) -> bool:
    return request.COOKIES.get(COOKIE) == "1"


@require_POST
def large_text(request):
    response = redirect(local_next(request, "/"))
    if large_text_on(request):
        response.delete_cookie(COOKIE, samesite="Lax")
    else:
        response.set_cookie(COOKIE, "1", max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure())
    return response
