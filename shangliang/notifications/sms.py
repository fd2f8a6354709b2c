"""Text messages (短信): a pluggable backend, like Django's email backends.

settings.SMS_BACKEND names the class; the default console backend writes each message to standard output and the
log, so nothing needs configuring to run. A deployment points SMS_BACKEND at a class of its own that talks to its
provider's API (subclass `BaseSmsBackend`, implement `send_messages`). Tests use the in-memory backend and read
`sms.outbox`.

    from shangliang.notifications.sms import send_sms
    send_sms(to=["13812345678"], text="【有事好商量】您的验证码是 123456")

Who gets messages: owners of tasks and supervisors (reminders, public notices, changes they must act on) and
residents who follow an item with a verified mobile number; callers decide, this module only delivers.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from shangliang.people.models import mainland_mobile_validator, mask_phone

logger = logging.getLogger("shangliang.sms")
# The same pattern the people app validates mobile numbers with.
MOBILE = mainland_mobile_validator.regex
# One message: providers split longer ones into several billed parts; ours stay within a few.
TEXT_MAX = 300


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


class BaseSmsBackend:
    def __init__(self, fail_silently: bool = False, **kwargs):
        self.fail_silently = fail_silently

    def send_messages(self, messages: list[SmsMessage]) -> int:
        """Send the messages; return how many were accepted by the provider."""
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """Development default: prints and logs each message instead of sending it."""

    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, messages: list[SmsMessage]) -> int:
        with self._lock:
            for m in messages:
                # Logs are read by whoever runs the server: the number masked, as on every page that needs none.
                self.stream.write(f"[SMS to {mask_phone(m.to)}] {m.text}\n")
                logger.info("SMS to %s: %s", mask_phone(m.to), m.text)
            self.stream.flush()
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemBackend(BaseSmsBackend):
    """For tests: keeps messages in `shangliang.notifications.sms.outbox`."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


class DummyBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        return len(messages)


def get_backend(**kwargs) -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)(**kwargs)


def send_sms(*, to: Iterable[str], text: str, fail_silently: bool = True) -> int:
    """Send `text` to each valid mainland mobile of `to` (invalid and repeated numbers are skipped).

    With `fail_silently` (the default for notifications) a provider failure is logged, not raised: the in-app
    notification has been written already and must not be lost because the SMS gateway is down.
    """
    numbers = list(dict.fromkeys(n for n in (str(x).strip() for x in to) if MOBILE.match(n)))
    text = (text or "").strip()
    if not numbers or not text:
        return 0
    signature = getattr(settings, "SMS_SIGNATURE", "")
    if signature and not text.startswith(signature):
        text = f"{signature}{text}"
    messages = [SmsMessage(to=n, text=text[:TEXT_MAX]) for n in numbers]
    try:
        return get_backend(fail_silently=fail_silently).send_messages(messages)
    except Exception:
        if not fail_silently:
            raise
        logger.exception("sending %d text messages failed", len(messages))
        return 0
