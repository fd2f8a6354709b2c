"""Walking the URLconf and asking it as each actor: the machinery of the access sweep (tests/test_sweep_access.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.admin.sites import AdminSite
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import RedirectView

from shangliang.core.urls import MovedView
from tests.sweep.subjects import MISSING

REFUSAL_PAGES = ("/accounts/login/", "/admin/login/")


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL name with its namespace, or the route for a nameless pattern
    route: str
    callback: object
    args: tuple[str, ...]
    converters: dict

    @property
    def methods(self) -> frozenset[str] | None:
        """GET and POST, whichever of them the view takes, as its code declares them (a class-based view's handlers,
        a function view's `require_http_methods` list, e.g. `require_POST`); None where the code does not say (a
        function view that takes whatever comes, or one behind a decorator that hides what it wraps)."""
        return allowed_methods(self.callback)

    @property
    def kind(self) -> str:
        view_class = getattr(self.callback, "view_class", None)
        if view_class is not None and issubclass(view_class, (MovedView, RedirectView)):
            return "redirect"
        if self.key.startswith("admin:") or self.route.startswith("/admin/"):
            return "admin"
        return "app"


def allowed_methods(callback) -> frozenset[str] | None:
    view_class = getattr(callback, "view_class", None)  # Django's and DRF's as_view(), through functools.wraps
    if view_class is not None:
        names = view_class.http_method_names
        return frozenset(m.upper() for m in ("get", "post") if m in names and hasattr(view_class, m))
    seen: set[int] = set()
    func = callback
    while func is not None and id(func) not in seen:  # down the decorators' __wrapped__ chain
        seen.add(id(func))
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:  # django.views.decorators.http
            methods = func.__closure__[code.co_freevars.index("request_method_list")].cell_contents
            return frozenset(m.upper() for m in methods) & {"GET", "POST"}
        func = getattr(func, "__wrapped__", None)
    return None


def patterns() -> list[Pattern]:
    """Every URL pattern of the project, from the URLconf (a new view is covered without anyone adding it)."""
    found: list[Pattern] = []

    def walk(resolver, prefix: str, namespace: str | None, converters: dict):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            conv = {**converters, **getattr(entry.pattern, "converters", {})}
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, route, ns, conv)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                found.append(Pattern(name or route, route, entry.callback, tuple(conv), conv))

    walk(get_resolver(), "/", None, {})
    # Django's auth URLs add a second "login" under accounts/: the first one wins when resolving.
    seen: set[str] = set()
    unique = []
    for p in found:
        if p.key in seen:
            continue
        seen.add(p.key)
        unique.append(p)
    return unique


def fill(pattern: Pattern, kwargs: dict) -> str:
    """The path of `pattern` with `kwargs` (missing arguments: an id or code that does not exist), reversed through
    the URLconf for a named pattern (regular-expression routes included)."""
    values = {
        name: kwargs.get(name, MISSING if type(converter).__name__ == "IntConverter" else "sweep-x")
        for name, converter in pattern.converters.items()
    }
    values.update(kwargs)
    if pattern.key != pattern.route:
        try:
            return reverse(pattern.key, kwargs=values)
        except NoReverseMatch:  # a regular expression's required group the caller did not fill
            pass
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "sweep-x", pattern.route)  # a regular expression's named groups
    for value in values.values():
        start = path.index("<")
        path = path[:start] + str(value) + path[path.index(">", start) + 1 :]
    return path.replace("^", "").replace("$", "").replace("\\", "")


def outcome(response) -> str:
    """'yes' (the actor may: the page, a redirect onward, a validation message or a state refusal), 'no' (403, 404,
    the sign-in page), 'n/a' (method not allowed) or 'ERROR <status>'."""
    status = response.status_code
    if status >= 500:
        return f"ERROR {status}"
    if status in (401, 403, 404):
        return "no"
    if status == 405:
        return "n/a"
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        if any(page in location for page in REFUSAL_PAGES):
            return "no"
        if urlsplit(location).path == reverse("admin:index"):
            return "no"  # the admin's own views send whoever is not its staff to its index, which sends them to sign in
    return "yes"


class Actors:
    """One signed-in test client per actor, for one test (sessions live in the database the test rolls back)."""

    def __init__(self, county):
        self.county = county
        self.clients: dict[str, Client] = {}

    def client(self, actor: str) -> Client:
        if actor not in self.clients:
            client = Client(raise_request_exception=False)
            user = self.county.actors[actor]
            if user is not None:
                client.force_login(user)
            self.clients[actor] = client
        return self.clients[actor]

    def ask(self, actor: str, method: str, path: str) -> str:
        client = self.client(actor)
        cache.clear()  # rate limits count per test process: each cell starts with none
        if method == "GET":
            return outcome(client.get(path))
        # A POST with one meaningless field, so that `Form(request.POST or None)` is bound; whatever it changes
        # (an allowed action without fields) is rolled back, and a sign-out does not carry over to the next cell.
        before = client.cookies.get(settings.SESSION_COOKIE_NAME)
        with transaction.atomic():
            result = outcome(client.post(path, {"sweep": "1"}))
            transaction.set_rollback(True)
        after = client.cookies.get(settings.SESSION_COOKIE_NAME)
        if before is None or after is None or after.value != before.value:
            self.clients.pop(actor)  # signed out or rotated by the POST (and rolled back): sign in afresh
        return result


def is_admin_site(callback) -> bool:
    return isinstance(getattr(callback, "admin_site", None), AdminSite)
