"""A mini-program acts for a resident with a short-lived token obtained by the resident's verified mobile: the one SMS
code flow of shangliang.residents (code_send, code_check), the one identity (`Visitor` with a verified number), never
a staff key. The token is signed (Django's signing, salt per purpose), bound to the client, and expires after
RESIDENT_TOKEN_MINUTES; it carries the number only as its keyed hash, its masked form and its SM4 token."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.utils.translation import gettext as _

from shangliang.core import ratelimit
from shangliang.core.errors import NotAllowed
from shangliang.residents.visitor import SESSION_MOBILE, VerifiedMobile, Visitor

SALT = "shangliang.api.resident-token"
TOKEN_HEADER = "X-Resident-Token"  # noqa: S105 (a header name)
TOKEN_MINUTES = 30


@dataclass
class TokenRequest:
    """What a Visitor reads from a request: no account, the verified number as a session would hold it."""

    session: dict = field(default_factory=dict)
    user: object = field(default_factory=AnonymousUser)
    COOKIES: dict = field(default_factory=dict)


def visitor_for_code(request) -> Visitor:
    """The visitor asking for a code: nobody yet, counted by the calling address like a browser."""
    return Visitor(request=TokenRequest(), network=ratelimit.client_address(request))


def issue(client, verified: VerifiedMobile) -> str:
    return signing.dumps({"c": client.pk, **verified.to_session()}, salt=SALT, compress=True)


def resident_of(request, client) -> Visitor | None:
    """The resident a mini-program acts for (X-Resident-Token), or None when no token is sent; a bad or expired
    token, or one issued to another client, is refused."""
    raw = request.headers.get(TOKEN_HEADER, "").strip()
    if not raw:
        return None
    try:
        data = signing.loads(raw[:2000], salt=SALT, max_age=TOKEN_MINUTES * 60)
    except signing.BadSignature:
        raise NotAllowed(_("居民凭证无效或已过期，请重新短信验证。")) from None
    verified = VerifiedMobile.from_session(data) if isinstance(data, dict) else None
    if verified is None or data.get("c") != client.pk:
        raise NotAllowed(_("居民凭证无效或已过期，请重新短信验证。"))
    session = {SESSION_MOBILE: verified.to_session()}
    return Visitor(request=TokenRequest(session=session), network=ratelimit.client_address(request))
