"""A resident's own data across the apps (PIPL arts. 44–47): each app that keeps something about a person registers
a provider here (in its AppConfig.ready) that lists it and erases it. Erasing anonymises: the person's number hash is
replaced by an unlinkable random value and names and numbers are emptied, so topics, votes and ratings stay in the
figures while nobody can tell any more whose they were.

A person is an account, a verified number (its keyed hash), or both.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Person:
    user_id: int | None = None
    mobile_hash: str = ""

    def q(self, user_field: str | None = "user", hash_field: str | None = "mobile_hash") -> Q:
        """Rows of this person: by account, by number hash, or either; none when the person is empty."""
        q = Q(pk__in=[])
        if self.user_id and user_field:
            q |= Q(**{f"{user_field}_id": self.user_id})
        if self.mobile_hash and hash_field:
            q |= Q(**{hash_field: self.mobile_hash})
        return q

    @property
    def empty(self) -> bool:
        return not (self.user_id or self.mobile_hash)


@dataclass(frozen=True)
class Provider:
    label: object  # a lazy Chinese label: the section's title in the page and the downloads
    collect: Callable[[Person], list[dict]]
    erase: Callable[[Person], int]
    # The ids of the counties where the person's rows lie (a unit's `county_id`): which county's office a request
    # about them goes to. None for data that belongs to no county (consents, SMS codes).
    counties: Callable[[Person], Iterable[int | None]] | None = None


_PROVIDERS: dict[str, Provider] = {}


def register_provider(key: str, provider: Provider) -> None:
    _PROVIDERS[key] = provider


def providers() -> dict[str, Provider]:
    return dict(_PROVIDERS)


def collect_all(person: Person) -> dict[str, list[dict]]:
    if person.empty:
        return {}
    return {key: p.collect(person) for key, p in _PROVIDERS.items()}


def counties_of(person: Person) -> list[int]:
    """The ids of the counties where the person's data lies, the county holding most of it first (then by id)."""
    if person.empty:
        return []
    counts = Counter(c for p in _PROVIDERS.values() if p.counties for c in p.counties(person) if c)
    return [c for c, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def erase_all(person: Person) -> dict[str, int]:
    if person.empty:
        return {}
    return {key: p.erase(person) for key, p in _PROVIDERS.items()}


_WITHDRAWALS: dict[str, list[Callable]] = {}


def register_withdrawal(purpose: str, handler: Callable) -> None:
    """Run `handler(consent)` when a consent to `purpose` is withdrawn (e.g. a published name goes back to 张**)."""
    _WITHDRAWALS.setdefault(purpose, []).append(handler)


def withdrawal_handlers(purpose: str) -> list[Callable]:
    return list(_WITHDRAWALS.get(purpose, []))


def unlinkable() -> str:
    """A stand-in for an erased person's hash: unique (the one-per-person constraints hold), linked to nobody."""
    return "erased" + secrets.token_hex(29)
