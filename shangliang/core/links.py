"""The one way to build an absolute address (QR codes, posters, print layouts, text messages, e-mails, calendar files).

The address the site is served on: the configured SITE_URL where set (production sets it: a reverse proxy's public
name); else the host the request came in on (validated against ALLOWED_HOSTS by `request.get_host()`), so that a
development server on another port (`PORT=8080 make run`) prints codes that open on that port; else, outside a request
(a background job, a command), the local development address on PORT.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def site_root(request=None) -> str:
    """ "https://host[:port]" without a trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return settings.LOCAL_SITE_URL.rstrip("/")


def absolute_url(path: str, request=None) -> str:
    """`path` (from reverse(), starting with "/") on the address the site is served on; a full URL is returned as is."""
    if not path.startswith("/"):
        return path
    return site_root(request) + path


def local_next(request, default: str) -> str:
    """Where to go back to after a form: the `next` the form sent (POST, else GET) when it is a path of this site,
    else `default`. A path only: "x" or "javascript:…" would be read by `redirect()` as a view name or leave the site,
    and two values of `next` are one list, not a path."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
