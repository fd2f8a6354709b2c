"""The base of every API view: the caller's language, idempotent POSTs bound to the client, one audit record per
call attributed to the client (and its account)."""

from __future__ import annotations

import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response
from rest_framework.views import APIView

from shangliang.api.audit_actions import CALL, CALL_REFUSED
from shangliang.api.models import ApiClient, IdempotentResponse
from shangliang.core import audit, clock
from shangliang.core.errors import InvalidInput, NotPossible

IDEMPOTENCY_HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_:.-]{8,80}$")

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A key the client chooses for this write (8–80 letters, digits, _ : . -). Sent again with the same request, "
        "the first answer comes back and nothing is written twice; the same key with another request is refused."
    ),
    pattern=KEY_PATTERN.pattern,
)


def calling_client(request) -> ApiClient | None:
    for name in ("auth", "_api_client", "_api_refused_client"):
        value = getattr(request, name, None)
        if isinstance(value, ApiClient):
            return value
    return None


def fingerprint(request) -> str:
    def plain(value):
        if hasattr(value, "read"):  # an uploaded file: its name and size
            return f"file:{getattr(value, 'name', '')}:{getattr(value, 'size', '')}"
        return value

    data = request.data
    if hasattr(data, "lists"):
        data = {k: [plain(v) for v in vs] for k, vs in data.lists()}
    body = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


class ApiView(APIView):
    """The base of every API view; views that write subclass `WriteView`."""

    # The field named in an error: {API field: Chinese label}, besides the input serializer's own labels.
    field_labels: dict = {}

    def initial(self, request, *args, **kwargs):
        # Chinese unless the caller asks for English (Accept-Language: en); the pages' cookie does not apply here.
        wanted = request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip().lower()
        translation.activate("en" if wanted.startswith("en") else "zh-hans")
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = calling_client(request)
        if client is not None:
            ok = response.status_code < 400
            outcome = audit.AuditOutcome.SUCCESS if ok else audit.AuditOutcome.FAILURE
            if response.status_code in (401, 403):
                outcome = audit.AuditOutcome.REFUSED
            # The user DRF settled on (reading request.user again would authenticate again).
            user = getattr(request, "_user", None)
            account = user if client.account_id and user is not None and user.pk == client.account_id else None
            audit.record(
                CALL if ok else CALL_REFUSED,
                actor=account,
                subject=client,
                outcome=outcome,
                detail={
                    "method": request.method,
                    "path": request.path[:200],
                    "status": response.status_code,
                    "replayed": response.get("Idempotent-Replayed") == "true",
                },
            )
        return response


class WriteView(ApiView):
    """POST runs `create(request, ...)`, once per idempotency key of the client."""

    def post(self, request, *args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not key:
            return self.create(request, *args, **kwargs)
        if not KEY_PATTERN.match(key):
            raise InvalidInput(_("幂等键应为 8 至 80 个字母、数字或 _ : . -。"), field="Idempotency-Key")
        client = calling_client(request)
        digest = fingerprint(request)
        with transaction.atomic():
            try:
                # The key's row first: a concurrent retry with the same key waits on it (PostgreSQL) or on the
                # database's write lock (SQLite), then finds the stored answer.
                with transaction.atomic():
                    record = IdempotentResponse.objects.create(
                        client=client,
                        key=key,
                        fingerprint=digest,
                        status_code=0,
                        content_type="application/json",
                        body=b"",
                        created_at=clock.now(),
                    )
            except IntegrityError:
                record = IdempotentResponse.objects.get(client=client, key=key)
                if record.fingerprint != digest:
                    raise NotPossible(_("该幂等键已用于另一项请求，请换一个键。"), field="Idempotency-Key") from None
                response = Response(json.loads(bytes(record.body) or b"null"), status=record.status_code)
                response["Idempotent-Replayed"] = "true"
                return response
            response = self.create(request, *args, **kwargs)
            record.status_code = response.status_code
            record.body = json.dumps(response.data, default=str, ensure_ascii=False).encode()
            record.save(update_fields=["status_code", "body"])
        return response

    def create(self, request, *args, **kwargs):  # pragma: no cover - views that accept POST override it
        return self.http_method_not_allowed(request, *args, **kwargs)
