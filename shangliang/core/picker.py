"""One picker for people, units and departments at real sizes (a county has 290 members, a city 1,868 villages):
a search box that asks the server as the person types (htmx) and a short list of matches to choose from, instead of
a select holding a first page of a list that was cut without notice.

A picker is a form field holding the chosen id (`PickField`); what may be chosen is the view's and the service's
business: the view offers `picker(...)` over the queryset the person may choose from, answers the search at its own
address with `picker_response(...)`, and looks the posted id up in the same queryset (never in a list on the page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q
from django.shortcuts import render

from shangliang.core.forms import IdField

PICKER_PAGE = 20
QUERY_MAX = 50


class PickedInput(forms.HiddenInput):
    """Renders nothing: the picker's radio buttons carry the value (core/_picker.html)."""

    def render(self, name, value, attrs=None, renderer=None):
        return ""


class PickField(IdField):
    """The id picked in a picker; the view checks it against what the person may choose."""

    widget = PickedInput


@dataclass(frozen=True)
class Option:
    pk: int | str  # an id, or a typed id such as "d12" where one picker offers two kinds of thing
    label: str
    detail: str = ""


@dataclass
class Picker:
    name: str  # the form field's name (prefixed as the form prefixes it)
    label: Any
    search_url: str
    options: list[Option] = field(default_factory=list)
    total: int = 0
    query: str = ""
    chosen: int | None = None
    required: bool = True
    placeholder: Any = ""
    help_text: Any = ""
    errors: list = field(default_factory=list)
    # The name of another picker on the same form whose choice narrows this one (the responsible person of the
    # chosen body): its choice is sent with every search, and choosing there searches here again.
    follows: str = ""

    @property
    def id(self) -> str:
        return f"picker-{self.name}"

    @property
    def follows_id(self) -> str:
        return f"picker-{self.follows}-options" if self.follows else ""

    @property
    def cut(self) -> bool:
        return self.total > len(self.options)


def clean_query(value) -> str:
    return (value or "").strip()[:QUERY_MAX]


def search(queryset, query: str, fields: Iterable[str]):
    """`queryset` narrowed to rows where any of `fields` contains the query (case-insensitive)."""
    query = clean_query(query)
    if not query:
        return queryset
    q = Q()
    for f in fields:
        q |= Q(**{f"{f}__icontains": query})
    return queryset.filter(q)


def picker(
    *,
    name: str,
    label,
    search_url: str,
    queryset,
    fields: Iterable[str],
    option: Callable[[Any], Option],
    query: str = "",
    chosen=None,
    limit: int = PICKER_PAGE,
    **extra,
) -> Picker:
    """A picker over `queryset`: its first `limit` matches of `query` (two queries: the count and the page)."""
    query = clean_query(query)
    matches = search(queryset, query, fields)
    total = matches.count()
    options = [option(obj) for obj in matches[:limit]]
    chosen_pk = int(chosen) if str(chosen or "").isdigit() else None
    if chosen_pk and all(o.pk != chosen_pk for o in options):
        kept = queryset.filter(pk=chosen_pk).first()  # the choice stays offered when a form comes back with errors
        if kept is not None:
            options.insert(0, option(kept))
    return Picker(name, label, search_url, options, total, query, chosen_pk, **extra)


def picker_response(request, built: Picker):
    """The options part of a picker, for its search box's htmx request."""
    return render(request, "core/_picker_options.html", {"picker": built})
