"""What every A4 print layout (print/base.html) needs: the live page's absolute address for its QR code (core.links)
and when it was printed."""

from __future__ import annotations

from shangliang.core import clock
from shangliang.core.links import absolute_url


def print_context(request, *, unit, live_path: str, back_path: str = "", qr_title: str = "", **extra) -> dict:
    return {
        "unit": unit,
        "live_url": absolute_url(live_path, request),
        "back_url": back_path or live_path,
        "qr_title": qr_title,
        "printed_at": clock.now(),
        **extra,
    }
