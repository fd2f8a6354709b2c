"""The API's one error shape: `{"errors": [{"code", "message", "field", "field_zh", "field_en"}]}`.

A refusal names the field it is about in the API's own name (`field`) and in the page's Chinese label and its English
translation (`field_zh`, `field_en`), so that an integrator reading either language finds it. Domain errors keep
their status: 400 bad input, 403 not allowed for this client, 409 not possible in this state, 429 too many.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from shangliang.core.errors import DomainError
from shangliang.core.ratelimit import RateLimited

CODES = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "conflict", 429: "too_many"}


def field_labels(view) -> dict:
    """{api field name: label} from the view's request serializer (labels are lazy Chinese strings)."""
    labels = dict(getattr(view, "field_labels", {}) or {})
    get_class = getattr(view, "input_serializer", None) or getattr(view, "serializer_class", None)
    if get_class is not None:
        try:
            for name, field in get_class().fields.items():
                if field.label:
                    labels.setdefault(name, field.label)
        except Exception:  # noqa: S110 (a serializer that needs context: no labels, the message still says it)
            pass
    return labels


def error(code: str, message, *, field: str | None = None, labels: dict | None = None) -> dict:
    entry = {"code": code, "message": str(message)}
    if field:
        entry["field"] = field
        label = (labels or {}).get(field)
        if label is not None:
            with translation.override("zh-hans"):
                entry["field_zh"] = str(label)
            with translation.override("en"):
                entry["field_en"] = str(label)
        else:
            entry["field_zh"] = entry["field_en"] = field
    return entry


def flatten(detail, labels: dict, prefix: str = "") -> list[dict]:
    """DRF's nested validation detail → a flat list of errors, each naming its field."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = prefix + str(key) if key != "non_field_errors" else prefix.rstrip(".")
            out += flatten(value, labels, name + "." if isinstance(value, dict) else name)
        return out
    if isinstance(detail, list):
        out = []
        for item in detail:
            out += flatten(item, labels, prefix)
        return out
    code = getattr(detail, "code", "invalid") or "invalid"
    field = prefix.rstrip(".") or None
    return [error(str(code), detail, field=field, labels=labels)]


def exception_handler(exc, context):
    view = context.get("view")
    labels = field_labels(view) if view is not None else {}
    headers = {}
    if isinstance(exc, RateLimited):
        return Response(
            {"errors": [error("too_many", exc.message)]},
            status=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, DomainError):
        code = CODES.get(exc.status_code, "invalid")
        return Response({"errors": [error(code, exc.message, field=exc.field, labels=labels)]}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("没有找到。"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("您无权进行此操作。"))
    if not isinstance(exc, exceptions.APIException):
        return None
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail, labels)
    else:
        code = CODES.get(exc.status_code, getattr(exc, "default_code", "error"))
        errors = [error(code, exc.detail)]
    if exc.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in headers:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return Response({"errors": errors}, status=exc.status_code, headers=headers)
