"""Typed environment parsing that fails loudly on a bad value (healthchecks' envbool/envint)."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(raw: str) -> tuple[int, int]:
    """ "5/1h" → (5, 3600): a count per window (s, m, h, d; a bare number is seconds); "0" turns a limit off."""
    text = raw.strip().lower().replace(" ", "")
    if text in {"0", "off"}:
        return (0, 1)
    count, sep, window = text.partition("/")
    unit = window[-1:] if window[-1:] in _UNITS else "s"
    amount = window[:-1] if window[-1:] in _UNITS else window
    if not sep or not count.isdigit() or not (amount or "1").isdigit() or int(amount or "1") <= 0:
        raise ValueError(raw)
    return (int(count), int(amount or "1") * _UNITS[unit])


def envrate(name: str, default: str) -> tuple[int, int]:
    """A rate limit from the environment: "COUNT/WINDOW" such as "5/1h", "240/10m", "20/3600"; "0" is off."""
    raw = os.environ.get(name)
    try:
        return parse_rate(default if raw is None or raw.strip() == "" else raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate such as 5/1h, 240/10m or 0 (off)") from exc
