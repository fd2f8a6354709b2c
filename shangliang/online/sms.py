"""Sending the SMS verification code.

The project's shared sender (shangliang.notifications.sms, with its SMS_BACKEND setting) is used when it is
installed and configured; until then this module falls back to writing the message to the log, which is enough for
development and the demo (the demo page also shows the code). Either way the caller learns whether it was sent.
"""

from __future__ import annotations

import logging

from django.conf import settings

from shangliang.people.models import mask_phone

logger = logging.getLogger(__name__)


def _shared_sender():
    if not hasattr(settings, "SMS_BACKEND"):
        return None
    try:
        from shangliang.notifications import sms
    except ImportError:
        return None
    return getattr(sms, "send_sms", None)


def send_sms(mobile: str, text: str) -> bool:
    """Send `text` to `mobile`; False when the gateway refused or failed (the caller tells the person)."""
    shared = _shared_sender()
    if shared is not None:
        return shared(to=[mobile], text=text, fail_silently=True) > 0
    # WARNING so that it shows with the default log level: without a gateway, this IS the delivery.
    logger.warning("SMS to %s (console sender, no SMS gateway configured): %s", mask_phone(mobile), text)
    return True
