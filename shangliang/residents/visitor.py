"""Who the visitor of a request is (`request.visitor`): an account, a verified mainland mobile, an invitation, or an
anonymous browser — one way per request, in that order.

A verified number is good across the site for the session: the session holds its keyed hash, its masked form and the
number encrypted (SM4-GCM), never the number in clear. Verifying cycles the session key
(services.mobile_verified_into_session). The browser id of an anonymous visitor is a random value in a long-lived
cookie, used only as a rate-limit and one-support-per-browser key, and only as its keyed hash.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from shangliang.core import ratelimit
from shangliang.core.crypto import DecryptionError, decrypt, encrypt, keyed_hash, mobile_hash
from shangliang.people.models import mask_phone

SESSION_MOBILE = "residents.mobile"
SESSION_PENDING = "residents.pending"
BROWSER_COOKIE = "sl_browser"
BROWSER_COOKIE_AGE = 2 * 365 * 24 * 3600
SESSION_INVITATIONS = "residents.invitations"

ACCOUNT, MOBILE, INVITATION, ANONYMOUS = "account", "mobile", "invitation", "anonymous"


NUMBER_CONTEXT = "session.residents.mobile"


@dataclass(frozen=True)
class VerifiedMobile:
    """A number proved by an SMS code: its keyed hash, its masked form, and the number itself encrypted (SM4-GCM),
    opened only when a service must keep it for a call-back or a text message (`number()`)."""

    mobile_hash: str
    masked: str
    token: str = ""

    def to_session(self) -> dict:
        return {"hash": self.mobile_hash, "masked": self.masked, "token": self.token}

    @classmethod
    def of(cls, mobile: str) -> VerifiedMobile:
        return cls(mobile_hash(mobile), mask_phone(mobile), encrypt(mobile, context=NUMBER_CONTEXT))

    @classmethod
    def from_session(cls, data) -> VerifiedMobile | None:
        if not isinstance(data, dict):
            return None
        value, masked, token = data.get("hash"), data.get("masked"), data.get("token", "")
        if not isinstance(value, str) or len(value) != 64 or not isinstance(masked, str) or not isinstance(token, str):
            return None
        return cls(value, masked[:11], token)

    def number(self) -> str:
        """The number in clear ("" if the session's copy no longer opens, e.g. after a key was dropped)."""
        try:
            return decrypt(self.token, context=NUMBER_CONTEXT) if self.token else ""
        except DecryptionError:
            return ""


@dataclass
class Visitor:
    request: object = field(repr=False)
    network: str = ""

    @cached_property
    def user(self):
        user = getattr(self.request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None

    @cached_property
    def mobile(self) -> VerifiedMobile | None:
        session = getattr(self.request, "session", None)
        return VerifiedMobile.from_session(session.get(SESSION_MOBILE)) if session is not None else None

    @property
    def invitations(self) -> dict[str, str]:
        session = getattr(self.request, "session", None)
        data = session.get(SESSION_INVITATIONS) if session is not None else None
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    @property
    def kind(self) -> str:
        if self.user is not None:
            return ACCOUNT
        if self.mobile is not None:
            return MOBILE
        if self.invitations:
            return INVITATION
        return ANONYMOUS

    @property
    def trusted(self) -> bool:
        """An account or a verified number: not held to the per-network caps of anonymous writes."""
        return self.user is not None or self.mobile is not None

    @property
    def mobile_hash(self) -> str:
        return self.mobile.mobile_hash if self.mobile else ""

    @property
    def masked_mobile(self) -> str:
        return self.mobile.masked if self.mobile else ""

    def browser_key(self, *, create: bool = True) -> str:
        """The keyed hash of this browser's random id, kept in a long-lived cookie (set on first use by the
        middleware), so that one browser supports a topic once across sessions."""
        if self.request is None:
            return ""
        cookies = getattr(self.request, "COOKIES", {}) or {}
        raw = cookies.get(BROWSER_COOKIE) or getattr(self.request, "_residents_new_browser", "")
        if not isinstance(raw, str) or not (16 <= len(raw) <= 64):
            if not create:
                return ""
            raw = secrets.token_urlsafe(24)
            self.request._residents_new_browser = raw
        return keyed_hash(raw, purpose="browser")

    @property
    def rate_key(self) -> str:
        if self.user is not None:
            return f"user:{self.user.pk}"
        if self.mobile is not None:
            return f"mobile:{self.mobile.mobile_hash}"
        if self.invitations:
            return "invitation:" + ",".join(sorted(self.invitations.values()))
        return f"browser:{self.browser_key()}"

    def hit(self, name: str) -> None:
        """Count one public write under the named limit: per actor, and per network unless the visitor is trusted."""
        ratelimit.hit(name, key=self.rate_key, network=None if self.trusted else self.network)

    def remember_invitation(self, consultation_id: int, token: str) -> None:
        """A person without an account opened their personal link: this browser acts for them on that consultation."""
        tokens = self.invitations
        tokens[str(consultation_id)] = token
        self.request.session[SESSION_INVITATIONS] = tokens

    def invitation_token(self, consultation_id) -> str | None:
        return self.invitations.get(str(consultation_id))


def visitor_of(request) -> Visitor:
    return Visitor(request=request, network=ratelimit.client_address(request))


class VisitorMiddleware:
    """Sets `request.visitor` (lazily: most requests never look)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.visitor = SimpleLazyObject(lambda: visitor_of(request))
        response = self.get_response(request)
        new_browser = getattr(request, "_residents_new_browser", "")
        if new_browser:
            response.set_cookie(
                BROWSER_COOKIE,
                new_browser,
                max_age=BROWSER_COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
