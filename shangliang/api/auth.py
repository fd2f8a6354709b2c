"""Who is calling: a registered client by its key, counted against its named rate limit.

The key comes as `Authorization: Bearer <key>`, `X-Api-Key: <key>`, or (Open311's way) an `api_key` parameter.
`request.auth` is the ApiClient; `request.user` is the client's account when it has one (writes then run with that
account's permissions on the pages), else an anonymous user.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from shangliang.api.models import KEY_PREFIX, ApiClient
from shangliang.api.services import key_hash
from shangliang.core import ratelimit

MAX_KEY_LENGTH = 100


def presented_key(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    if request.META.get("HTTP_X_API_KEY"):
        return request.META["HTTP_X_API_KEY"].strip()
    value = request.query_params.get("api_key", "")
    if (
        not value
        and request.method == "POST"
        and request.content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
    ):
        value = request._request.POST.get("api_key", "")
    return value.strip() if isinstance(value, str) else ""


class TooMany(exceptions.APIException):
    """The client's named rate limit (core.ratelimit) refused the call: 429 with Retry-After."""

    status_code = 429
    default_code = "too_many"

    def __init__(self, detail, *, wait: int):
        super().__init__(detail, code="too_many")
        self.wait = wait


class ClientKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        key = presented_key(request)
        if not key:
            return None
        if len(key) > MAX_KEY_LENGTH or not key.startswith(KEY_PREFIX):
            raise exceptions.AuthenticationFailed(_("接口密钥不正确。"))
        client = ApiClient.objects.select_related("unit", "account").filter(key_hash=key_hash(key)).first()
        if client is None:
            raise exceptions.AuthenticationFailed(_("接口密钥不正确。"))
        if client.revoked_at is not None:
            request._api_refused_client = client
            raise exceptions.AuthenticationFailed(_("该接口客户端已停用。"))
        request._api_client = client  # for the audit record, even when the rate limit refuses the call
        try:
            ratelimit.hit(client.rate_limit, key=f"api-client:{client.pk}", network=ratelimit.client_address(request))
        except ratelimit.RateLimited as exc:
            raise TooMany(exc.message, wait=exc.retry_after) from None
        account = client.account
        user = account if account is not None and account.is_active else AnonymousUser()
        return user, client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def client_of(request) -> ApiClient | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiClient) else None


class ClientRequired(BasePermission):
    """A registered client holding the view's `required_scope` (when the view names one)."""

    def has_permission(self, request, view):
        client = client_of(request)
        if client is None:
            raise exceptions.NotAuthenticated(_("请提供接口密钥。"))
        scope = getattr(view, "required_scope", None)
        if scope and not client.has_scope(scope):
            raise exceptions.PermissionDenied(_("该客户端没有此项权限（%(scope)s）。") % {"scope": scope})
        return True
