"""Reading the site as a role does: which pages it reaches by following links from the URLconf's pages, and which
forms those pages offer (so that a new page or form is swept without anyone listing it).

`crawl(client, seeds)` starts from `seeds` (paths), follows every internal link of each HTML page, visits at most
`per_pattern` addresses of each URL pattern, and returns the pages it loaded with the forms found on them.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# Addresses a crawl never loads: signing out or switching language would end the role's session; the admin is its
# own site (its forms are Django's, guarded by the model constraints); the API speaks JSON (tests/api).
NOT_CRAWLED = re.compile(
    r"^/(admin/|accounts/logout|accounts/password_reset|i18n/|api/v1/|open311/|security/keepalive)"
)
# Downloads: loaded when the sweep reads what it stored, never parsed for links or forms.
DOWNLOAD = re.compile(r"\.(xlsx|docx|zip|csv|png|svg|pdf)$|/(export|report|print)/?$")


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, date, datetime-local, number, select, checkbox, radio, hidden, file, password, …
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    required: bool = False
    low: str = ""  # the input's min/max attributes
    high: str = ""


@dataclass
class Form:
    method: str  # "get" or "post"
    action: str  # a path
    page: str  # the page it was found on (sent as Referer)
    fields: list[FormField] = field(default_factory=list)
    submit: tuple[str, str] | None = None  # the first named submit button (name, value)

    @property
    def pattern(self) -> str:
        return pattern_of(self.action) or self.action

    def key(self) -> tuple:
        """Forms alike: the same target pattern and the same field names (one of them is swept)."""
        return (self.method, self.pattern, tuple(sorted({f.name for f in self.fields})), self.submit)


class _PageParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None
        self._radio: dict[str, FormField] = {}

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            action = a.get("hx-post") or a.get("action") or self.page
            method = "post" if a.get("hx-post") else (a.get("method") or "get").lower()
            self._form = Form(method=method, action=urljoin(self.page, action), page=self.page)
            self._radio = {}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                if self._form.submit is None:
                    self._form.submit = (a["name"], a.get("value", ""))
                return
            if kind == "radio":
                group = self._radio.get(a["name"])
                if group is None:
                    group = self._radio[a["name"]] = FormField(a["name"], "radio")
                    self._form.fields.append(group)
                group.options.append(a.get("value", "on"))
                if "checked" in a:
                    group.value = a.get("value", "on")
                return
            if kind == "checkbox":
                self._form.fields.append(
                    FormField(a["name"], kind, a.get("value", "on") if "checked" in a else "", [a.get("value", "on")])
                )
                return
            self._form.fields.append(
                FormField(
                    a["name"],
                    kind,
                    a.get("value", ""),
                    required="required" in a,
                    low=a.get("min", ""),
                    high=a.get("max", ""),
                )
            )
        elif tag == "button" and a.get("name") and (a.get("type") or "submit") == "submit":
            if self._form.submit is None:
                self._form.submit = (a["name"], a.get("value", ""))
        elif tag == "select" and a.get("name"):
            self._select = FormField(a["name"], "select", multiple="multiple" in a, required="required" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            if value is not None:
                self._select.options.append(value)
                if "selected" in a and not self._select.value:
                    self._select.value = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = FormField(a["name"], "textarea", required="required" in a)
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse(page: str, html: str) -> tuple[list[str], list[Form]]:
    parser = _PageParser(page)
    parser.feed(html)
    links = []
    for href in parser.links:
        url = urlsplit(urljoin(page, href))
        if url.scheme in ("", "http") and url.netloc in ("", "testserver") and url.path.startswith("/"):
            links.append(url.path + (f"?{url.query}" if url.query else ""))
    return links, parser.forms


def pattern_of(path: str) -> str | None:
    """The URL pattern a path resolves to ("namespace:name" or the route), None for no page of the project."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name or match.route


def url_patterns() -> list[tuple[str, str]]:
    """Every (route, view name) of the URLconf."""
    found: list[tuple[str, str]] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
                found.append((prefix + str(p.pattern), name))

    walk(get_resolver().url_patterns, "", None)
    return found


@dataclass
class Crawl:
    pages: dict[str, int] = field(default_factory=dict)  # path -> status
    downloads: set[str] = field(default_factory=set)
    forms: list[Form] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "path: status" of every 5xx


def crawl(client, seeds: list[str], *, per_pattern: int = 2) -> Crawl:
    result = Crawl()
    seen_per_pattern: dict[str, int] = {}
    queue = deque(seeds)
    queued = set(seeds)
    while queue:
        path = queue.popleft()
        pattern = pattern_of(path)
        if pattern is None or NOT_CRAWLED.match(path):
            continue
        if DOWNLOAD.search(urlsplit(path).path):
            result.downloads.add(path)
            continue
        if seen_per_pattern.get(pattern, 0) >= per_pattern:
            continue
        seen_per_pattern[pattern] = seen_per_pattern.get(pattern, 0) + 1
        response = client.get(path)
        result.pages[path] = response.status_code
        if response.status_code >= 500:
            result.errors.append(f"GET {path}: {response.status_code}")
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        links, forms = parse(path, response.content.decode())
        result.forms.extend(forms)
        for link in links:
            if link not in queued:
                queued.add(link)
                queue.append(link)
    return result
