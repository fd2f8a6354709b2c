"""Residents as after the SMS-code step, for the benchmarks: a session whose data says which number was verified,
and their removal afterwards."""

from __future__ import annotations

import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session

from shangliang.core.crypto import mobile_hash
from shangliang.residents.visitor import SESSION_MOBILE


def verified(number: str) -> dict:
    """The session data of a resident who verified `number` with the SMS code."""
    return {SESSION_MOBILE: {"hash": mobile_hash(number), "masked": f"{number[:3]}****{number[-4:]}"}}


def resident_sessions(n: int) -> list[str]:
    """`n` residents with numbers of their own verified: a session each in the session store; their keys."""
    engine = import_module(settings.SESSION_ENGINE)
    keys = []
    for _ in range(n):
        store = engine.SessionStore()
        store.update(verified(f"137{secrets.randbelow(10**8):08d}"))
        store.create()
        keys.append(store.session_key)
    return keys


def forget_sessions(keys: list[str]) -> None:
    """Remove the benchmark's sessions (from the database store; other stores let them expire)."""
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        for start in range(0, len(keys), 2000):
            Session.objects.filter(session_key__in=keys[start : start + 2000]).delete()
