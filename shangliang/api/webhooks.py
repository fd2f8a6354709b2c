"""Webhooks out, on the one outbox (core.events): a handler of the loop's events sends each event a client
subscribed to, inside the client's subtree, to the client's address, signed (HMAC-SHA256, or HMAC-SM3 where the county
asks). The outbox runs the handler at least once after the event commits; when an address does not answer 2xx the
handler fails, the outbox retries it with its growing backoff, and the system administrator sees the failure (with
the answer) on the outbox page. Each successful delivery is logged with its answer; a delivery can be replayed.

The receiver deduplicates by `X-Shangliang-Delivery` (event id and subscription): at-least-once means a retry after a
crash, or after another subscriber of the same event failed, may send an event again.

Headers: `X-Shangliang-Event` (the kind), `X-Shangliang-Delivery`, `X-Shangliang-Timestamp` (Unix seconds) and
`X-Shangliang-Signature: <algorithm>=<hex>` over `"<timestamp>." + body`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from shangliang.api.models import SignatureAlgorithm, WebhookDelivery, WebhookKind, WebhookSubscription
from shangliang.core import clock, crypto
from shangliang.core.events import register_event_handler
from shangliang.topics.models import Topic
from shangliang.units.models import Unit

LABELS = ("topics.topic", "accountability.responsibilitytask", "consultations.consultation")
EXCERPT = 300


class WebhookFailed(Exception):
    """Some subscriber did not take the event: the outbox retries the handler later."""


@dataclass
class Answer:
    status: int | None
    body: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def kind_of(event) -> str | None:
    label = ContentType.objects.get_for_id(event.content_type_id).model
    if label == "topic" and event.to_state:
        return WebhookKind.TOPIC_STATUS
    if label == "responsibilitytask":
        if event.action == "assign":
            return WebhookKind.TASK_ASSIGNED
        if event.action == "remind" and (event.data or {}).get("kind") == "overdue":
            return WebhookKind.TASK_OVERDUE
        if event.to_state == "done":
            return WebhookKind.TASK_DONE
    if label == "consultation" and event.action == "submit":
        return WebhookKind.RESULT_PUBLISHED
    return None


def payload(event, kind: str) -> dict:
    model = ContentType.objects.get_for_id(event.content_type_id).model
    subject: dict = {"type": model, "id": event.object_id}
    if model == "topic":
        code = Topic.objects.filter(pk=event.object_id).values_list("tracking_code", flat=True).first() or ""
        subject = {"type": "topic", "code": code}
    return {
        "id": event.pk,
        "type": kind,
        "occurred_at": timezone.localtime(event.created_at).isoformat(),
        "unit_id": event.unit_id,
        "subject": subject,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        # Only what the public timeline shows: an internal note (a screening remark) never leaves the platform.
        "note": event.note if event.public else "",
    }


def signature(secret: str, algorithm: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    if algorithm == SignatureAlgorithm.HMAC_SM3:
        return "hmac-sm3=" + crypto.hmac_sm3(secret.encode(), message)
    return "hmac-sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post(url: str, body: bytes, headers: dict) -> Answer:
    """One HTTP POST with a short timeout and no redirects (the address is the one the administrator registered)."""
    started = time.monotonic()
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (http(s) only)
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=settings.API_WEBHOOK_TIMEOUT) as response:
            text = response.read(EXCERPT).decode("utf-8", "replace")
            return Answer(response.status, text, "", int((time.monotonic() - started) * 1000))
    except urllib.error.HTTPError as exc:
        text = exc.read(EXCERPT).decode("utf-8", "replace") if exc.fp else ""
        return Answer(exc.code, text, "", int((time.monotonic() - started) * 1000))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Answer(None, "", f"{type(exc).__name__}: {exc}"[:EXCERPT], int((time.monotonic() - started) * 1000))


def send(subscription: WebhookSubscription, event, kind: str, *, replay: bool = False) -> WebhookDelivery:
    body = json.dumps(payload(event, kind), ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(clock.now().timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Shangliang-Webhooks/1",
        "X-Shangliang-Event": kind,
        "X-Shangliang-Delivery": f"{event.pk}-{subscription.pk}",
        "X-Shangliang-Timestamp": timestamp,
        "X-Shangliang-Signature": signature(subscription.secret, subscription.algorithm, timestamp, body),
    }
    answer = post(subscription.url, body, headers)
    return WebhookDelivery.objects.create(
        subscription=subscription,
        event=event,
        kind=kind,
        attempted_at=clock.now(),
        succeeded=answer.ok,
        status_code=answer.status,
        response_excerpt=answer.body[:EXCERPT],
        error=answer.error,
        duration_ms=answer.duration_ms,
        replay=replay,
    )


def subscriptions_for(event, kind: str) -> list[WebhookSubscription]:
    if event.unit_id is None:
        return []
    path = Unit.objects.filter(pk=event.unit_id).values_list("path", flat=True).first()
    found = WebhookSubscription.objects.filter(ended_at__isnull=True, client__revoked_at__isnull=True).select_related(
        "client__unit"
    )
    return [s for s in found if kind in (s.kinds or []) and path and path.startswith(s.client.unit.path)]


def deliver_webhooks(event) -> None:
    """The outbox handler: send the event to every subscriber that has not taken it yet."""
    kind = kind_of(event)
    if kind is None:
        return
    taken = set(WebhookDelivery.objects.filter(event=event, succeeded=True).values_list("subscription_id", flat=True))
    failures = []
    for subscription in subscriptions_for(event, kind):
        if subscription.pk in taken:
            continue
        delivery = send(subscription, event, kind)
        if not delivery.succeeded:
            failures.append(
                f"{subscription.url} → {delivery.status_code or delivery.error} {delivery.response_excerpt}"
            )
    if failures:
        raise WebhookFailed("; ".join(failures)[:1000])


def replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send one delivery's event again to its subscriber now (the administrator's button); logged as a replay."""
    with transaction.atomic():
        return send(delivery.subscription, delivery.event, delivery.kind, replay=True)


def register() -> None:
    for label in LABELS:
        register_event_handler(label, deliver_webhooks)
