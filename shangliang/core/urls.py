"""How addresses are laid out: every app's internal pages under `/<app>/`, every public page (no account needed: what
QR codes, posters, text messages and the public site link to) under `/public/`, in the app's own URL namespace, and
permanent redirects from the addresses a page had before (printed QR codes keep working)."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView


class MovedView(RedirectView):
    """301 for GET and HEAD; 308 for anything else, so that a form posted to an old address is posted again (a browser
    turns a 301 after a POST into a GET)."""

    permanent = True
    query_string = True

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") and response.status_code == 301:
            response.status_code = 308
        return response

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)


def moved(route: str, to: str) -> URLPattern:
    """A permanent redirect from the old address `route` (from the site's root) to the page named `to`, with the same
    arguments and query string."""
    return path(route, login_not_required(MovedView.as_view(pattern_name=to)))


def app_urls(label: str, prefix: str | None = None, *, public: bool = True) -> URLResolver:
    """An app's addresses in its namespace `label`: `urls.urlpatterns` under `/<prefix>/` (default: the label), and,
    when the app has public pages, `public_urls.urlpatterns` under `/public/` and `public_urls.old_addresses` (the old
    addresses of those pages) from the root. `public=False` for an app whose public_urls has a namespace of its own."""
    patterns: list = []
    internal = import_module(f"shangliang.{label}.urls")
    if internal.urlpatterns:
        patterns.append(path(f"{prefix if prefix is not None else label}/", include(internal.urlpatterns)))
    if public and find_spec(f"shangliang.{label}.public_urls") is not None:
        public = import_module(f"shangliang.{label}.public_urls")
        patterns.append(path("public/", include(public.urlpatterns)))
        patterns.extend(getattr(public, "old_addresses", []))
    return path("", include((patterns, label)))
