"""The one way to build an absolute address (QR codes, posters, print layouts, text messages, e-mails, calendar files).

The address the site is served on: the configured SITE_URL where set (production sets it: a reverse proxy's public
name); else the host the request came in on (validated against ALLOWED_HOSTS by `request.get_host()`), so that a
development server on another port (`PORT=8080 make run`) prints codes that open on that port; else, outside a request
(a background job, a command), the local development address on PORT.
"""

from __future__ import annotations

from django.conf import settings


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
