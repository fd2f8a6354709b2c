"""Telling people: `notify` writes the in-app notifications and sends email where an address exists.

It is meant to be called from event handlers (core.events), which run after the transaction that wrote the event
has committed: nobody is told about a change that was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.core import clock
from shangliang.core.errors import NotAllowed
from shangliang.core.links import absolute_url
from shangliang.notifications.models import Notification

logger = logging.getLogger(__name__)
TEXT_MAX = 300


def notify(*, users: Iterable, verb: str, text: str, link: str = "", event=None) -> list[Notification]:
    """One notification per distinct active user; with `event`, a user already told about it is not told again."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if not recipients:
        return []
    text = text.strip()[:TEXT_MAX]
    if event is not None:
        told = set(
            Notification.objects.filter(event=event, verb=verb, user_id__in=recipients).values_list(
                "user_id", flat=True
            )
        )
        recipients = {pk: u for pk, u in recipients.items() if pk not in told}
    rows = [Notification(user=u, verb=verb, text=text, link=link[:300], event=event) for u in recipients.values()]
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
    _email(recipients.values(), text, link)
    return created


def _email(users, text: str, link: str) -> None:
    url = absolute_url(link)
    body = f"{text}\n\n{url}\n\n" + _("—— 商量 · 有事好商量（此邮件由系统发送，请勿回复）")
    subject = _("【有事好商量】%(text)s") % {"text": text[:60]}
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in users if u.email]
    if not messages:
        return
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:  # the in-app notification is kept; a mail server outage must not lose it
        logger.exception("sending %d notification emails failed", len(messages))


def notification_read(*, actor, notification: Notification) -> Notification:
    if notification.user_id != getattr(actor, "pk", None):
        raise NotAllowed(_("这不是您的消息。"))
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, actor) -> int:
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("请先登录。"))
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=clock.now())
