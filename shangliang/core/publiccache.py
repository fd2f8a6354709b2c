"""Public pages a shared cache may keep for a few seconds (nginx's micro-cache, deploy/nginx.conf.in).

A page in PUBLIC_VIEWS, asked for with GET or HEAD by a visitor who carries none of VISITOR_COOKIES (and is not an htmx
request), is the same for everyone: it is rendered without a CSRF token (its forms get one just in time from
`csrf_token_json`, static/js/csrf.js) and, when the response sets no cookie, marked `Cache-Control: public,
max-age=PUBLIC_CACHE_SECONDS`. The same page for a visitor who does carry one of those cookies (a session: a verified
mobile, an invitation, an account; the anonymous browser id; a language or large-text choice; a CSRF cookie, whose
token the page then embeds) is rendered as before and marked private. nginx bypasses its cache on the same cookies.

The list is an allowlist: a public page that differs per request (a form with a fresh idempotency key, a page opened
with a tracking code or a personal token, an htmx fragment) is simply not in it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shangliang.core.display import COOKIE as LARGE_TEXT_COOKIE

# The URL names of the pages that are the same for every visitor without a cookie of VISITOR_COOKIES.
PUBLIC_VIEWS = frozenset(
    {
        "home",
        "public:index",
        "public:unit",
        "topics:room",
        "topics:unit_public",
        "topics:public_topic",
        "topics:poster",
        "topics:track_form",
        "online:room",
        "online:results",
        "online:poster",
        "accountability:public_consultation",
        "accountability:public_consultation_print",
        "accountability:public_task",
        "accountability:public_notices",
        "accountability:public_results",
        "dashboards:public",
        "villageaffairs:public_village",
        "villageaffairs:public_disclosure_print",
        "residents:notice",
        "residents:county_notice",
    }
)


def visitor_cookies() -> tuple[str, ...]:
    """Every cookie the application sets or reads that makes a page differ per visitor. deploy/nginx.conf.in bypasses
    its cache on the same names (tests/ops/test_nginx_cache_conf.py holds the two lists together)."""
    return (
        settings.SESSION_COOKIE_NAME,  # an account, a verified mobile, invitations, a pending SMS code
        settings.CSRF_COOKIE_NAME,  # pages then embed the token of this cookie
        settings.LANGUAGE_COOKIE_NAME,  # core.middleware.LanguageMiddleware
        "messages",  # django.contrib.messages' cookie storage
        "sl_browser",  # residents.visitor.BROWSER_COOKIE: the anonymous browser id
        LARGE_TEXT_COOKIE,
    )


def cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or "HX-Request" in request.headers or "Authorization" in request.headers:
        return False
    cookies = request.COOKIES
    return not any(name in cookies for name in visitor_cookies())


class PublicCacheMiddleware:
    """Marks the responses of PUBLIC_VIEWS public (briefly) or private; placed before the middleware that set cookies,
    so that it sees every cookie the response sets."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Until a view is chosen: an address that resolves to none (a browser's /favicon.ico) answers with the 404
        # page, which must not hand the visitor a CSRF cookie either (every later page would then be their own).
        request.public_cache = cacheable_request(request)
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in PUBLIC_VIEWS or request.method not in ("GET", "HEAD"):
            return response
        if response.has_header("Cache-Control"):  # the view said (images: public for an hour)
            return response
        user = getattr(request, "user", None)
        if (
            request.public_cache
            and response.status_code == 200
            and not response.cookies
            and not getattr(user, "is_authenticated", False)
            and settings.PUBLIC_CACHE_SECONDS > 0
        ):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        else:
            patch_cache_control(response, private=True)
        patch_vary_headers(response, ("Cookie",))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name not in PUBLIC_VIEWS:
            request.public_cache = False


def csrf(request):
    """Context processor: a page rendered for the shared cache carries no CSRF token (`{% csrf_token %}` renders
    nothing, base.html leaves out its htmx header and loads static/js/csrf.js instead)."""
    if getattr(request, "public_cache", False):
        return {"csrf_token": "NOTPROVIDED", "PUBLIC_CACHE": True}
    return {}


@login_not_required
@never_cache
@require_GET
def csrf_token_json(request):
    """The CSRF token, just in time, for a form or htmx request on a page that came from the shared cache: sets the
    csrftoken cookie (if missing) and answers the masked token that goes with it, never cached. Reading it needs the
    same origin (no CORS here), so another site cannot use it."""
    return JsonResponse({"token": get_token(request)})
